using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Vae;

/// <summary>
/// diffusers' DownEncoderBlock2D and UpDecoderBlock2D, which differ only in their resampler: resnets, then (except
/// in the last block) a halving (<c>downsamplers.0</c>) or a doubling (<c>upsamplers.0</c>). Names mirror the
/// checkpoint keys; the resampler list is registered under the key its block type uses.
/// </summary>
public sealed class ResnetStackBlock : nn.Module<Tensor, Tensor>
{
    readonly TorchSharp.Modules.ModuleList<ResnetBlock2D> resnets;
    readonly nn.Module<Tensor, Tensor>? _resampler;

    ResnetStackBlock(long inChannels, long outChannels, int layers, long groups, TensorPlacement placement,
        string resamplersKey, nn.Module<Tensor, Tensor>? resampler) : base(resamplersKey == "downsamplers" ? "DownEncoderBlock2D" : "UpDecoderBlock2D")
    {
        resnets = nn.ModuleList(Enumerable.Range(0, layers)
            .Select(i => new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, groups, placement)).ToArray());
        RegisterComponents();
        _resampler = resampler;
        if (resampler is not null)
            register_module(resamplersKey, nn.ModuleList(resampler));
    }

    /// <summary>An encoder block: <paramref name="layers"/> resnets, then a halving unless it is the last block.</summary>
    public static ResnetStackBlock DownEncoder(long inChannels, long outChannels, int layers, long groups, bool addDownsample, TensorPlacement placement) =>
        new(inChannels, outChannels, layers, groups, placement, "downsamplers", addDownsample ? new Downsample2D(outChannels, placement) : null);

    /// <summary>A decoder block: <paramref name="layers"/> resnets, then a doubling unless it is the last block.</summary>
    public static ResnetStackBlock UpDecoder(long inChannels, long outChannels, int layers, long groups, bool addUpsample, TensorPlacement placement) =>
        new(inChannels, outChannels, layers, groups, placement, "upsamplers", addUpsample ? new Upsample2D(outChannels, placement) : null);

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = resnets[0].forward(x);
        foreach (var resnet in resnets.Skip(1))
            h = Activations.Consume(h, resnet.forward);
        return (_resampler is null ? h : Activations.Consume(h, _resampler.forward)).MoveToOuterDisposeScope();
    }
}
