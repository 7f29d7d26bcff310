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
    svg.append(String.format(Locale.ROOT,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
        WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
        LEFT, Html.escape(title)));
    if (drawn.isEmpty()) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">no data</text></svg>", LEFT, HEIGHT / 2));
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
    if (minX == maxX) {
      maxX = minX + 1;
    }
    if (minY == maxY) {
      maxY = minY + Math.max(1e-6, Math.abs(minY) * 0.1);
    }
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>",
        LEFT, TOP, plotW, plotH));
    for (int i = 0; i <= 4; i++) {
      double y = TOP + plotH - i * plotH / 4;
      double value = minY + i * (maxY - minY) / 4;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>",
          LEFT, LEFT + plotW, y, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
          LEFT - 4, y + 3, format(value)));
      double x = LEFT + i * plotW / 4;
      double step = minX + i * (maxX - minX) / 4;
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
          x, HEIGHT - BOTTOM + 14, format(step)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">step</text>",
        LEFT + plotW / 2, HEIGHT - 4));
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
      svg.append(String.format(Locale.ROOT, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
          + "points=\"%s\"/>", s.color(), points.toString().trim()));
      if (s.points().size() == 1) {
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%s\" r=\"3\" fill=\"%s\"/>",
            points.toString().trim().replace(",", "\" cy=\""), s.color()));
      }
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", legendX, TOP + 8, s.color(), legendX + 14, TOP + 12,
          Html.escape(s.name())));
      legendX += 24 + 6 * s.name().length();
    }
    return svg.append("</svg>").toString();
  }

  private static String format(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a < 0.001 || a >= 100000)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
