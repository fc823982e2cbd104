using System.Text.Json;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Metrics;

/// <summary>
/// A CLIPImageProcessor's preprocessor_config.json, with transformers' defaults for absent keys (those of
/// openai/clip-vit-*: shortest edge 224, bicubic, centre crop 224, /255, OpenAI mean and std).
/// </summary>
public sealed record ClipImageProcessorConfig(
    bool DoResize,
    int? ShortestEdge,
    int? ResizeHeight,
    int? ResizeWidth,
    ResampleFilter Resample,
    bool DoCenterCrop,
    int CropHeight,
    int CropWidth,
    bool DoRescale,
    double RescaleFactor,
    bool DoNormalize,
    double[] ImageMean,
    double[] ImageStd)
{
    public static readonly double[] OpenAiClipMean = { 0.48145466, 0.4578275, 0.40821073 };
    public static readonly double[] OpenAiClipStd = { 0.26862954, 0.26130258, 0.27577711 };

    public static ClipImageProcessorConfig Default { get; } =
        new(true, 224, null, null, ResampleFilter.Bicubic, true, 224, 224, true, 1.0 / 255, true, OpenAiClipMean, OpenAiClipStd);

    public static ClipImageProcessorConfig Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The CLIP image processor settings are missing: {path}. " +
                "Download preprocessor_config.json together with the model (for example from openai/clip-vit-large-patch14).", path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        try
        {
            return Parse(doc.RootElement);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message.Replace("config.json: ", "")}", e);
        }
    }

    public static ClipImageProcessorConfig Parse(JsonElement c)
    {
        int? shortest = null, height = null, width = null;
        if (c.TryGetProperty("size", out var size) && size.ValueKind != JsonValueKind.Null)
        {
            // Older configs give a bare number, which means the shortest edge.
            if (size.ValueKind == JsonValueKind.Number) shortest = size.GetInt32();
            else if (size.Has("shortest_edge")) shortest = size.GetInt("shortest_edge");
            else { height = size.GetInt("height"); width = size.GetInt("width"); }
        }
        else shortest = 224;

        int cropH = 224, cropW = 224;
        if (c.TryGetProperty("crop_size", out var crop) && crop.ValueKind != JsonValueKind.Null)
        {
            if (crop.ValueKind == JsonValueKind.Number) cropH = cropW = crop.GetInt32();
            else { cropH = crop.GetInt("height"); cropW = crop.GetInt("width"); }
        }

        var resample = c.GetInt("resample", (int)ResampleFilter.Bicubic);
        if (!Enum.IsDefined(typeof(ResampleFilter), resample))
            throw new InvalidDataException($"'resample' is {resample}; only PIL's bilinear (2) and bicubic (3) are supported.");

        return new ClipImageProcessorConfig(
            c.GetBool("do_resize", true), shortest, height, width, (ResampleFilter)resample,
            c.GetBool("do_center_crop", true), cropH, cropW,
            c.GetBool("do_rescale", true), c.GetDouble("rescale_factor", 1.0 / 255),
            c.GetBool("do_normalize", true),
            Triple(c, "image_mean", OpenAiClipMean), Triple(c, "image_std", OpenAiClipStd));
    }

    static double[] Triple(JsonElement c, string key, double[] fallback)
    {
        if (!c.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        if (v.ValueKind == JsonValueKind.Number) return new[] { v.GetDouble(), v.GetDouble(), v.GetDouble() };
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 3 || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
            throw new InvalidDataException($"'{key}' should be three numbers (one per RGB channel), not {v.GetRawText()}.");
        return v.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }
}
