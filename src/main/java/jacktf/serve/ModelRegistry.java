package jacktf.serve;

import jacktf.config.JacktfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The served models by name, from one base path or a model config file, kept current by one
 * poller: every {@code pollSeconds} a changed config file is read again (models added, removed or
 * given a new policy) and every model's versions are refreshed.
 */
final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class.getName());

    private final Optional<Path> configFile;
    private final SignatureRunner.Options options;
    private final ServingMetrics metrics;
    private final Map<String, ModelVersions> models = new ConcurrentHashMap<>();
    private volatile String configText;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-poller");
        t.setDaemon(true);
        return t;
    });

    private ModelRegistry(Optional<Path> configFile, SignatureRunner.Options options, ServingMetrics metrics) {
        this.configFile = configFile;
        this.options = options;
        this.metrics = metrics;
    }

    /**
     * Loads the models and starts polling. A model without a version to serve, or with a version
     * the policy picks that fails to load, is a {@link JacktfException} naming it and the reason
     * (after start-up, failures are states: {@link ModelVersions#refresh}). {@code configFile}
     * present: its models; else the one model {@code name} at {@code basePath}.
     */
    static ModelRegistry start(
            Optional<Path> configFile,
            Path basePath,
            String name,
            long pollSeconds,
            SignatureRunner.Options options,
            ServingMetrics metrics)
            throws IOException {
        ModelRegistry registry = new ModelRegistry(configFile, options, metrics);
        try {
            List<ModelConfigFile.Entry> entries;
            if (configFile.isPresent()) {
                registry.configText = Files.readString(configFile.get());
                entries = ModelConfigFile.read(configFile.get());
            } else {
                entries = List.of(new ModelConfigFile.Entry(name, basePath, VersionPolicy.latest(), Map.of()));
            }
            for (ModelConfigFile.Entry e : entries) {
                if (!Files.isDirectory(e.basePath())) {
                    throw new JacktfException("Model " + e.name() + " cannot be served: its base path "
                            + e.basePath() + " is not a directory; expected " + e.basePath()
                            + "/<version>/saved_model.pb");
                }
                ModelVersions versions = registry.add(e);
                // TF Serving's model server stops when a configured model's version fails at start-up; here the
                // user's mistake is one line naming the model, the version and the reason
                Optional<ModelVersions.VersionState> failed = versions.failure();
                if (failed.isPresent()) {
                    ModelVersions.VersionState f = failed.get();
                    throw new JacktfException("Model " + e.name() + " cannot be served: version " + f.version() + " in "
                            + e.basePath() + " failed to load (" + f.errorCode() + "): " + f.error());
                }
                if (versions.servedVersions().isEmpty()) {
                    throw new JacktfException("Model " + e.name() + " cannot be served: no version to load in "
                            + e.basePath() + " (policy " + VersionPolicy.describe(e.policy()) + "); expected "
                            + e.basePath() + "/<N>/saved_model.pb (write one with: jacktf export --output "
                            + e.basePath() + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        registry.poller.scheduleWithFixedDelay(registry::poll, pollSeconds, pollSeconds, TimeUnit.SECONDS);
        return registry;
    }

    private ModelVersions add(ModelConfigFile.Entry e) throws IOException {
        ModelVersions versions = new ModelVersions(e.name(), e.basePath(), e.policy(), e.labels(), options, metrics);
        versions.refresh(); // loaded before it is visible: a new model is never answered as empty
        models.put(e.name(), versions);
        return versions;
    }

    /** The model {@code name}, or NOT_FOUND. */
    ModelVersions model(String name) {
        ModelVersions m = models.get(name);
        if (m == null) {
            throw ServingException.notFound(
                    "Servable not found for request: Latest(" + name + "); served models: " + models.keySet());
        }
        return m;
    }

    /** Whether {@code name} is a model of the registry (served or loading). */
    boolean serves(String name) {
        return models.containsKey(name);
    }

    Collection<ModelVersions> models() {
        return models.values();
    }

    /** Reads a changed config file and refreshes every model; failures are logged and the old state kept. */
    synchronized void poll() {
        try {
            if (configFile.isPresent()) {
                String text = Files.readString(configFile.get());
                if (!text.equals(configText)) {
                    apply(ModelConfigFile.parse(configFile.get().toString(), text));
                    configText = text;
                    LOG.info("Applied the changed model config " + configFile.get());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "The model config " + configFile.get() + " was not applied; still serving the old one",
                    e);
        }
        for (ModelVersions m : models.values()) {
            try {
                m.refresh();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "Refreshing the versions of " + m.name() + " failed", e);
            }
        }
    }

    private synchronized void apply(List<ModelConfigFile.Entry> entries) throws IOException {
        Map<String, ModelConfigFile.Entry> wanted = new ConcurrentHashMap<>();
        entries.forEach(e -> wanted.put(e.name(), e));
        for (var it = models.entrySet().iterator(); it.hasNext(); ) {
            var m = it.next();
            ModelConfigFile.Entry e = wanted.get(m.getKey());
            if (e == null || !e.basePath().equals(m.getValue().basePath())) {
                it.remove();
                m.getValue().close();
            }
        }
        for (ModelConfigFile.Entry e : entries) {
            ModelVersions existing = models.get(e.name());
            if (existing != null) {
                existing.reconfigure(e.policy(), e.labels());
            } else {
                add(e);
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        models.values().forEach(ModelVersions::close);
        models.clear();
    }
}
