package jacktf.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tick positions and labels worked out by hand: steps of 1, 2 or 5 x 10^n, about five intervals. */
class SvgChartTest {

    private static List<String> labels(SvgChart.Axis axis) {
        return Arrays.stream(axis.ticks()).mapToObj(axis::label).toList();
    }

    @Test
    void aLossAxisGrowsToRoundTicks() {
        // span 2.1 / 5 = 0.42 -> 0.5; 0.2 .. 2.3 widens to 0 .. 2.5
        SvgChart.Axis y = SvgChart.Axis.around(0.2, 2.3);
        assertEquals(0.5, y.step(), 1e-12);
        assertEquals(0, y.min(), 1e-12);
        assertEquals(2.5, y.max(), 1e-12);
        assertEquals(List.of("0.0", "0.5", "1.0", "1.5", "2.0", "2.5"), labels(y));
        // span 15.9 / 5 = 3.18 -> 5; negative values floor to -5
        assertEquals(List.of("-5", "0", "5", "10", "15"), labels(SvgChart.Axis.around(-3.7, 12.2)));
        // span 0.07 / 5 = 0.014 -> 0.02
        assertEquals(List.of("0.90", "0.92", "0.94", "0.96", "0.98"), labels(SvgChart.Axis.around(0.91, 0.98)));
    }

    @Test
    void theStepAxisKeepsTheDataRangeWithRoundTicksInside() {
        // the 0 .. 123: ticks were 30.8, 60.5, 90.3; 123 / 5 = 24.6 -> 50
        SvgChart.Axis x = SvgChart.Axis.within(0, 123);
        assertEquals(0, x.min());
        assertEquals(123, x.max());
        assertArrayEquals(new double[] {0, 50, 100}, x.ticks(), 1e-9);
        assertEquals(List.of("0", "50", "100"), labels(x));
        // 40 .. 1000: 960 / 5 = 192 -> 200; first tick is the first multiple of 200 inside
        assertEquals(List.of("200", "400", "600", "800", "1000"), labels(SvgChart.Axis.within(40, 1000)));
    }

    @Test
    void aConstantSeriesSitsMidAxis() {
        // a constant learning rate 0.001: 0 .. 0.002 in steps of 0.0005 (0.0004 -> 0.0005)
        SvgChart.Axis lr = SvgChart.Axis.around(0.001, 0.001);
        assertEquals(0, lr.min(), 1e-15);
        assertEquals(0.002, lr.max(), 1e-15);
        assertEquals(List.of("0.0000", "0.0005", "0.0010", "0.0015", "0.0020"), labels(lr));
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), labels(SvgChart.Axis.around(0, 0)));
        // -2: -4 .. 0, span 4 / 5 = 0.8 -> 1
        assertEquals(List.of("-4", "-3", "-2", "-1", "0"), labels(SvgChart.Axis.around(-2, -2)));
        // a single step 1000: 0 .. 2000 in 500s
        assertEquals(List.of("0", "500", "1000", "1500", "2000"), labels(SvgChart.Axis.within(1000, 1000)));
    }

    @Test
    void tinyAndHugeValuesUseExponents() {
        // 1e-8 .. 5e-8: step 1e-8 would need 8 decimals
        assertEquals("3.00e-08", SvgChart.Axis.around(1e-8, 5e-8).label(3e-8));
        assertEquals("2.00e+07", SvgChart.Axis.around(0, 5e7).label(2e7));
    }

    @Test
    void theChartDrawsTheRoundTicks() {
        String svg = SvgChart.lineChart(
                "Loss",
                List.of(new SvgChart.Series(
                        "train", "#000", List.of(new double[] {0, 2.3}, new double[] {61, 1.1}, new double[] {123, 0.2
                        }))));
        for (String label : List.of(">0<", ">50<", ">100<", ">0.5<", ">2.5<")) {
            assertTrue(svg.contains(label), label + " in " + svg);
        }
        assertFalse(svg.contains("30.8"), svg);
        // the polyline spans the plot: x 64 (step 0) to 544 (step 123); y of 2.3 on a 0 .. 2.5 axis
        // is 28 + 196 * (1 - 2.3 / 2.5) = 43.7, of 0.2 is 28 + 196 * (1 - 0.2 / 2.5) = 208.3
        assertTrue(svg.contains("points=\"64.0,43.7 "), svg);
        assertTrue(svg.contains(" 544.0,208.3\""), svg);
    }

    @Test
    void aSeriesWithoutFiniteValuesIsNoData() {
        String svg = SvgChart.lineChart(
                "Loss",
                List.of(new SvgChart.Series(
                        "train", "#000", List.of(new double[] {0, Double.NaN}, new double[] {1, Double.POSITIVE_INFINITY
                        }))));
        assertTrue(svg.contains("no data"), svg);
    }
}
