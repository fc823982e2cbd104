using System.Runtime.Intrinsics.X86;
using FocusFlow.Core.Runtime;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>The CPU's bf16/fp16 paths as read from CPUID, checked against what Linux reads from the same CPU.</summary>
public class CpuFeaturesTests
{
    [Fact]
    public void AgreesWithTheKernelsCpuFlags()
    {
        var cpu = CpuFeatures.Current;
        if (!X86Base.IsSupported)
        {
            Assert.Equal(new CpuFeatures(false, false, false, false, false), cpu);
            Assert.Contains("not read", cpu.Describe());
            return;
        }
        Assert.Matches("^bf16: (AMX-BF16|AVX512-BF16 \\(no AMX\\)|emulated); fp16: (AMX-FP16|AVX512-FP16|F16C conversions|emulated)$", cpu.Describe());
        if (!File.Exists("/proc/cpuinfo")) return;   // the kernel's reading is the cross-check; other systems have none to hand
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal))
            .Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Equal(flags.Contains("avx512_bf16"), cpu.Avx512Bf16);
        Assert.Equal(flags.Contains("avx512_fp16"), cpu.Avx512Fp16);
        Assert.Equal(flags.Contains("f16c"), cpu.F16c);
        // A kernel that cannot save AMX state hides the AMX flags the CPU reports, so only this direction always holds.
        if (flags.Contains("amx_bf16")) Assert.True(cpu.AmxBf16);
        if (flags.Contains("amx_fp16")) Assert.True(cpu.AmxFp16);
    }
}
