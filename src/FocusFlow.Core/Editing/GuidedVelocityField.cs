using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Editing;

/// <summary>
/// Evaluates the rows of a <see cref="VelocityRequest"/> with the model, in as few calls as the row budget allows
/// (<see cref="MaxBatchRows"/> rows per call), and counts calls and rows. The conditioning
/// (<see cref="GuidanceBatch"/>) is moved to the model once and reused by the mask and the edit. The ODE state
/// stays in float32; only the model call runs in the model's precision. Nothing here reads a value back to the
/// host, so a step queues its work without waiting for the device.
/// </summary>
public sealed class GuidedVelocityField : IDisposable
{
    readonly IVelocityModel _model;
    readonly GuidanceBatch _rows;

    /// <summary>Model calls made.</summary>
    public int Calls { get; private set; }
    /// <summary>Transformer input rows evaluated, over all calls.</summary>
    public int Rows { get; private set; }
    /// <summary>The most rows one call takes.</summary>
    public int MaxBatchRows { get; }
    public int TargetCount => _rows.TargetCount;

    public GuidedVelocityField(IVelocityModel model, GuidanceBatch guidance, int maxBatchRows)
    {
        if (maxBatchRows < 1) throw new ArgumentOutOfRangeException(nameof(maxBatchRows), maxBatchRows, "A model call takes at least one row.");
        _model = model;
        _rows = guidance.To(model.DType, model.Device);
        MaxBatchRows = maxBatchRows;
    }

    /// <summary>
    /// Velocity of every row of <paramref name="request"/> at timestep <paramref name="t"/> (0..1000): float32
    /// [rows, C, H, W] in row order. <paramref name="run"/>'s cancellation is checked before each call.
    /// </summary>
    public Tensor Evaluate(VelocityRequest request, float t, EditRun? run = null)
    {
        if (request.Count == 0) throw new ArgumentException("The request has no rows.", nameof(request));
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        for (int start = 0; start < request.Count; start += MaxBatchRows)
        {
            run?.ThrowIfCancelled();
            int n = Math.Min(MaxBatchRows, request.Count - start);
            var latents = torch.cat(request.Latents.Skip(start).Take(n).ToArray(), 0).to(_model.DType);
            var prompts = request.Prompts.Skip(start).Take(n).ToArray();
            var sequence = torch.cat(prompts.Select(p => _rows.Sequence.narrow(0, p, 1)).ToArray(), 0);
            var pooled = torch.cat(prompts.Select(p => _rows.Pooled.narrow(0, p, 1)).ToArray(), 0);
            // The timestep stays float32 whatever the model precision (fp16 cannot hold 371.5 exactly), as in diffusers.
            var timestep = torch.full(new long[] { n }, t, ScalarType.Float32, _model.Device);
            var velocity = request.ClassifierFreeGuidance
                ? _model.Forward(latents, sequence, pooled, timestep)
                : _model.Forward(latents, sequence, pooled, timestep,
                    torch.tensor(request.Guidances.Skip(start).Take(n).Select(g => (float)g).ToArray(), ScalarType.Float32, _model.Device));
            parts.Add(velocity.to(ScalarType.Float32));
            Calls++;
            Rows += n;
        }
        var all = parts.Count == 1 ? parts[0] : torch.cat(parts.ToArray(), 0);
        return all.MoveToOuterDisposeScope();
    }

    /// <summary>A request for this field's model: with or without classifier-free guidance rows.</summary>
    public VelocityRequest NewRequest() => new(_model.ClassifierFreeGuidance);

    /// <summary>How the field's latents map to the mask's grid.</summary>
    public ILatentLayout Layout => _model.Layout;

    /// <summary>u + scale*(c - u) from evaluated rows: [1, ...] (the row itself when both are one row: guidance was a model input).</summary>
    public static Tensor Guide(Tensor velocities, GuidedRows g)
    {
        if (g.Unconditional == g.Conditional)
            return velocities.narrow(0, g.Conditional, 1);
        using var scope = torch.NewDisposeScope();
        var u = velocities.narrow(0, g.Unconditional, 1);
        var c = velocities.narrow(0, g.Conditional, 1);
        return (u + g.Scale * (c - u)).MoveToOuterDisposeScope();
    }

    public void Dispose() => _rows.Dispose();
}
