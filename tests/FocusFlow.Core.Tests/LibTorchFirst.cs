using System.Runtime.CompilerServices;
using FocusFlow.Core.Runtime;

namespace FocusFlow.Core.Tests;

/// <summary>
/// Tests create tensors directly, without the engine's entry points; LibTorch must still be loaded the engine's way
/// (by path, before TorchSharp probes names), as it is in the product, so it is loaded when the assembly is.
/// </summary>
static class LibTorchFirst
{
    [ModuleInitializer]
    internal static void Load() => TorchRuntime.EnsureLoaded();
}
