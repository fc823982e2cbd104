using FocusFlow.Core.IO.Checkpoints;
using FocusFlow.Core.IO.Images;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Loading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// LPIPS v0.1 with the AlexNet trunk: how different two images look to a network, 0 for identical images.
/// Inputs are [N,3,H,W] in [-1,1]. The trunk weights are torchvision's AlexNet (a <c>.pth</c> or a
/// <c>.safetensors</c> with torchvision's <c>features.*</c> names); the v0.1 heads ship inside the engine.
/// </summary>
public sealed class LpipsModel : IDisposable
{
    /// <summary>Where torchvision publishes the AlexNet weights that LPIPS v0.1 was calibrated with.</summary>
    public const string TrunkUrl = "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth";
    public const string TrunkFileName = "alexnet-owt-7be5be79.pth";
    const string HeadsResource = "FocusFlow.Core.Metrics.Resources.lpips-v0.1-alex.pth";

    // LPIPS's ScalingLayer: maps [-1,1] inputs to roughly ImageNet-normalised ones.
    static readonly float[] Shift = { -0.030f, -0.088f, -0.188f };
    static readonly float[] Scale = { 0.458f, 0.448f, 0.450f };
    const double NormEps = 1e-10;

    readonly AlexNetFeatures _trunk;
    readonly LpipsLinearHeads _heads;
    readonly Tensor _shift, _scale;

    public TensorPlacement Placement { get; }
    public WeightLoadReport TrunkReport { get; }
    public WeightLoadReport HeadsReport { get; }

    LpipsModel(AlexNetFeatures trunk, LpipsLinearHeads heads, TensorPlacement placement, WeightLoadReport trunkReport, WeightLoadReport headsReport)
    {
        _trunk = trunk;
        _heads = heads;
        Placement = placement;
        TrunkReport = trunkReport;
        HeadsReport = headsReport;
        _shift = torch.tensor(Shift, placement.DType, placement.Device).view(1, 3, 1, 1);
        _scale = torch.tensor(Scale, placement.DType, placement.Device).view(1, 3, 1, 1);
    }

