package jacktf.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The platforms TensorFlow Java ships natives for, named by the Maven classifier of
 * {@code org.tensorflow:tensorflow-core-native}, and the one this JVM runs on.
 */
public enum NativePlatform {
    /** Linux on x86-64. */
    LINUX_X86_64("linux-x86_64"),
    /** Linux on 64-bit ARM. */
    LINUX_ARM64("linux-arm64"),
    /** macOS on Apple silicon. */
    MACOSX_ARM64("macosx-arm64"),
    /** Windows on x86-64. */
    WINDOWS_X86_64("windows-x86_64");

    /** Classifier of the CUDA natives (Linux x86-64 only), taken instead of {@code linux-x86_64}. */
    public static final String LINUX_X86_64_GPU = "linux-x86_64-gpu";

    private final String classifier;

    NativePlatform(String classifier) {
        this.classifier = classifier;
    }

    /**
     * The Maven classifier of this platform's natives.
     *
     * @return e.g. {@code linux-x86_64}
     */
    public String classifier() {
        return classifier;
    }

    /**
     * The platform of the given {@code os.name} and {@code os.arch} values, if TF Java ships natives for it.
     *
     * @param osName the JVM's {@code os.name}, e.g. {@code Linux}, {@code Mac OS X}, {@code Windows 11}
     * @param osArch the JVM's {@code os.arch}, e.g. {@code amd64}, {@code aarch64}
     * @return the platform, or empty (e.g. macOS on Intel, which TF Java 1.x no longer builds)
     */
    public static Optional<NativePlatform> of(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x86 = List.of("amd64", "x86_64", "x86-64").contains(arch);
        boolean arm = List.of("aarch64", "arm64").contains(arch);
        if (os.startsWith("linux")) {
            return x86 ? Optional.of(LINUX_X86_64) : arm ? Optional.of(LINUX_ARM64) : Optional.empty();
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return arm ? Optional.of(MACOSX_ARM64) : Optional.empty();
        }
        if (os.startsWith("windows")) {
            return x86 ? Optional.of(WINDOWS_X86_64) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The platform this JVM runs on, if TF Java ships natives for it.
     *
     * @return the platform, or empty
     */
    public static Optional<NativePlatform> current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }
}
