package dev.jvmbpf.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void percentilesAsRAndNumPyAndTheMediansIntervalFromOrderStatistics() {
        Summary s = Summary.of(new double[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
        assertEquals(5.5, s.median(), 1e-9);
        assertEquals(1.9, s.p10(), 1e-9);
        assertEquals(9.1, s.p90(), 1e-9);
        assertEquals(1, s.min());
        assertEquals(10, s.max());
        assertEquals(5.5, s.mean(), 1e-9);
        // Ranks 2 and 9 of 10 bracket the median with probability 1 - 2 * 11/1024.
        assertEquals(2, s.ciLow());
        assertEquals(9, s.ciHigh());
        assertEquals(1 - 22.0 / 1024, s.confidence(), 1e-12);
        assertTrue(s.wide());
    }

    @Test
    void fewSamplesGiveTheWholeRangeAtTheConfidenceItHas() {
        Summary s = Summary.of(new double[] {100, 101, 102});
        assertEquals(100, s.ciLow());
        assertEquals(102, s.ciHigh());
        assertEquals(0.75, s.confidence(), 1e-12);
        assertFalse(s.wide(), "2% spread");
    }

    @Test
    void roundsInterleaveTheRunnersStartingOneLaterEachRound() {
        List<Integer> order = new ArrayList<>();
        List<IntToLongFunction> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            runs.add(n -> {
                order.add(id);
                return 100L * n * (id + 1);
            });
        }
        List<Integer> rounds = new ArrayList<>();
        double[][] samples = RunTimer.interleave(runs, new int[] {1, 2, 4}, 3, rounds::add);
        assertEquals(List.of(0, 1, 2, 1, 2, 0, 2, 0, 1), order);
        assertEquals(List.of(0, 1, 2), rounds);
        assertEquals(300.0, samples[2][1]);
    }

    @Test
    void progressRewritesOneLineAndErasesItOrSaysNothing() {
        StringWriter text = new StringWriter();
        Progress p = Progress.to(new PrintWriter(text), true);
        p.show("round 1 of 10");
        p.show("round 2");
        p.clear();
        assertEquals("\rround 1 of 10\rround 2      \r" + " ".repeat(7) + "\r", text.toString());
        StringWriter none = new StringWriter();
        Progress off = Progress.to(new PrintWriter(none), false);
        off.show("x");
        off.clear();
        assertEquals("", none.toString());
    }
}
