package jacktf.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the CPU offers the math kernels, read from {@code /proc/cpuinfo}: a speed figure means little
 * without it, since oneDNN takes a different path on each kind (bf16 in AMX tiles, in AVX512_BF16
 * instructions, or emulated on AVX2, where it is slower than fp32).
 *
 * @param model the model name ("AMD EPYC", "Intel(R) Xeon(R) ..."), or "unknown"
 * @param avx2 AVX2 and FMA: the floor of every fast fp32 path
 * @param avx512 AVX-512 Foundation
 * @param avx512Bf16 AVX512_BF16: bf16 dot products in vector registers
 * @param amx AMX tiles with bf16 ({@code amx_tile} and {@code amx_bf16})
 * @param oneDnnByDefault whether TensorFlow turns its oneDNN kernels on by itself on this CPU: on Linux
 *     only with a neural-network feature (AVX512_VNNI, AVX512_BF16, AVX_VNNI or any AMX flag; TF's
 *     {@code DefaultOneDnnPolicy}); elsewhere TF runs its own kernels unless {@value #ONEDNN_ENV} says 1
 */
public record CpuFeatures(
        String model, boolean avx2, boolean avx512, boolean avx512Bf16, boolean amx, boolean oneDnnByDefault) {
    /** The environment variable TF reads, once, when its natives load: 1/true or 0/false. */
    public static final String ONEDNN_ENV = "TF_ENABLE_ONEDNN_OPTS";

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** This machine's, or a record of nothing known where {@code /proc/cpuinfo} cannot be read (not Linux). */
    public static CpuFeatures detect() {
        try {
            return parse(Files.readString(CPUINFO));
        } catch (IOException | SecurityException e) {
            return new CpuFeatures("unknown", false, false, false, false, false);
        }
    }

    /** Reads the first processor's {@code model name} and {@code flags} lines of a cpuinfo text. */
    public static CpuFeatures parse(String cpuinfo) {
        String model = "unknown";
        Set<String> flags = Set.of();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && model.equals("unknown")) {
                model = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Arrays.stream(value.split("\\s+"))
                        .map(f -> f.toLowerCase(Locale.ROOT))
                        .collect(Collectors.toUnmodifiableSet());
            }
        }
        return new CpuFeatures(
                model,
                flags.contains("avx2") && flags.contains("fma"),
                flags.contains("avx512f"),
                flags.contains("avx512_bf16"),
                flags.contains("amx_tile") && flags.contains("amx_bf16"),
                flags.contains("avx512_vnni")
                        || flags.contains("avx512_bf16")
                        || flags.contains("avx_vnni")
                        || flags.contains("amx_tile")
                        || flags.contains("amx_int8")
                        || flags.contains("amx_bf16"));
    }

    /**
     * The widest instruction set oneDNN dispatches to on these features, named as its
     * {@code ONEDNN_MAX_CPU_ISA} values are; inferred from the flags, not asked of oneDNN.
     */
    public String expectedOneDnnIsa() {
        if (amx) {
            return "avx512_core_amx";
        }
        if (avx512Bf16) {
            return "avx512_core_bf16";
        }
        if (avx512) {
            return "avx512_core";
        }
        return avx2 ? "avx2" : "sse41";
    }

    /**
     * Whether TensorFlow runs its oneDNN kernels in a process whose {@value #ONEDNN_ENV} is {@code env}
     * (null when unset): the variable decides when it is 1/true or 0/false, else the CPU does.
     */
    public boolean oneDnnKernels(String env) {
        Boolean set = setting(env);
        return set != null ? set : oneDnnByDefault;
    }

    /** The oneDNN variable that caps the instruction set its kernels use (e.g. AVX512_CORE_VNNI: bf16 emulated). */
    public static final String MAX_ISA_ENV = "ONEDNN_MAX_CPU_ISA";

    /** One line for a benchmark's header, with this process's {@value #ONEDNN_ENV} and {@value #MAX_ISA_ENV}. */
    public String describe() {
        return describe(System.getenv(ONEDNN_ENV), System.getenv(MAX_ISA_ENV));
    }

    /**
     * {@link #describe(String)} and, where oneDNN runs and {@code maxIsa} (the value of {@value #MAX_ISA_ENV}, null
     * when unset) caps it, the cap: the inferred instruction set is then an upper bound only.
     */
    public String describe(String oneDnnEnv, String maxIsa) {
        String line = describe(oneDnnEnv);
        return maxIsa != null && !maxIsa.isBlank() && oneDnnKernels(oneDnnEnv)
                ? line + ", capped by " + MAX_ISA_ENV + "=" + maxIsa.trim()
                : line;
    }

    /**
     * One line for a benchmark's header, e.g. "AMD EPYC: AVX2, no AVX-512, bf16 emulated; TF's own kernels
     * (oneDNN off: TF's default on this CPU)".
     */
    public String describe(String oneDnnEnv) {
        String bf16 = amx ? "bf16 in AMX tiles" : avx512Bf16 ? "bf16 in AVX512_BF16, no AMX" : "bf16 emulated";
        String vector = avx512 ? "AVX-512" : avx2 ? "AVX2, no AVX-512" : "no AVX2";
        boolean on = oneDnnKernels(oneDnnEnv);
        String why = setting(oneDnnEnv) != null ? ONEDNN_ENV + "=" + oneDnnEnv.trim() : "TF's default on this CPU";
        String kernels = on
                ? "oneDNN kernels (" + expectedOneDnnIsa() + ", inferred from cpuinfo; " + why + ")"
                : "TF's own kernels (oneDNN off: " + why + ")";
        return model + ": " + vector + ", " + bf16 + "; " + kernels;
    }

    /** What {@value #ONEDNN_ENV}'s value says as TF reads it (1/true, 0/false), or null when it says nothing. */
    private static Boolean setting(String env) {
        if (env == null) {
            return null;
        }
        return switch (env.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> null; // TF warns and keeps its default
        };
    }
}
