package jacktf.serve;

import com.google.protobuf.TextFormat;
import jacktf.config.ConfigException;
import jacktf.serve.apis.FileSystemStoragePathSourceConfig.ServableVersionPolicy;
import jacktf.serve.apis.ModelConfig;
import jacktf.serve.apis.ModelServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --model-config-file}: TF Serving's {@code ModelServerConfig} in protobuf text format,
 * parsed by protobuf's own text parser into the message compiled from TF Serving's
 * model_server_config.proto. Only {@code model_config_list} is read: name, base_path,
 * model_platform ("tensorflow" or empty), model_version_policy and version_labels.
 */
final class ModelConfigFile {
    /** One model of the list. */
    record Entry(String name, Path basePath, VersionPolicy policy, Map<String, Long> labels) {}

    private ModelConfigFile() {}

    /** Reads and checks the file; a mistake is a {@link ConfigException} on {@code modelConfigFile}. */
    static List<Entry> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("modelConfigFile", "a model_config_list text file", file + " (no such file)");
        }
        return parse(file.toString(), Files.readString(file));
    }

    static List<Entry> parse(String where, String text) {
        ModelServerConfig.Builder config = ModelServerConfig.newBuilder();
        try {
            TextFormat.merge(text, config);
        } catch (TextFormat.ParseException e) {
            throw new ConfigException(
                    "modelConfigFile",
                    "TF Serving's model_config_list text format, e.g. model_config_list { config { name: \"m\" "
                            + "base_path: \"/models/m\" model_platform: \"tensorflow\" } }",
                    where + ": " + e.getMessage());
        }
        if (!config.hasModelConfigList() || config.getModelConfigList().getConfigCount() == 0) {
            throw new ConfigException("modelConfigFile", "a model_config_list with at least one config", where);
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ModelConfig m : config.getModelConfigList().getConfigList()) {
            if (m.getName().isEmpty()
                    || m.getName().contains("/")
                    || m.getName().contains(":")) {
                throw new ConfigException(
                        "modelConfigFile", "every config with a name (no '/' or ':')", where + ": " + m.getName());
            }
            if (!names.add(m.getName())) {
                throw new ConfigException(
                        "modelConfigFile", "distinct model names", where + ": " + m.getName() + " twice");
            }
            if (m.getBasePath().isEmpty()) {
                throw new ConfigException("modelConfigFile", "a base_path for model " + m.getName(), where);
            }
            if (!m.getModelPlatform().isEmpty() && !m.getModelPlatform().equals("tensorflow")) {
                throw new ConfigException(
                        "modelConfigFile",
                        "model_platform \"tensorflow\" (the only one served)",
                        where + ": " + m.getModelPlatform() + " for " + m.getName());
            }
            entries.add(new Entry(
                    m.getName(), Path.of(m.getBasePath()), policy(where, m), Map.copyOf(m.getVersionLabelsMap())));
        }
        return List.copyOf(entries);
    }

    private static VersionPolicy policy(String where, ModelConfig m) {
        if (!m.hasModelVersionPolicy()) {
            return VersionPolicy.latest();
        }
        ServableVersionPolicy p = m.getModelVersionPolicy();
        return switch (p.getPolicyChoiceCase()) {
            case LATEST -> new VersionPolicy.Latest(Math.max(1, p.getLatest().getNumVersions()));
            case ALL -> new VersionPolicy.All();
            case SPECIFIC -> {
                if (p.getSpecific().getVersionsCount() == 0) {
                    throw new ConfigException(
                            "modelConfigFile", "specific { versions: N ... } with at least one version", where);
                }
                yield new VersionPolicy.Specific(
                        new LinkedHashSet<>(p.getSpecific().getVersionsList()));
            }
            case POLICYCHOICE_NOT_SET -> VersionPolicy.latest();
        };
    }
}
