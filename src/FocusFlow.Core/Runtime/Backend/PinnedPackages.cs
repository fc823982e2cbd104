namespace FocusFlow.Core.Runtime.Backend;

/// <summary>
/// SHA-512 (base64, as NuGet writes it) and size of the backend packages TorchSharp 0.107.0's CPU backend is
/// made of, as published on nuget.org. A package listed here must match exactly, whatever the feed says; one not
/// listed (the CUDA packages) must match the hash its feed publishes.
/// </summary>
internal static class PinnedPackages
{
    static readonly Dictionary<(string, string), (long Size, string Sha512)> Known = new()
    {
        [("torchsharp", "0.107.0")] = (3345464, "fPXVTF5bUGX7lQqSafcP2W9n3ehuFNKCch7JYghGnEDdDyjOMxtuk0/JJWNiwI82Cw4Lmx3HN7MCoSFFRZeWig=="),
        [("torchsharp-cpu", "0.107.0")] = (38306, "zfw6pMIMmM19Ocm38V51axtveE+8ZYLB1ToTWW13pJuNmnyYt4CR4efpyGAWzIP1t5zoSfvq9LWi9zWQqy8vgQ=="),
        [("libtorch-cpu", "2.10.0")] = (37181, "U4XoWt/9lMoVn2ziSZ9c49txcmYiFBz3K+Ly7yb7OuwdrseueH5v+RTBLCAhJptF6OeSm/I6RcmePiqyuWtPvg=="),
        [("libtorch-cpu-linux-x64", "2.10.0")] = (128200806, "XjuaFwqqvwstyeUWyz/xtfhODesmagoPKO7T0VRmiW+r0pJwsXB/vHydA7it9xge36PSXW1qLyRRzvM3J8i9UA=="),
        [("libtorch-cpu-win-x64", "2.10.0")] = (79854046, "qvrEe8b8U1SPnsqShWgJ9gE/UfzFiq+QRPJdAegxwtEBgL/jZPQPvKAhqYkpEe5kb6AXCi840KDqvDaHQuAqEA=="),
        [("libtorch-cpu-osx-arm64", "2.10.0")] = (56910439, "njbW4NbjnO3UYsZymJA5EA8kvFQZveW2rVS07QinYOxxgs6hyZFTI82zBDt0ix1yRRCZ+v+fm+pHXG37WKjyhA=="),
    };

    public static (long Size, string Sha512)? For(string id, string version) =>
        Known.TryGetValue((id.ToLowerInvariant(), version.ToLowerInvariant()), out var p) ? p : null;
}
