using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// Source and target velocities with classifier-free guidance from one batched model call over
/// [src_uncond, src_cond, tar_uncond, tar_cond]. The conditioning is computed once per image and reused
/// by the mask and the edit. The ODE state stays in float32; only the model call runs in the model's
/// precision.
/// </summary>
public sealed class GuidedVelocityField : IDisposable
{
    readonly IVelocityModel _model;
    readonly Tensor _emb4, _pool4, _embTarget, _poolTarget;

    /// <summary>Number of model calls made (each a batch of 2 or 4).</summary>
    public int Calls { get; private set; }

    /// <param name="emb4">[4, tokens, dim]: source negative, source, target negative, target.</param>
    /// <param name="pool4">[4, pooled]: in the same order.</param>
    public GuidedVelocityField(IVelocityModel model, Tensor emb4, Tensor pool4)
    {
        if (emb4.shape[0] != 4 || pool4.shape[0] != 4)
            throw new ArgumentException("The guidance batch needs 4 rows: source negative, source, target negative, target.");
        _model = model;
        _emb4 = emb4.to(model.DType, model.Device);
        _pool4 = pool4.to(model.DType, model.Device);
        _embTarget = _emb4.narrow(0, 2, 2);
        _poolTarget = _pool4.narrow(0, 2, 2);
    }

    /// <summary>V_src at <paramref name="zSrc"/> and V_tar at <paramref name="zTar"/>, float32.</summary>
    public (Tensor Source, Tensor Target) Both(Tensor zSrc, Tensor zTar, float t, double cfgSource, double cfgTarget)
    {
        using var scope = torch.NewDisposeScope();
        var latents = torch.cat(new[] { zSrc, zSrc, zTar, zTar }, 0).to(_model.DType);
        var v = Call(latents, _emb4, _pool4, t);
        var chunks = v.chunk(4, 0);
        var source = Guide(chunks[0], chunks[1], cfgSource);
        var target = Guide(chunks[2], chunks[3], cfgTarget);
        return (source.MoveToOuterDisposeScope(), target.MoveToOuterDisposeScope());
    }

    /// <summary>V_tar only, from a batch of two (target negative, target): half the cost when V_src is not needed.</summary>
    public Tensor Target(Tensor z, float t, double cfgTarget)
    {
        using var scope = torch.NewDisposeScope();
        var latents = torch.cat(new[] { z, z }, 0).to(_model.DType);
        var chunks = Call(latents, _embTarget, _poolTarget, t).chunk(2, 0);
        return Guide(chunks[0], chunks[1], cfgTarget).MoveToOuterDisposeScope();
    }

    Tensor Call(Tensor latents, Tensor emb, Tensor pool, float t)
    {
        Calls++;
        // The timestep stays float32 whatever the model precision (fp16 cannot hold 371.5 exactly), as in diffusers.
        var timestep = torch.full(new[] { latents.shape[0] }, t, ScalarType.Float32, _model.Device);
        return _model.Forward(latents, emb, pool, timestep).to(ScalarType.Float32);
    }

    static Tensor Guide(Tensor uncond, Tensor cond, double scale) => uncond + scale * (cond - uncond);

    public void Dispose()
    {
        _embTarget.Dispose();
        _poolTarget.Dispose();
        _emb4.Dispose();
        _pool4.Dispose();
    }
}
