using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Flux;
using Xunit.Abstractions;

namespace FocusFlow.Core.Tests.Flux;

/// <summary>The FLUX schedule with resolution-dependent shift against diffusers 0.30.3 (and 0.40.0) (tiny-flux-ref/scheduler.safetensors).</summary>
public class FluxSchedulerReferenceTests
{
    const double Tolerance = 1e-6; // FLUX.md: scheduler sigmas
    readonly ITestOutputHelper _output;

    public FluxSchedulerReferenceTests(ITestOutputHelper output) => _output = output;

    static FluxScheduler Scheduler => FluxScheduler.Load(Path.Combine(Fixtures.TinyFlux, "scheduler"));

    [Theory]
    [InlineData(64)]
    [InlineData(48)]
    [InlineData(256)]
    [InlineData(1024)]
    [InlineData(4096)]
    public void MuIsCalculateShift(int length)
    {
        var expected = Fixtures.FluxMeta.GetProperty("scheduler_mu").GetProperty($"seq{length}").GetDouble();
        Assert.Equal(expected, Scheduler.Mu(length), 15);
    }

    [Fact]
    public void SigmasAndTimestepsMatchDiffusers030ExactlyAnd040WithinOneUlp()
    {
        using var reference = SafetensorsFile.Open(Fixtures.FluxReference("scheduler.safetensors"));
        var scheduler = Scheduler;
        int cases = 0;
        foreach (var steps in new[] { 10, 28, 50 })
            foreach (var length in new[] { 64, 48, 256, 1024, 4096 })
            {
                var schedule = scheduler.SetTimesteps(steps, length);
                var prefix = $"T{steps}.seq{length}";
                var sigmas = Floats(reference, $"{prefix}.sigmas");
                var timesteps = Floats(reference, $"{prefix}.timesteps");
                // Same arithmetic as 0.30.3 (float64 shift, then float32): the very same floats.
                Assert.Equal(sigmas, schedule.Sigmas);
                Assert.Equal(timesteps, schedule.Timesteps);
                var later = Floats(reference, $"{prefix}.v0_40.sigmas");
                var worst = later.Zip(schedule.Sigmas, (a, b) => Math.Abs((double)a - b)).Max();
                Assert.True(worst <= Tolerance, $"{prefix}: 0.40 sigmas differ by {worst:E3}");
                cases++;
            }
        Assert.Equal(15, cases);
    }

    static float[] Floats(SafetensorsFile file, string name)
    {
        using var t = file.Load(name);
        return t.data<float>().ToArray();
    }

    [Fact]
    public void AStaticShiftConfigIsRefused()
    {
        var json = System.Text.Json.JsonDocument.Parse("""{"_class_name": "FlowMatchEulerDiscreteScheduler", "shift": 3.0}""").RootElement;
        var e = Assert.Throws<NotSupportedException>(() => FluxSchedulerConfig.FromJson(json));
        Assert.Contains("use_dynamic_shifting", e.Message);
    }
}
