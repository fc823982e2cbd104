using System.Text.Json;
using FocusFlow.Core.IO.Models;
using FocusFlow.Core.Text;

namespace FocusFlow.Core.Metrics;

/// <summary>A CLIPModel config.json: the two towers' configs and the shared embedding width (projection_dim).</summary>
public sealed record ClipModelConfig(ClipTextConfig Text, ClipVisionConfig Vision, int ProjectionDim)
{
    public static ClipModelConfig FromJson(JsonElement config)
    {
        JsonElement Section(string key) =>
            config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Object
                ? v
                : throw new InvalidDataException($"config.json: '{key}' is missing; this is not a CLIPModel config (a CLIPModel has text_config and vision_config).");
        return new ClipModelConfig(ClipTextConfig.FromJson(Section("text_config")), ClipVisionConfig.FromJson(Section("vision_config")),
            config.GetSize("projection_dim", 512));
    }
}
