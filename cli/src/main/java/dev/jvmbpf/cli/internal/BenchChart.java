package dev.jvmbpf.cli.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench --chart FILE}: a standalone SVG with one group of horizontal bars per workload, one
 * bar per engine side by side, the median time per run as the bar and p10 to p90 as a whisker, on
 * a logarithmic axis (interpreter and JIT differ a hundredfold), with units, a legend and the
 * machine in a footer.
 */
public final class BenchChart {
    /** One engine's result in a group; {@code summary} is null when the engine did not run. */
    public record Bar(String engine, Summary summary, String note) {
    }

    /** One workload (or program) and its bars. */
    public record Group(String title, List<Bar> bars) {
        public Group {
            bars = List.copyOf(bars);
        }
    }

    private static final String[] COLOURS = {"#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"};
    private static final int WIDTH = 960;
    private static final int LEFT = 170;
    private static final int RIGHT = 150;
    private static final int BAR = 18;
    private static final int GAP = 4;
    private static final int GROUP_GAP = 18;

    private BenchChart() {
    }

    public static String svg(List<Group> groups, String subtitle, String machine) {
        Set<String> engines = new LinkedHashSet<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Group g : groups) {
            for (Bar b : g.bars()) {
                engines.add(b.engine());
                if (b.summary() != null) {
                    lo = Math.min(lo, Math.max(b.summary().p10(), 0.1));
                    hi = Math.max(hi, Math.max(b.summary().p90(), b.summary().median()));
                }
            }
        }
        if (hi == 0) {
            lo = 1;
            hi = 10;
        }
        int lowDecade = (int) Math.floor(Math.log10(lo));
        int highDecade = Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(hi)));
        List<String> engineList = new ArrayList<>(engines);
        int top = 92;
        int plotHeight = 0;
        for (Group g : groups) {
            plotHeight += g.bars().size() * (BAR + GAP) + GROUP_GAP;
        }
        int height = top + plotHeight + 70;
        double plotWidth = WIDTH - LEFT - RIGHT;
        Scale x = new Scale(lowDecade, highDecade, LEFT, plotWidth);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                WIDTH, height, WIDTH, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(text(LEFT, 24, "start", 16, "bold", "jvmbpf bench: time per run (lower is better)"));
        s.append(text(LEFT, 42, "start", 12, "normal", subtitle));
        // Legend.
        double lx = LEFT;
        for (int i = 0; i < engineList.size(); i++) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"54\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    lx, colour(i)));
            s.append(text(lx + 16, 64, "start", 12, "normal", engineList.get(i)));
            lx += 28 + 7.5 * engineList.get(i).length();
        }
        // Axis: a line per decade, labelled in ns, us or ms.
        int axisBottom = top + plotHeight;
        for (int d = lowDecade; d <= highDecade; d++) {
            double gx = x.at(Math.pow(10, d));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    gx, top - 8, gx, axisBottom));
            s.append(text(gx, axisBottom + 16, "middle", 11, "normal", decade(d)));
        }
        s.append(text(LEFT + plotWidth / 2, axisBottom + 34, "middle", 12, "normal",
                "median time per run (log scale); whiskers: 10th to 90th percentile"));
        int y = top;
        for (Group g : groups) {
            int groupHeight = g.bars().size() * (BAR + GAP);
            s.append(text(LEFT - 10, y + groupHeight / 2.0 + 4, "end", 13, "bold", g.title()));
            for (Bar b : g.bars()) {
                int i = engineList.indexOf(b.engine());
                if (b.summary() == null) {
                    s.append(text(LEFT + 4, y + BAR - 5, "start", 11, "normal", b.engine() + ": " + b.note()));
                } else {
                    Summary m = b.summary();
                    double end = x.at(m.median());
                    s.append(String.format(Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
                            LEFT, y, Math.max(1, end - LEFT), BAR, colour(i), escape(b.engine() + ": median "
                                    + duration(m.median()) + ", p10 " + duration(m.p10()) + ", p90 " + duration(m.p90()))));
                    double w0 = x.at(m.p10());
                    double w1 = x.at(m.p90());
                    double mid = y + BAR / 2.0;
                    s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\""
                            + " stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>%n", w0, mid, w1, w0, mid - 4, mid + 4,
                            w1, mid - 4, mid + 4));
                    s.append(text(Math.max(end, w1) + 6, y + BAR - 5, "start", 11, "normal",
                            duration(m.median()) + (m.wide() ? "  (wide spread)" : "")));
                }
                y += BAR + GAP;
            }
            y += GROUP_GAP;
        }
        s.append(text(LEFT, height - 12, "start", 10, "normal", machine));
        s.append("</svg>\n");
        return s.toString();
    }

    /** {@code 10 ns}, {@code 1 \u00b5s}, {@code 100 ms}: the label of the line at 10^d ns. */
    static String decade(int d) {
        String[] units = {"ns", "\u00b5s", "ms", "s"};
        int unit = Math.min(3, Math.max(0, Math.floorDiv(d, 3)));
        double value = Math.pow(10, d - 3 * unit);
        return (value >= 1 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%s", value))
                + " " + units[unit];
    }

    private static String colour(int i) {
        return COLOURS[Math.floorMod(i, COLOURS.length)];
    }

    /** {@code 1,790 ns}, {@code 32.6 us}, {@code 1.2 ms}: three significant figures at most. */
    public static String duration(double ns) {
        if (ns < 1_000) {
            return String.format(Locale.ROOT, ns < 10 ? "%.2f ns" : ns < 100 ? "%.1f ns" : "%.0f ns", ns);
        }
        if (ns < 1_000_000) {
            double us = ns / 1_000;
            return String.format(Locale.ROOT, us < 10 ? "%.2f \u00b5s" : us < 100 ? "%.1f \u00b5s" : "%.0f \u00b5s", us);
        }
        double ms = ns / 1_000_000;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms", ms);
    }

    private static String text(double x, double y, String anchor, int size, String weight, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\""
                + " font-weight=\"%s\" fill=\"#222\">%s</text>%n", x, y, anchor, size, weight, escape(content));
    }

    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    // XML 1.0 has no place for most control characters, even escaped.
                    if (c >= 0x20 || c == '\t' || c == '\n') {
                        sb.append(c);
                    } else {
                        sb.append("\\x").append(String.format(Locale.ROOT, "%02x", (int) c));
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Logarithmic position of a time between two decades. */
    private record Scale(int lowDecade, int highDecade, double left, double width) {
        double at(double ns) {
            double v = Math.log10(Math.max(ns, Math.pow(10, lowDecade)));
            return left + (v - lowDecade) / (highDecade - lowDecade) * width;
        }
    }
}
