package jacktf.export;

import jacktf.config.ConfigException;
import jacktf.model.Precision;
import java.util.Objects;

/**
 * How {@link SavedModelExporter} builds the served graph.
 *
 * <pre>{@code
 * SavedModelExporter.export(checkpoint, base, null, ExportOptions.defaults().withOptimize(true));
 * }</pre>
 *
 * @param precision compute precision of the convolutions and matmuls (variables stay float32)
 * @param featureEndpoint the endpoint the {@code features} signature returns, e.g. {@code global_pool}
 * @param optimize fold every batch norm into its convolution's weights and a bias (values read from the checkpoint
 *     at export), so the graph has no batch-norm ops or moving statistics: what TF's {@code optimize_for_inference}
 *     did. Same signatures and outputs (within float rounding), lower latency.
 */
public record ExportOptions(Precision precision, String featureEndpoint, boolean optimize) {
    /** The endpoint the {@code features} signature returns unless set: slim's pooled features. */
    public static final String FEATURE_ENDPOINT_DEFAULT = "global_pool";

    /**
     * Checks the options.
     *
     * @throws ConfigException if the feature endpoint is blank
     */
    public ExportOptions {
        Objects.requireNonNull(precision, "precision");
        if (featureEndpoint == null || featureEndpoint.isBlank()) {
            throw new ConfigException("featureEndpoint", "an endpoint name such as global_pool", featureEndpoint);
        }
    }

    /**
     * fp32, {@value #FEATURE_ENDPOINT_DEFAULT} features, not optimized: the plain export.
     *
     * @return the default options
     */
    public static ExportOptions defaults() {
        return new ExportOptions(Precision.FP32, FEATURE_ENDPOINT_DEFAULT, false);
    }

    /**
     * These options at another precision.
     *
     * @param precision the compute precision
     * @return new options
     */
    public ExportOptions withPrecision(Precision precision) {
        return new ExportOptions(precision, featureEndpoint, optimize);
    }

    /**
     * These options with another feature endpoint.
     *
     * @param featureEndpoint the endpoint the {@code features} signature returns
     * @return new options
     */
    public ExportOptions withFeatureEndpoint(String featureEndpoint) {
        return new ExportOptions(precision, featureEndpoint, optimize);
    }

    /**
     * These options with batch-norm folding on or off.
     *
     * @param optimize whether to fold batch norm into the convolutions
     * @return new options
     */
    public ExportOptions withOptimize(boolean optimize) {
        return new ExportOptions(precision, featureEndpoint, optimize);
    }
}
