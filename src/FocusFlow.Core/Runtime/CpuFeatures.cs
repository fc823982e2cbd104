using System.Runtime.Intrinsics.X86;

namespace FocusFlow.Core.Runtime;

/// <summary>
/// The CPU's low-precision arithmetic, read from CPUID: which bfloat16 and float16 paths LibTorch's CPU kernels can
/// take here. It explains speed, never correctness: the engine's results must not depend on it.
/// </summary>
public sealed record CpuFeatures(bool Avx512Bf16, bool AmxBf16, bool Avx512Fp16, bool AmxFp16, bool F16c)
{
    /// <summary>This machine's; all false on a CPU that is not x86-64.</summary>
    public static CpuFeatures Current { get; } = Read();

    static CpuFeatures Read()
    {
        if (!X86Base.IsSupported) return new(false, false, false, false, false);
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf < 7) return new(false, false, false, false, false);
        var (_, _, _, edx7) = X86Base.CpuId(7, 0);
        var (eax71, _, _, _) = X86Base.CpuId(7, 1);
        var (_, _, ecx1, _) = X86Base.CpuId(1, 0);
        static bool Bit(int register, int bit) => (register >> bit & 1) != 0;
        // Leaf 7.1 EAX bit 5: AVX512_BF16; bit 21: AMX-FP16. Leaf 7.0 EDX bit 22: AMX-BF16; bit 23: AVX512_FP16.
        // Leaf 1 ECX bit 29: F16C (float16 conversions only). As the CPU reports them, which is what LibTorch reads.
        return new(Bit(eax71, 5), Bit(edx7, 22), Bit(edx7, 23), Bit(eax71, 21), Bit(ecx1, 29));
    }

    /// <summary>One line for a person: what the CPU computes bfloat16 and float16 with.</summary>
    public string Describe()
    {
        if (!X86Base.IsSupported) return "bf16: not read (not an x86-64 CPU); fp16: not read";
        string bf16 = AmxBf16 ? "AMX-BF16" : Avx512Bf16 ? "AVX512-BF16 (no AMX)" : "emulated";
        string fp16 = AmxFp16 ? "AMX-FP16" : Avx512Fp16 ? "AVX512-FP16" : F16c ? "F16C conversions" : "emulated";
        return $"bf16: {bf16}; fp16: {fp16}";
    }
}
