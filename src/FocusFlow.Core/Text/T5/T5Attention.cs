using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.Text;

/// <summary>
/// T5's bidirectional self-attention: no 1/sqrt(d) scaling (T5 folds it into the weights), an additive
/// relative-position bias (whose table only the first layer has), softmax in float32.
/// Field names mirror checkpoint keys.
/// </summary>
public sealed class T5Attention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear q, k, v, o;
    readonly Embedding? relative_attention_bias;
    readonly long _heads, _dKv;
    readonly int _buckets, _maxDistance;

    public T5Attention(T5Config config, bool hasRelativeAttentionBias, TensorPlacement placement) : base(nameof(T5Attention))
    {
        _heads = config.NumHeads;
        _dKv = config.DKv;
        _buckets = config.RelativeAttentionNumBuckets;
        _maxDistance = config.RelativeAttentionMaxDistance;
        q = new Linear(config.DModel, config.InnerDim, placement, hasBias: false);
        k = new Linear(config.DModel, config.InnerDim, placement, hasBias: false);
        v = new Linear(config.DModel, config.InnerDim, placement, hasBias: false);
        o = new Linear(config.InnerDim, config.DModel, placement, hasBias: false);
        if (hasRelativeAttentionBias) relative_attention_bias = new Embedding(_buckets, config.NumHeads, placement);
        RegisterComponents();
    }

    /// <summary>The position bias [1, heads, length, length] that every layer adds to its scores.</summary>
    public Tensor ComputeBias(long length, Device device)
    {
        if (relative_attention_bias is null)
            throw new InvalidOperationException("Only the first T5 layer holds the relative attention bias table.");
        using var scope = torch.NewDisposeScope();
        var positions = torch.arange(length, ScalarType.Int64);
        var relative = positions.unsqueeze(0) - positions.unsqueeze(1); // key position - query position
        var buckets = RelativePositionBucket(relative, _buckets, _maxDistance).to(device);
        var values = relative_attention_bias.forward(buckets); // [q, k, heads]
        return values.permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// T5's bidirectional buckets: half the buckets for each direction; within a half, exact buckets for
    /// small distances and logarithmically wider ones up to max_distance. The same tensor operations in the
    /// same float32 precision as transformers, so the integer buckets agree exactly.
    /// </summary>
    internal static Tensor RelativePositionBucket(Tensor relative, int numBuckets, int maxDistance)
    {
        using var scope = torch.NewDisposeScope();
        int half = numBuckets / 2;
        var buckets = relative.gt(0).to(ScalarType.Int64) * half;
        var distance = relative.abs();
        int maxExact = half / 2;
        var isSmall = distance.lt(maxExact);
        var large = torch.log(distance.to(ScalarType.Float32) / maxExact) / Math.Log((double)maxDistance / maxExact) * (half - maxExact);
        var largeBucket = (large.to(ScalarType.Int64) + maxExact).clamp_max(half - 1);
        return (buckets + torch.where(isSmall, distance, largeBucket)).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor x, Tensor positionBias)
    {
        using var scope = torch.NewDisposeScope();
        long batch = x.shape[0], length = x.shape[1];
        Tensor Heads(Linear proj) => proj.forward(x).view(batch, length, _heads, _dKv).transpose(1, 2);
        var scores = Heads(q).matmul(Heads(k).transpose(2, 3)) + positionBias;
        var weights = scores.to(ScalarType.Float32).softmax(-1).to(scores.dtype);
        var attended = weights.matmul(Heads(v)).transpose(1, 2).reshape(batch, length, _heads * _dKv);
        return o.forward(attended).MoveToOuterDisposeScope();
    }
}
