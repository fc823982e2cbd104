using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.Models.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.SingleFile;

/// <summary>
/// Stored tensors seen under the engine's names through <see cref="TensorRecipe"/>s (a checkpoint's original layout mapped
/// to diffusers'): nothing is read until a tensor is asked for, and then only the rows its recipe names, straight from
/// the memory-mapped file into the destination. Does not own the stored tensors.
/// </summary>
public sealed class MappedTensors : ITensorSource, IQuantizedTensorSource
{
    readonly ITensorSource _stored;
    readonly IReadOnlyDictionary<string, TensorRecipe> _recipes;

    public MappedTensors(ITensorSource stored, IReadOnlyDictionary<string, TensorRecipe> recipes, string description)
    {
        _stored = stored;
        _recipes = recipes;
        Description = description;
    }

    public string Description { get; }
    public IEnumerable<string> Names => _recipes.Keys;
    public bool Contains(string name) => _recipes.ContainsKey(name);
    public IReadOnlyDictionary<string, TensorRecipe> Recipes => _recipes;

    TensorRecipe Recipe(string name) =>
        _recipes.TryGetValue(name, out var r)
            ? r
            : throw new SafetensorsException(Description, $"tensor '{name}' is missing (the mapped checkpoint has {_recipes.Count} tensors). The file may belong to another model or model version.");

    ScalarType StoredType(TensorRecipe recipe) =>
        recipe.Identity ? ScalarType.Float32 : SafetensorsDType.ToScalarType(_stored.Info(recipe.Parts[0].Source).DType);

    public SafetensorsTensorInfo Info(string name)
    {
        var recipe = Recipe(name);
        var dtype = SafetensorsDType.FromScalarType(StoredType(recipe));
        long bytes = recipe.Shape.Aggregate(1L, (a, b) => a * b) * SafetensorsDType.ElementSize(dtype);
        // Offsets have no meaning for a mapped tensor; the byte length is kept for size reports.
        return new SafetensorsTensorInfo(name, dtype, recipe.Shape, 0, bytes);
    }

    public Tensor Load(string name, ScalarType? dtype = null, Device? device = null)
    {
        var recipe = Recipe(name);
        var result = torch.empty(recipe.Shape, dtype ?? StoredType(recipe), device ?? torch.CPU);
        try
        {
            CopyTo(name, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    public void CopyTo(string name, Tensor destination)
    {
        var recipe = Recipe(name);
        if (!destination.shape.SequenceEqual(recipe.Shape))
            throw new SafetensorsException(Description,
                SafetensorsTensorInfo.ShapeMismatch(name, recipe.Shape, destination.shape));
        using var noGrad = torch.no_grad();
        if (recipe.Identity)
        {
            using var eye = torch.eye(recipe.Shape[0], recipe.Shape[1], destination.dtype, destination.device);
            destination.copy_(eye);
            return;
        }
        if (recipe.Parts is [{ IsWhole: true } whole] && _stored.Info(whole.Source).Shape.SequenceEqual(recipe.Shape))
        {
            _stored.CopyTo(whole.Source, destination);
            return;
        }
        long offset = 0;
        foreach (var part in recipe.Parts)
        {
            using var rows = part.IsWhole ? _stored.Load(part.Source) : _stored.LoadRows(part.Source, part.Start, part.Count);
            using var target = destination.narrow(0, offset, rows.shape[0]);
            using var shaped = rows.reshape(target.shape);
            target.copy_(shaped);
            offset += rows.shape[0];
        }
        if (offset != recipe.Shape[0])
            throw new SafetensorsException(Description, $"tensor '{name}' was mapped from {offset} rows, but needs {recipe.Shape[0]}: the checkpoint's layout is not the one expected.");
    }

    public Tensor LoadRows(string name, long start, long count)
    {
        using var all = Load(name);
        using var rows = all.narrow(0, start, count);
        return rows.clone();
    }

    public bool IsQuantized(string name) =>
        _stored is IQuantizedTensorSource q && _recipes.TryGetValue(name, out var r) && !r.Identity && r.Shape.Length == 2
        && r.Parts.All(p => q.IsQuantized(p.Source));

    public QuantizedWeight LoadQuantized(string name, Device device, long start = 0, long count = -1)
    {
        var recipe = Recipe(name);
        if (_stored is not IQuantizedTensorSource q || !IsQuantized(name))
            throw new InvalidOperationException($"tensor '{name}' is not stored quantised.");
        if (start != 0 || count >= 0 && count != recipe.Shape[0])
            throw new NotSupportedException("mapped quantised tensors are handed over whole.");
        var parts = recipe.Parts.Select(p => q.LoadQuantized(p.Source, device, p.Start, p.Count)).ToList();
        try
        {
            if (parts.Select(p => p.Type).Distinct().Count() != 1)
                throw new SafetensorsException(Description, $"tensor '{name}' is made of parts quantised differently ({string.Join(", ", parts.Select(p => p.Type))}).");
            if (parts.Count == 1) return parts[0];
            var blocks = torch.cat(parts.Select(p => p.Blocks).ToArray(), 0);
            return new QuantizedWeight(parts[0].Type, recipe.Shape, blocks);
        }
        finally
        {
            if (parts.Count > 1) foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Releases nothing: the stored tensors belong to whoever opened them.</summary>
    public void Dispose() { }
}
