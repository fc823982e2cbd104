using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Models.Transformer;

/// <summary>
/// What an adaLN-Zero norm hands its block: the modulated input and the gates, shifts and scales for
/// later use, each [B,1,D] so that it broadcasts over tokens. <see cref="Hidden2"/> and <see cref="GateMsa2"/>
/// are set only for SD3.5's dual-attention blocks.
/// </summary>
public sealed record AdaLnZeroOutput(Tensor Hidden, Tensor GateMsa, Tensor ShiftMlp, Tensor ScaleMlp, Tensor GateMlp,
    Tensor? Hidden2 = null, Tensor? GateMsa2 = null);

/// <summary>
/// diffusers' AdaLayerNormZero (6 modulations) and, with <c>dual</c>, SD35AdaLayerNormZeroX (9: a second
/// shift/scale/gate for the image-only attention). Takes the conditioning already passed through SiLU,
/// which the whole network shares. Field names mirror the checkpoint keys.
/// </summary>
public sealed class AdaLayerNormZero : nn.Module<Tensor, Tensor, AdaLnZeroOutput>
{
    readonly Linear linear;
    readonly int _chunks;
    readonly long[] _normShape;

    public AdaLayerNormZero(long dim, TensorPlacement placement, bool dual = false) : base(nameof(AdaLayerNormZero))
    {
        _chunks = dual ? 9 : 6;
        _normShape = new[] { dim };
        linear = new Linear(dim, _chunks * dim, placement);
        RegisterComponents();
    }

    /// <summary>Every tensor of the output is moved to the caller's dispose scope; nothing else stays alive.</summary>
    /// <param name="x">[B,N,D] tokens.</param>
    /// <param name="conditioningSilu">[B,D]: SiLU of the timestep-and-text embedding.</param>
    public override AdaLnZeroOutput forward(Tensor x, Tensor conditioningSilu)
    {
        using var scope = torch.NewDisposeScope();
        var m = linear.forward(conditioningSilu).unsqueeze(1).chunk(_chunks, 2);
        // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp[, shift_msa2, scale_msa2, gate_msa2]
        var normed = nn.functional.layer_norm(x, _normShape, null, null, 1e-6);
        var hidden = Modulate(normed, m[1], m[0]).MoveToOuterDisposeScope();
        var (gateMsa, shiftMlp, scaleMlp, gateMlp) = (m[2].MoveToOuterDisposeScope(), m[3].MoveToOuterDisposeScope(), m[4].MoveToOuterDisposeScope(), m[5].MoveToOuterDisposeScope());
        if (_chunks == 6)
            return new AdaLnZeroOutput(hidden, gateMsa, shiftMlp, scaleMlp, gateMlp);
        return new AdaLnZeroOutput(hidden, gateMsa, shiftMlp, scaleMlp, gateMlp,
            Modulate(normed, m[7], m[6]).MoveToOuterDisposeScope(), m[8].MoveToOuterDisposeScope());
    }

    /// <summary>normed * (1 + scale) + shift, in one pass over the tokens; 1 + scale ([B,1,D]) stays in the caller's scope.</summary>
    public static Tensor Modulate(Tensor normed, Tensor scale, Tensor shift) => torch.addcmul(shift, normed, scale + 1.0, 1);
}

/// <summary>
/// diffusers' AdaLayerNormContinuous (layer norm without affine, eps 1e-6): a scale and a shift from the
/// conditioning, in that order. Used as norm_out and as the last block's context norm. Takes the conditioning
/// already passed through SiLU. Field names mirror the checkpoint keys.
/// </summary>
public sealed class AdaLayerNormContinuous : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear linear;
    readonly long[] _normShape;

    public AdaLayerNormContinuous(long dim, TensorPlacement placement) : base(nameof(AdaLayerNormContinuous))
    {
        _normShape = new[] { dim };
        linear = new Linear(dim, 2 * dim, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor conditioningSilu)
    {
        using var scope = torch.NewDisposeScope();
        var m = linear.forward(conditioningSilu.to(x.dtype)).unsqueeze(1).chunk(2, 2);
        var normed = nn.functional.layer_norm(x, _normShape, null, null, 1e-6);
        return AdaLayerNormZero.Modulate(normed, m[0], m[1]).MoveToOuterDisposeScope();
    }
}