    /// <summary>
    /// torchvision's download location for the AlexNet weights: <c>$TORCH_HOME/hub/checkpoints/alexnet-owt-7be5be79.pth</c>,
    /// where TORCH_HOME defaults to <c>$XDG_CACHE_HOME/torch</c> and XDG_CACHE_HOME to <c>~/.cache</c> (as in PyTorch).
    /// </summary>
    public static string DefaultTrunkPath()
    {
        var torchHome = Environment.GetEnvironmentVariable("TORCH_HOME");
        if (string.IsNullOrEmpty(torchHome))
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(cache))
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            torchHome = Path.Combine(cache, "torch");
        }
        return Path.Combine(torchHome, "hub", "checkpoints", TrunkFileName);
    }

    /// <summary>
    /// Loads LPIPS. <paramref name="trunkPath"/>: torchvision AlexNet weights (.pth or .safetensors; null for
    /// <see cref="DefaultTrunkPath"/>). <paramref name="headsPath"/>: LPIPS heads (.pth or .safetensors; null for the
    /// embedded v0.1 AlexNet heads).
    /// </summary>
    public static LpipsModel Load(string? trunkPath = null, string? headsPath = null, TensorPlacement? placement = null)
    {
        placement ??= TensorPlacement.CpuFloat32;
        trunkPath = Path.GetFullPath(trunkPath ?? DefaultTrunkPath());
        if (!File.Exists(trunkPath))
            throw new FileNotFoundException(MissingTrunkMessage(trunkPath), trunkPath);

        var trunk = new AlexNetFeatures(placement);
        var heads = new LpipsLinearHeads(AlexNetFeatures.TapChannels, placement);
        try
        {
            WeightLoadReport trunkReport, headsReport;
            using (var source = OpenWeights(trunkPath))
                // torchvision's file also holds the classifier, which LPIPS does not use.
                trunkReport = ModuleWeightLoader.LoadStrict(trunk, source, ignoreUnexpected: n => n.StartsWith("classifier.", StringComparison.Ordinal));
            using (var source = headsPath is null ? OpenEmbeddedHeads() : OpenWeights(Path.GetFullPath(headsPath)))
                headsReport = ModuleWeightLoader.LoadStrict(heads, source);
            return new LpipsModel(trunk, heads, placement, trunkReport, headsReport);
        }
        catch
        {
            trunk.Dispose();
            heads.Dispose();
            throw;
        }
    }

    static string MissingTrunkMessage(string path) =>
        $"The AlexNet weights that LPIPS needs were not found at {path}. " +
        $"By default they are read from $TORCH_HOME/hub/checkpoints/{TrunkFileName} (TORCH_HOME defaults to ~/.cache/torch), " +
        $"where torchvision keeps them. Download {TrunkUrl} to that path, or run " +
        "python -c \"import torchvision; torchvision.models.alexnet(weights='DEFAULT')\" once, or pass the path of the file " +
        "(.pth, or .safetensors with torchvision's features.* names).";

    static ITensorSource OpenWeights(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"LPIPS weights not found: {path}", path);
        return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? SafetensorsWeights.Open(path)
            : PyTorchCheckpoint.Open(path);
    }

    static ITensorSource OpenEmbeddedHeads()
    {
        using var stream = typeof(LpipsModel).Assembly.GetManifestResourceStream(HeadsResource)
            ?? throw new InvalidOperationException($"The engine was built without its embedded LPIPS heads ({HeadsResource}).");
        return PyTorchCheckpoint.Read(stream, "embedded LPIPS v0.1 AlexNet heads");
    }

    /// <summary>LPIPS of two [1,3,H,W] images in [-1,1].</summary>
    public double Distance(Tensor a, Tensor b)
    {
        if (a.shape[0] != 1 || b.shape[0] != 1)
            throw new ArgumentException("Distance takes one image each ([1,3,H,W]); use Distances for batches.");
        return Distances(a, b)[0];
    }

    /// <summary>LPIPS of two 8-bit images of the same size.</summary>
    public double Distance(Image<Rgb24> a, Image<Rgb24> b)
    {
        using var ta = ImageTensors.ToSignedUnit(a);
        using var tb = ImageTensors.ToSignedUnit(b);
        return Distance(ta, tb);
    }

    /// <summary>LPIPS of each pair in two [N,3,H,W] batches in [-1,1].</summary>
    public double[] Distances(Tensor a, Tensor b)
    {
        if (a.dim() != 4 || a.shape[1] != 3 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"LPIPS takes two [N,3,H,W] tensors of the same shape; got [{string.Join(",", a.shape)}] and [{string.Join(",", b.shape)}].");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var fa = _trunk.forward(Scaled(a));
        var fb = _trunk.forward(Scaled(b));
        Tensor? total = null;
        for (int k = 0; k < fa.Length; k++)
        {
            var diff = (UnitNormalise(fa[k]) - UnitNormalise(fb[k])).square();
            var layer = _heads.Layers[k].forward(diff).mean(new long[] { 2, 3 });  // [N,1]
            total = total is null ? layer : total + layer;
        }
        using var values = total!.reshape(-1).to(ScalarType.Float64, torch.CPU);
        return values.data<double>().ToArray();
    }

    Tensor Scaled(Tensor x) => (x.to(Placement.DType, Placement.Device) - _shift) / _scale;

    // LPIPS divides by (norm + eps), not by max(norm, eps).
    static Tensor UnitNormalise(Tensor x) => x / (x.square().sum(1, keepdim: true).sqrt() + NormEps);

    public void Dispose()
    {
        _trunk.Dispose();
        _heads.Dispose();
        _shift.Dispose();
        _scale.Dispose();
    }
}
