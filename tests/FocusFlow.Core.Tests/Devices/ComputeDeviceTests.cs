using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Tests.Devices;

/// <summary>-Device and MSBuild Device name a GPU by index (Cuda:N); one type parses, prints and keys loaded models.</summary>
public sealed class ComputeDeviceTests
{
    [Theory]
    [InlineData("auto", "Auto")]
    [InlineData("CPU", "Cpu")]
    [InlineData("cuda", "Cuda:0")]
    [InlineData("Cuda:0", "Cuda:0")]
    [InlineData("cuda:1", "Cuda:1")]
    [InlineData(" CUDA:12 ", "Cuda:12")]
    [InlineData("Cuda:007", "Cuda:7")]
    public void AcceptedSpellingsParseToTheirCanonicalText(string text, string canonical)
    {
        var device = ComputeDevice.Parse(text);
        Assert.Equal(canonical, device.ToString());
        Assert.Equal(device, ComputeDevice.Parse(device.ToString()));   // the text round-trips
    }

    [Fact]
    public void CudaIsTheFirstGpuAndEachIndexIsItsOwnDevice()
    {
        Assert.Equal(ComputeDevice.Cuda, ComputeDevice.Parse("Cuda:0"));
        Assert.Equal(ComputeDevice.Cuda, ComputeDevice.CudaAt(0));
        Assert.NotEqual(ComputeDevice.CudaAt(0), ComputeDevice.CudaAt(1));
        Assert.Equal(1, ComputeDevice.Parse("cuda:1").Index);
        Assert.Equal(DeviceKind.Cuda, ComputeDevice.Parse("cuda:1").Kind);
        Assert.Equal(ComputeDevice.Auto, default);
    }

    [Theory]
    [InlineData("Cuda1")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:")]
    [InlineData("cuda:1.0")]
    [InlineData("cuda:+1")]
    [InlineData("cuda:256")]
    [InlineData("gpu")]
    [InlineData("")]
    public void OtherSpellingsAreRefusedNamingDeviceAndTheAcceptedForms(string text)
    {
        Assert.False(ComputeDevice.TryParse(text, out _));
        var e = Assert.Throws<ArgumentException>(() => ComputeDevice.Parse(text));
        Assert.Contains($"Device '{text}' is not a device", e.Message);
        Assert.Equal(new[] { OptionNames.Device }, UserText.OptionsIn(UserText.Of(e)));
        Assert.Contains("Cuda:N", e.Message);
        Assert.Contains("Auto, Cpu", e.Message);
    }

    [Fact]
    public void MSBuildTextParsesThroughTheSameRules()
    {
        Assert.Equal(ComputeDevice.CudaAt(1), ModelLoader.Options("Cuda:1", null, false).Device);
        Assert.Equal(ComputeDevice.Auto, ModelLoader.Options("", null, false).Device);
        var e = Assert.Throws<ArgumentException>(() => ModelLoader.Options("Cuda1", null, false));
        Assert.Contains("Cuda:N", e.Message);
    }

    [Fact]
    public void LoadOptionsOnDifferentGpusAreDifferentRegistryKeys()
    {
        var one = new ModelLoadOptions { Device = ComputeDevice.CudaAt(0) };
        var two = new ModelLoadOptions { Device = ComputeDevice.CudaAt(1) };
        Assert.NotEqual(one, two);
        Assert.Equal(one, new ModelLoadOptions { Device = ComputeDevice.Parse("cuda") });
        Assert.Equal(2, new HashSet<ModelLoadOptions> { one, two, new ModelLoadOptions { Device = ComputeDevice.Cuda } }.Count);
    }

    [Fact]
    public void TooFewGpusNamesTheCountAndTheIndexesThereAre()
    {
        var message = UserText.Neutral(TorchRuntime.TooFewGpusMessage(ComputeDevice.CudaAt(3), 2));
        Assert.Contains("Device Cuda:3 was asked for", message);
        Assert.Contains("has 2 CUDA GPU(s) (Cuda:0 to Cuda:1)", message);
    }

    [Fact]
    public void AGpuAskedForWithoutCudaGivesTheCudaAbsentErrorNamingIt()
    {
        TorchRuntime.EnsureLoaded();
        if (TorchRuntime.IsCudaAvailable()) return;   // this check is about machines without CUDA (the CI's)
        var e = Assert.Throws<TorchRuntimeException>(() => TorchRuntime.Resolve(ComputeDevice.Parse("Cuda:1")));
        Assert.Contains("Device Cuda:1 was asked for, but no CUDA GPU is usable", e.Message);
        Assert.Equal(ComputeDevice.Cpu, TorchRuntime.DeviceOf(TorchRuntime.Resolve(ComputeDevice.Auto)));
    }

    [Fact]
    public void ALibTorchDeviceIsNamedAsDeviceNamesItAndResultsNameTheGpu()
    {
        var second = new TorchSharp.torch.Device(TorchSharp.DeviceType.CUDA, 1);
        Assert.Equal(ComputeDevice.CudaAt(1), TorchRuntime.DeviceOf(second));
        Assert.Equal(ComputeDevice.Cuda, TorchRuntime.DeviceOf(new TorchSharp.torch.Device(TorchSharp.DeviceType.CUDA, -1)));   // "the current GPU", as torch.CUDA is
        Assert.Equal(ComputeDevice.Cpu, TorchRuntime.DeviceOf(TorchSharp.torch.CPU));
        Assert.Equal("cuda:1/float16", new Core.Models.TensorPlacement(second, TorchSharp.torch.ScalarType.Float16).ToString());
        Assert.Equal("cpu/float32", Core.Models.TensorPlacement.CpuFloat32.ToString());
    }

    [Fact]
    public void DeviceChoicesOfferCpuCudaAndIndexedGpus()
    {
        var choices = TorchRuntime.DeviceChoices();
        Assert.Equal(new[] { "Auto", "Cpu", "Cuda" }, choices.Take(3));
        Assert.Contains("Cuda:0", choices);
        Assert.All(choices, c => Assert.True(ComputeDevice.TryParse(c, out _), c));
    }
}
