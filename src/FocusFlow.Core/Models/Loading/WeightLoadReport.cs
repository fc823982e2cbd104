namespace FocusFlow.Core.Models.Loading;

/// <summary>What loading a checkpoint into a module found: every missing and every unexpected tensor.</summary>
public sealed record WeightLoadReport(string Source, IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0;

    public override string ToString() =>
        $"{Source}: {Loaded.Count} tensors loaded, {Missing.Count} missing{List(Missing)}, {Unexpected.Count} unexpected{List(Unexpected)}";

    static string List(IReadOnlyList<string> names) =>
        names.Count == 0 ? "" : " (" + string.Join(", ", names.Take(10)) + (names.Count > 10 ? ", ..." : "") + ")";
}
