using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.IO.Models;

/// <summary>What a user wants to know about one component: class, size, precision; read from headers only.</summary>
public sealed record ComponentSummary(
    string Name, string ClassName, string Library, bool Present, long? ParameterCount,
    string? DType, long SizeOnDisk, IReadOnlyList<string> WeightFiles, string FolderPath)
{
    /// <summary>For a single-file checkpoint's component: the architecture read from its tensors (SD3 medium, FLUX.1 dev, ...).</summary>
    public string? Architecture { get; init; }
    /// <summary>For a single-file checkpoint's component: the bytes its weights hold in memory as stored (quantised weights stay quantised).</summary>
    public long? ResidentBytes { get; init; }

    public static ComponentSummary Of(ModelComponent component)
    {
        if (!component.IsPresent)
            return new ComponentSummary(component.Name, component.ClassName, component.Library, false, null, null, 0, Array.Empty<string>(), component.FolderPath);

        long size = Directory.EnumerateFiles(component.FolderPath, "*", SearchOption.AllDirectories).Sum(FileLinks.FileLength); // hub cache snapshots are links into blobs/
        var files = WeightFileLocator.WeightFiles(component.FolderPath);
        long? parameters = null;
        string? dtype = null;
        if (files.Count > 0)
        {
            using var weights = SafetensorsWeights.Open(component.FolderPath);
            var infos = weights.Names.Select(weights.Info).ToList();
            parameters = infos.Sum(i => i.ElementCount);
            dtype = string.Join(",", infos.Where(i => i.DType is "F32" or "F16" or "BF16" or "F64")
                .GroupBy(i => i.DType).OrderByDescending(g => g.Sum(i => i.ElementCount))
                .Select(g => SafetensorsDType.DisplayName(g.Key)));
        }
        return new ComponentSummary(component.Name, component.ClassName, component.Library, true, parameters,
            string.IsNullOrEmpty(dtype) ? null : dtype, size, files, component.FolderPath);
    }
}
