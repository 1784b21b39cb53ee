package dev.jvmbpf.cli.internal;

import java.util.Arrays;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * What a benchmark's samples (ns per run, one per round) say: the median with a distribution-free
 * confidence interval, the spread (min, p10, p90, max) and the mean. Percentiles are estimated as
 * R and NumPy do by default (Hyndman and Fan's type 7); the interval of the median comes from the
 * order statistics and the binomial distribution, so it needs no assumption about how times are
 * distributed (they are skewed: a run can be slowed down, never sped up).
 *
 * <p>{@code confidence} is the coverage the interval actually has (the order statistics give it
 * in steps: 97.9% for 10 samples); with fewer than 6 samples no interval reaches 95% and the
 * interval is the whole range.
 */
public record Summary(int samples, double median, double min, double p10, double p90, double max, double mean,
        double ciLow, double ciHigh, double confidence) {
    /** (p90 - p10) / median above this is a warning: the machine or the runs are not steady. */
    public static final double WIDE_SPREAD = 0.20;

    public static Summary of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        p.setData(sorted);
        double mean = Arrays.stream(sorted).sum() / n;
        // Ranks k and n + 1 - k bracket the median with probability 1 - 2 P(B <= k - 1), B ~ Bin(n, 1/2).
        BinomialDistribution b = new BinomialDistribution(null, n, 0.5);
        int k = b.inverseCumulativeProbability(0.025);
        double confidence;
        int low;
        if (k < 1 || n < 6) {
            low = 1;
            confidence = 1 - 2 * Math.pow(0.5, n);
        } else {
            low = k;
            confidence = 1 - 2 * b.cumulativeProbability(k - 1);
        }
        return new Summary(n, p.evaluate(50), sorted[0], p.evaluate(10), p.evaluate(90), sorted[n - 1], mean,
                sorted[low - 1], sorted[n - low], confidence);
    }

    /** The spread p10 to p90 as a fraction of the median. */
    public double relativeSpread() {
        return median > 0 ? (p90 - p10) / median : 0;
    }

    public boolean wide() {
        return relativeSpread() > WIDE_SPREAD;
    }
}
