package jacktf.report;

import java.util.List;
import java.util.Locale;

/** Line charts as plain inline SVG: axes with ticks, one polyline per series, a legend. */
final class SvgChart {
    private static final int WIDTH = 560;
    private static final int HEIGHT = 260;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 36;

    /** Points (step, value) drawn in one colour. */
    record Series(String name, String color, List<double[]> points) {}

    private SvgChart() {}

    static String lineChart(String title, List<Series> series) {
        List<Series> drawn = series.stream().filter(s -> !s.points().isEmpty()).toList();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                LEFT,
                Html.escape(title)));
        boolean anyFinite = drawn.stream().flatMap(s -> s.points().stream()).anyMatch(p -> Double.isFinite(p[1]));
        if (!anyFinite) {
            svg.append(String.format(
                    Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">no data</text></svg>", LEFT, HEIGHT / 2));
            return svg.toString();
        }
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Series s : drawn) {
            for (double[] p : s.points()) {
                if (Double.isFinite(p[1])) {
                    minX = Math.min(minX, p[0]);
                    maxX = Math.max(maxX, p[0]);
                    minY = Math.min(minY, p[1]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
        }
        // y: the axis grows to the ticks around the data; x (steps): the data's range, ticks inside it,
        // so a run's curve ends at the right edge rather than before an empty stretch.
        Axis yAxis = Axis.around(minY, maxY);
        Axis xAxis = Axis.within(minX, maxX);
        minY = yAxis.min();
        maxY = yAxis.max();
        minX = xAxis.min();
        maxX = xAxis.max();
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>",
                LEFT,
                TOP,
                plotW,
                plotH));
        for (double value : yAxis.ticks()) {
            double y = TOP + plotH - (value - minY) / (maxY - minY) * plotH;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>",
                    LEFT,
                    LEFT + plotW,
                    y,
                    y));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
                    LEFT - 4,
                    y + 3,
                    yAxis.label(value)));
        }
        for (double step : xAxis.ticks()) {
            double x = LEFT + (step - minX) / (maxX - minX) * plotW;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    x,
                    HEIGHT - BOTTOM + 14,
                    xAxis.label(step)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">step</text>",
                LEFT + plotW / 2,
                HEIGHT - 4));
        int legendX = LEFT + 8;
        for (Series s : drawn) {
            StringBuilder points = new StringBuilder();
            for (double[] p : s.points()) {
                if (Double.isFinite(p[1])) {
                    double x = LEFT + (p[0] - minX) / (maxX - minX) * plotW;
                    double y = TOP + plotH - (p[1] - minY) / (maxY - minY) * plotH;
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                }
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" " + "points=\"%s\"/>",
                    s.color(),
                    points.toString().trim()));
            if (s.points().size() == 1) {
                svg.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%s\" r=\"3\" fill=\"%s\"/>",
                        points.toString().trim().replace(",", "\" cy=\""),
                        s.color()));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
                            + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>",
                    legendX,
                    TOP + 8,
                    s.color(),
                    legendX + 14,
                    TOP + 12,
                    Html.escape(s.name())));
            legendX += 24 + 6 * s.name().length();
        }
        return svg.append("</svg>").toString();
    }

    /**
     * An axis range and its ticks at round values: a step of 1, 2 or 5 times a power of ten chosen so
     * that about five intervals span the data; labels carry as many decimals as the step needs.
     */
    record Axis(double min, double max, double step, double[] ticks) {
        private static final int INTERVALS = 5;

        /** The range extended outward to the ticks enclosing {@code [lo, hi]}. */
        static Axis around(double lo, double hi) {
            double[] range = nonEmpty(lo, hi);
            double step = niceStep(range[1] - range[0]);
            double min = Math.floor(range[0] / step) * step;
            double max = Math.ceil(range[1] / step) * step;
            return new Axis(min, max, step, ticks(min, max, step));
        }

        /** The range {@code [lo, hi]} itself (widened only when empty) with the round ticks inside it. */
        static Axis within(double lo, double hi) {
            double[] range = nonEmpty(lo, hi);
            double step = niceStep(range[1] - range[0]);
            return new Axis(
                    range[0],
                    range[1],
                    step,
                    ticks(Math.ceil(range[0] / step) * step, Math.floor(range[1] / step) * step, step));
        }

        /**
         * A constant series gets the range from 0 to twice its value (0 to 1 for zero), so a constant
         * learning rate of 0.001 sits mid-axis on 0 .. 0.002 rather than on a sliver of its own.
         */
        private static double[] nonEmpty(double lo, double hi) {
            if (lo < hi) {
                return new double[] {lo, hi};
            }
            if (lo == 0) {
                return new double[] {0, 1};
            }
            return lo > 0 ? new double[] {0, 2 * lo} : new double[] {2 * lo, 0};
        }

        /** 1, 2 or 5 times a power of ten, the smallest such step giving at most about five intervals. */
        static double niceStep(double span) {
            double raw = span / INTERVALS;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double normalized = raw / magnitude;
            double slack = 1 + 1e-9; // 0.2 / 0.1 may come out a hair above 2
            double nice = normalized <= slack ? 1 : normalized <= 2 * slack ? 2 : normalized <= 5 * slack ? 5 : 10;
            return nice * magnitude;
        }

        private static double[] ticks(double first, double last, double step) {
            long from = Math.round(first / step);
            long to = Math.round(last / step);
            double[] ticks = new double[(int) (to - from + 1)];
            for (int i = 0; i < ticks.length; i++) {
                ticks[i] = (from + i) * step + 0.0; // + 0.0 turns -0.0 into 0.0
            }
            return ticks;
        }

        /** The tick's value with the decimals the step needs: 0.0005 steps give 0.0015, 50 steps give 150. */
        String label(double value) {
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            if (decimals > 6 || Math.abs(value) >= 1e7) {
                return String.format(Locale.ROOT, "%.2e", value);
            }
            return String.format(Locale.ROOT, "%." + decimals + "f", value + 0.0);
        }
    }
}
