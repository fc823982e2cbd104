using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Tests.Sampling;

public class FlowMatchSchedulerTests
{
    static FlowMatchEulerDiscreteScheduler TinyScheduler() => FlowMatchEulerDiscreteScheduler.Load(Path.Combine(Fixtures.TinySd3, "scheduler"));

    [Theory]
    [InlineData(10)]
    [InlineData(28)]
    [InlineData(50)]
    [InlineData(60)]
    public void ScheduleEqualsDiffusersBitForBit(int steps)
    {
        using var reference = SafetensorsFile.Open(Fixtures.Reference("scheduler.safetensors"));
        using var timesteps = reference.Load($"T{steps}.timesteps");
        using var sigmas = reference.Load($"T{steps}.sigmas");
        var schedule = TinyScheduler().SetTimesteps(steps);
        Assert.Equal(steps, schedule.Steps);
        // float32 values compared exactly: the schedule is pure arithmetic done in the same precisions as diffusers.
        Assert.Equal(timesteps.data<float>().ToArray(), schedule.Timesteps);
        Assert.Equal(sigmas.data<float>().ToArray(), schedule.Sigmas);
    }

    [Fact]
    public void ReadsShiftAndStartsAtTheShiftedTrainingMaximum()
    {
        var scheduler = TinyScheduler();
        Assert.Equal(3.0, scheduler.Config.Shift);
        Assert.Equal(1000, scheduler.Config.NumTrainTimesteps);
        Assert.Equal(1f, scheduler.SigmaMax);
        var schedule = scheduler.SetTimesteps(1);
        Assert.Equal(new[] { 1000f }, schedule.Timesteps);
        Assert.Equal(new[] { 1f, 0f }, schedule.Sigmas);
    }

    [Theory]
    [InlineData("use_dynamic_shifting")]
    [InlineData("invert_sigmas")]
    [InlineData("use_karras_sigmas")]
    [InlineData("use_exponential_sigmas")]
    [InlineData("use_beta_sigmas")]
    [InlineData("stochastic_sampling")]
    public void RefusesOptionsItDoesNotImplement(string option)
    {
        using var doc = JsonDocument.Parse($"{{\"shift\": 3.0, \"{option}\": true}}");
        var e = Assert.Throws<NotSupportedException>(() => FlowMatchSchedulerConfig.FromJson(doc.RootElement));
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void RefusesShiftTerminalAndAnotherSchedulerClass()
    {
        using var doc = JsonDocument.Parse("{\"shift\": 3.0, \"shift_terminal\": 0.1}");
        Assert.Contains("shift_terminal", Assert.Throws<NotSupportedException>(() => FlowMatchSchedulerConfig.FromJson(doc.RootElement)).Message);
        using var dir = new TempDir();
        File.WriteAllText(dir.File("scheduler_config.json"), "{\"_class_name\": \"EulerDiscreteScheduler\"}");
        Assert.Contains("EulerDiscreteScheduler", Assert.Throws<ModelFolderException>(() => FlowMatchSchedulerConfig.Read(dir.Path)).Message);
    }

    [Fact]
    public void AcceptsTheSD3ConfigWithItsInactiveDefaults()
    {
        // SD3.5's published scheduler config: only shift and the training steps, the rest at diffusers' defaults.
        using var doc = JsonDocument.Parse("{\"_class_name\": \"FlowMatchEulerDiscreteScheduler\", \"num_train_timesteps\": 1000, \"shift\": 3.0, \"base_shift\": 0.5, \"max_shift\": 1.15, \"use_dynamic_shifting\": false, \"shift_terminal\": null}");
        Assert.Equal(new FlowMatchSchedulerConfig(1000, 3.0), FlowMatchSchedulerConfig.FromJson(doc.RootElement));
    }

    [Fact]
    public void NoisingThenOneEulerStepWithTheTrueVelocityReturnsTheData()
    {
        // Rectified flow: x_t = s n + (1-s) x0 moves with velocity n - x0, so stepping from s to 0 lands on x0.
        using var gen = new torch.Generator(7);
        using var x0 = torch.randn(new long[] { 2, 16, 8, 8 }, generator: gen);
        using var noise = torch.randn(new long[] { 2, 16, 8, 8 }, generator: gen);
        using var velocity = noise - x0;
        var sigma = TinyScheduler().SetTimesteps(10).Sigmas[3];
        using var xt = FlowMatchEulerDiscreteScheduler.AddNoise(x0, noise, sigma);
        using var back = FlowMatchEulerDiscreteScheduler.EulerStep(xt, velocity, sigma, 0);
        Assert.True(Models.TensorAssert.MaxAbsDiff(x0, back) < 1e-5);
        using var pureNoise = FlowMatchEulerDiscreteScheduler.AddNoise(x0, noise, 1.0);
        Assert.Equal(0, Models.TensorAssert.MaxAbsDiff(noise, pureNoise));
        using var clean = FlowMatchEulerDiscreteScheduler.AddNoise(x0, noise, 0.0);
        Assert.Equal(0, Models.TensorAssert.MaxAbsDiff(x0, clean));
    }
}
