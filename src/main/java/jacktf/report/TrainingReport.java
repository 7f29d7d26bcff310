package jacktf.report;

import jacktf.config.JacktfException;
import jacktf.eval.EvalReport;
import jacktf.runtime.StepProfile;
import jacktf.traindir.TrainDir;
import jacktf.traindir.TrainingPlan;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * One self-contained HTML file about a train dir: loss, accuracy and learning-rate curves from
 * its event files (train and eval overlaid), the confusion matrix and per-class metrics, sample
 * predictions with their images, the restore plan and the frozen/trainable split. No network,
 * no scripts: inline SVG and data URIs.
 */
public final class TrainingReport {
    private static final String TRAIN_COLOR = "#1f77b4";
    private static final String EVAL_COLOR = "#d62728";
    private static final String OTHER_COLOR = "#2ca02c";

    private TrainingReport() {}

    /**
     * Writes the report of {@code trainDir} to {@code output} and returns {@code output}. Corrupt
     * records in the event files are skipped and named in the report.
     */
    public static Path write(Path trainDir, Path output) throws IOException {
        if (!Files.isDirectory(trainDir)) {
            throw new JacktfException("No train dir at " + trainDir);
        }
        TrainDir dir = TrainDir.of(trainDir);
        EventFiles.ScalarLog trainLog = EventFiles.readScalars(dir.eventsDir());
        EventFiles.ScalarLog evalLog = EventFiles.readScalars(dir.evalDir());
        List<EventFiles.Scalar> train = trainLog.scalars();
        List<EventFiles.Scalar> eval = evalLog.scalars();
        if (train.isEmpty()) {
            throw new JacktfException(trainDir + " has no TensorBoard event files (is it a jacktf train dir?)");
        }
        TrainingPlan.Summary plan = dir.plan().orElse(null);
        Path metricsFile = dir.metricsFile();
        EvalReport metrics = Files.isRegularFile(metricsFile) ? EvalReport.read(metricsFile) : null;

        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>jacktf report: ")
                .append(Html.escape(trainDir.getFileName().toString()))
                .append("</title><style>")
                .append(
                        "body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f4f4f4}.charts{display:flex;flex-wrap:wrap;gap:12px}")
                .append(
                        ".grid{display:flex;flex-wrap:wrap;gap:8px}.sample{width:112px;font-size:11px;text-align:center}")
                .append(
                        ".ok{color:#1a7f37}.bad{color:#c62828}pre{background:#f7f7f7;padding:8px;font-size:11px;overflow:auto}")
                .append("</style></head><body>");
        html.append("<h1>Training report: ")
                .append(Html.escape(displayPath(trainDir.toAbsolutePath().toString())))
                .append("</h1>");
        html.append("<p>Written ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(" by jacktf report.</p>");

        html.append("<h2>Curves</h2>");
        appendDamage(html, trainLog.damage());
        appendDamage(html, evalLog.damage());
        html.append("<div class=\"charts\">");
        html.append(SvgChart.lineChart(
                "Loss",
                List.of(
                        series("train total_loss", TRAIN_COLOR, train, "total_loss"),
                        series("train cross_entropy", OTHER_COLOR, train, "losses/cross_entropy"),
                        series("eval cross_entropy", EVAL_COLOR, eval, "losses/cross_entropy"))));
        html.append(SvgChart.lineChart(
                "Accuracy",
                List.of(
                        series("train", TRAIN_COLOR, train, "accuracy"),
                        series("eval", EVAL_COLOR, eval, "accuracy"))));
        html.append(SvgChart.lineChart(
                "Learning rate", List.of(series("learning_rate", TRAIN_COLOR, train, "learning_rate"))));
        html.append("</div>");

        if (metrics != null) {
            appendMetrics(html, metrics);
        }
        if (plan != null) {
            appendPlan(html, plan);
        }
        Path profileTable = dir.profileDir().resolve(StepProfile.TABLE_FILE);
        if (Files.isRegularFile(profileTable)) {
            html.append("<h2>Where step time went</h2><p>From <code>--profile-steps</code>; the whole table is ")
                    .append(Html.escape(StepProfile.TSV_FILE))
                    .append(" and the Chrome trace ")
                    .append(Html.escape(
                            dir.profileDir().resolve(StepProfile.TRACE_FILE).toString()))
                    .append(" (chrome://tracing, Perfetto).</p><pre>")
                    .append(Html.escape(Files.readString(profileTable)))
                    .append("</pre>");
        }
        html.append("</body></html>\n");
        Files.writeString(output, html, StandardCharsets.UTF_8);
        return output;
    }

    /** One line per damaged event file, so curves with gaps are not taken for complete ones. */
    static void appendDamage(StringBuilder html, List<EventFiles.Damage> damage) {
        for (EventFiles.Damage d : damage) {
            html.append("<p class=\"bad\">").append(Html.escape(d.describe())).append(".</p>");
        }
    }

    /**
     * {@code path} without {@code .} and {@code ..} segments ({@code a/./b/../c} -> {@code a/c}); text
     * that is no path comes back as it was. Relative paths stay relative: they were written relative to
     * the directory the run was started in, which need not be this process's.
     */
    static String displayPath(String path) {
        try {
            return Path.of(path).normalize().toString();
        } catch (InvalidPathException notAPath) {
            return path;
        }
    }

    /**
     * The evaluation summary line. Top-5 recall is shown only with more than 5 classes: with 5 or fewer
     * the true class is always among the top 5 and recall@5 is 1 by construction.
     */
    static String evaluationSummary(EvalReport m) {
        StringBuilder s = new StringBuilder();
        s.append(Html.escape(displayPath(m.checkpoint())))
                .append(" (step ")
                .append(m.globalStep())
                .append(") on ")
                .append(m.examples())
                .append(" images: <b>accuracy ")
                .append(String.format(Locale.ROOT, "%.4f", m.accuracy()))
                .append("</b>");
        if (m.classNames().size() > 5) {
            s.append(", top-5 recall ").append(String.format(Locale.ROOT, "%.4f", m.recallAt5()));
        }
        return s.toString();
    }

    private static SvgChart.Series series(String name, String color, List<EventFiles.Scalar> scalars, String tag) {
        Map<Long, Double> byStep = new TreeMap<>(); // the last value written for a step wins (resumed runs)
        for (EventFiles.Scalar s : scalars) {
            if (s.tag().equals(tag)) {
                byStep.put(s.step(), (double) s.value());
            }
        }
        List<double[]> points = new ArrayList<>();
        byStep.forEach((step, value) -> points.add(new double[] {step, value}));
        return new SvgChart.Series(name, color, points);
    }

    private static void appendMetrics(StringBuilder html, EvalReport m) throws IOException {
        html.append("<h2>Evaluation</h2><p>").append(evaluationSummary(m)).append("</p>");
        html.append("<table><tr><th>class</th><th>precision</th><th>recall</th></tr>");
        for (int c = 0; c < m.classNames().size(); c++) {
            html.append("<tr><td>")
                    .append(Html.escape(m.classNames().get(c)))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3f", m.precision()[c]))
                    .append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3f", m.recall()[c]))
                    .append("</td></tr>");
        }
        html.append(
                "</table><h2>Confusion matrix</h2><p>Rows: true class; columns: predicted.</p><table><tr><th></th>");
        m.classNames().forEach(n -> html.append("<th>").append(Html.escape(n)).append("</th>"));
        html.append("</tr>");
        int max = 1;
        for (int[] row : m.confusion()) {
            for (int v : row) {
                max = Math.max(max, v);
            }
        }
        for (int r = 0; r < m.confusion().length; r++) {
            html.append("<tr><th>").append(Html.escape(m.classNames().get(r))).append("</th>");
            for (int c = 0; c < m.confusion()[r].length; c++) {
                int v = m.confusion()[r][c];
                int shade = 255 - (int) (180.0 * v / max);
                String color = r == c
                        ? String.format("rgb(%d,255,%d)", shade, shade)
                        : String.format("rgb(255,%d,%d)", shade, shade);
                html.append("<td style=\"background:")
                        .append(color)
                        .append("\">")
                        .append(v)
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        if (!m.samples().isEmpty()) {
            html.append("<h2>Sample predictions</h2><div class=\"grid\">");
            for (EvalReport.Sample s : m.samples()) {
                String thumbnail = thumbnail(Path.of(s.file()));
                boolean right = s.label() == s.predicted();
                html.append("<div class=\"sample\">");
                if (thumbnail != null) {
                    html.append("<img width=\"96\" height=\"96\" alt=\"\" src=\"")
                            .append(thumbnail)
                            .append("\"><br>");
                }
                html.append("<span class=\"")
                        .append(right ? "ok" : "bad")
                        .append("\">")
                        .append(Html.escape(m.classNames().get(s.predicted())))
                        .append(String.format(Locale.ROOT, " %.2f", s.probability()))
                        .append("</span><br>true: ")
                        .append(Html.escape(m.classNames().get(s.label())))
                        .append("</div>");
            }
            html.append("</div>");
        }
        if (!m.undecodable().isEmpty()) {
            html.append("<p>Left out (failed to decode): ")
                    .append(Html.escape(String.join(", ", m.undecodable())))
                    .append("</p>");
        }
    }

    private static void appendPlan(StringBuilder html, TrainingPlan.Summary plan) {
        html.append("<h2>Run</h2><p>Classes ")
                .append(Html.escape(String.valueOf(plan.classNames())))
                .append("; ")
                .append(plan.trainExamples())
                .append(" training and ")
                .append(plan.validationExamples())
                .append(" validation images; steps ")
                .append(plan.startStep())
                .append(" to ")
                .append(plan.maxSteps())
                .append(".</p>");
        if (plan.cluster() != null) {
            html.append("<p>Trained on a cluster: ")
                    .append(Html.escape(plan.cluster()))
                    .append(".</p>");
        }
        html.append("<h2>Restore plan</h2>");
        if (plan.resumedFrom() != null) {
            html.append("<p>Resumed from ")
                    .append(Html.escape(displayPath(plan.resumedFrom())))
                    .append(".</p>");
        } else if (plan.restorePlan() != null) {
            html.append("<pre>").append(Html.escape(plan.restorePlan())).append("</pre>");
        } else {
            html.append("<p>Started from freshly initialised variables.</p>");
        }
        html.append("<h2>Frozen and trainable</h2><table><tr><th>scope</th><th>trainable variables</th>"
                + "<th>frozen variables</th></tr>");
        Map<String, int[]> byScope = new TreeMap<>();
        plan.trainableVariables().forEach(v -> byScope.computeIfAbsent(scopeOf(v), k -> new int[2])[0]++);
        plan.frozenVariables().forEach(v -> byScope.computeIfAbsent(scopeOf(v), k -> new int[2])[1]++);
        byScope.forEach((scope, n) -> html.append("<tr><td style=\"text-align:left\">")
                .append(Html.escape(scope))
                .append("</td><td class=\"")
                .append(n[0] > 0 ? "ok" : "")
                .append("\">")
                .append(n[0])
                .append("</td><td>")
                .append(n[1])
                .append("</td></tr>"));
        html.append("</table>");
    }

    /** {@code resnet_v1_50/block1/...} -> {@code resnet_v1_50/block1}. */
    private static String scopeOf(String variable) {
        String[] parts = variable.split("/");
        return parts.length > 2 ? parts[0] + "/" + parts[1] : parts[0];
    }

    private static String thumbnail(Path file) throws IOException {
        BufferedImage image;
        try {
            image = Files.isRegularFile(file) ? ImageIO.read(file.toFile()) : null;
        } catch (IOException | RuntimeException unreadable) {
            image = null; // TF decoded it; Java's decoder may not
        }
        if (image == null) {
            return null;
        }
        BufferedImage small = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, 96, 96, null);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(small, "png", png);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
