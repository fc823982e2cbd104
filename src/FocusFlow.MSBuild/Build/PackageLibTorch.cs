using FocusFlow.Core.Runtime;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// Tells the engine which LibTorch to load when the tasks run from the NuGet package, where none is beside them: the
/// package's targets pass the native folder of the TorchSharp backend package (in the NuGet package folders) and the
/// copy of TorchSharp's bridge they prepared under obj/ (relaxed for an older libstdc++ where needed). The engine then
/// loads them by path (see <see cref="TorchRuntime.Use"/>). From the module folder nothing is given and the engine looks
/// for LibTorch as it always does.
/// </summary>
public static class PackageLibTorch
{
    public static void Use(string? libTorchDirectory, string? bridge, Action<string> log)
    {
        if (string.IsNullOrEmpty(libTorchDirectory) && string.IsNullOrEmpty(bridge)) return;
        if (string.IsNullOrEmpty(libTorchDirectory) || string.IsNullOrEmpty(bridge))
            throw new ArgumentException("Give both the LibTorch folder and TorchSharp's native bridge, or neither.");
        TorchRuntime.Use(LibTorchLocator.At(libTorchDirectory, bridge, $"the TorchSharp backend package's LibTorch in {libTorchDirectory}"));
        log($"LibTorch: {libTorchDirectory}; TorchSharp's bridge: {bridge}.");
    }
}
