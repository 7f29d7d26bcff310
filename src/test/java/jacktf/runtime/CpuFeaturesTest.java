package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** cpuinfo excerpts of the three machine kinds the benchmarks ran on, copied from their /proc/cpuinfo. */
class CpuFeaturesTest {
    /** The AMD EPYC of 2026-11-29's session (Zen 3 under a hypervisor): AVX2, no AVX-512. */
    static final String EPYC_AVX2 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n"
            + "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse"
            + " sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology pni"
            + " pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor"
            + " lahf_lm abm sse4a fsgsbase bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni"
            + " xsaveopt xsavec xgetbv1 xsaves vaes vpclmulqdq rdpid fsrm\n"
            + "processor\t: 1\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 fma\n";

    /** A Zen 4 EPYC: AVX-512 with AVX512_BF16, no AMX. */
    static final String EPYC_ZEN4 = "model name\t: AMD EPYC 9R14\n"
            + "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512ifma avx512cd"
            + " avx512bw avx512vl avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg avx512_vpopcntdq\n";

    /** A Sapphire Rapids Xeon: AVX-512, AVX512_BF16 and AMX. */
    static final String XEON_SPR = "model name\t: Intel(R) Xeon(R) Platinum 8488C\n"
            + "flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 avx512f avx512dq avx512cd avx512bw"
            + " avx512vl avx512_bf16 avx512_fp16 avx512_vnni amx_bf16 amx_tile amx_int8\n";

    @Test
    void avx2Only() {
        CpuFeatures cpu = CpuFeatures.parse(EPYC_AVX2);
        assertEquals(new CpuFeatures("AMD EPYC", true, false, false, false, false), cpu);
        assertEquals("avx2", cpu.expectedOneDnnIsa());
        // TF's DefaultOneDnnPolicy: no VNNI, BF16 or AMX flag, so oneDNN stays off unless the variable says 1
        assertFalse(cpu.oneDnnKernels(null));
        assertEquals(
                "AMD EPYC: AVX2, no AVX-512, bf16 emulated; TF's own kernels (oneDNN off: TF's default on this CPU)",
                cpu.describe(null));
        assertTrue(cpu.oneDnnKernels("1"));
        assertTrue(cpu.oneDnnKernels("true"));
        assertFalse(cpu.oneDnnKernels("yes"), "TF keeps its default for a value it cannot read");
        assertEquals(
                "AMD EPYC: AVX2, no AVX-512, bf16 emulated; oneDNN kernels (avx2, inferred from cpuinfo; "
                        + "TF_ENABLE_ONEDNN_OPTS=1)",
                cpu.describe("1"));
    }

    @Test
    void aCapOnOneDnnsInstructionSetIsNamedWhereOneDnnRuns() {
        CpuFeatures cpu = CpuFeatures.parse(EPYC_AVX2);
        assertEquals(cpu.describe("1") + ", capped by ONEDNN_MAX_CPU_ISA=AVX2", cpu.describe("1", "AVX2"));
        assertEquals(cpu.describe(null), cpu.describe(null, "AVX2"), "oneDNN off there: the cap changes nothing");
        assertEquals(cpu.describe("1"), cpu.describe("1", null));
    }

    @Test
    void avx512Bf16WithoutAmx() {
        CpuFeatures cpu = CpuFeatures.parse(EPYC_ZEN4);
        assertEquals(new CpuFeatures("AMD EPYC 9R14", true, true, true, false, true), cpu);
        assertEquals("avx512_core_bf16", cpu.expectedOneDnnIsa());
        assertTrue(cpu.oneDnnKernels(null), "avx512_vnni and avx512_bf16 turn TF's oneDNN on by default");
        assertFalse(cpu.oneDnnKernels("0"));
    }

    @Test
    void amx() {
        CpuFeatures cpu = CpuFeatures.parse(XEON_SPR);
        assertTrue(cpu.amx() && cpu.avx512Bf16() && cpu.avx512());
        assertEquals("avx512_core_amx", cpu.expectedOneDnnIsa());
        assertTrue(cpu.describe(null).contains("bf16 in AMX tiles"), cpu.describe(null));
        assertTrue(cpu.describe(null).contains("oneDNN kernels (avx512_core_amx"), cpu.describe(null));
    }

    @Test
    void noCpuinfoMeansNothingKnown() {
        CpuFeatures cpu = CpuFeatures.parse("");
        assertEquals("unknown", cpu.model());
        assertFalse(cpu.avx2());
        assertEquals("sse41", cpu.expectedOneDnnIsa());
    }
}
