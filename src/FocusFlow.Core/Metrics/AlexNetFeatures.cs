using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using Conv2d = FocusFlow.Core.Models.Layers.Conv2d;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// torchvision's AlexNet <c>features</c> up to its last ReLU (index 11), returning the five ReLU outputs that
/// LPIPS compares (indices 1, 4, 7, 9, 11). The trailing max-pool and the classifier are not needed.
/// </summary>
public sealed class AlexNetFeatures : nn.Module<Tensor, Tensor[]>
{
    // Field names mirror checkpoint keys (features.0.weight, features.3.weight, ...).
    readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>> features;

    /// <summary>Indices in <c>features</c> after which LPIPS taps the activations.</summary>
    public static IReadOnlyList<int> TapIndices { get; } = new[] { 1, 4, 7, 9, 11 };

    /// <summary>Channels of each tapped activation.</summary>
    public static IReadOnlyList<long> TapChannels { get; } = new long[] { 64, 192, 384, 256, 256 };

    public AlexNetFeatures(TensorPlacement placement) : base(nameof(AlexNetFeatures))
    {
        features = new TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>>(
            new Conv2d(3, 64, 11, placement, stride: 4, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            new Conv2d(64, 192, 5, placement, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            new Conv2d(192, 384, 3, placement, padding: 1), nn.ReLU(),
            new Conv2d(384, 256, 3, placement, padding: 1), nn.ReLU(),
            new Conv2d(256, 256, 3, placement, padding: 1), nn.ReLU());
        RegisterComponents();
    }

    public override Tensor[] forward(Tensor x)
    {
        var taps = new List<Tensor>(TapIndices.Count);
        using (var scope = torch.NewDisposeScope())
        {
            for (int i = 0; i < features.Count; i++)
            {
                x = features[i].forward(x);
                if (TapIndices.Contains(i)) taps.Add(x);
            }
            foreach (var t in taps) t.MoveToOuterDisposeScope();
        }
        return taps.ToArray();
    }
}
