using System.Security.Cryptography;
using System.Text.Json;
using FocusFlow.Core.IO;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.MSBuild.Build;

/// <summary>
/// The CLIP-T and LPIPS measured for one edited image, kept beside it (<c>x.quality.json</c>, see
/// <see cref="OutputNaming.Quality"/>) with what they were measured from: the output's and the source's SHA-256, the
/// prompt and the metric models. While all of those are unchanged the values are reused and nothing is loaded.
/// </summary>
public sealed record QualityRecord(
    string Output, string OutputSha256, string Source, string SourceSha256, string Prompt, string ClipModel, string LpipsModel,
    double ClipT, double Lpips)
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The stored record for these inputs, or null when there is none or it was measured from something else.</summary>
    public static QualityRecord? Reusable(string output, string outputSha256, string source, string sourceSha256, string prompt, string clipModel, string lpipsModel)
    {
        var path = OutputNaming.Quality(output);
        if (!File.Exists(path)) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<QualityRecord>(File.ReadAllText(path), Json);
            return stored is not null && stored.OutputSha256 == outputSha256 && stored.SourceSha256 == sourceSha256
                && stored.Prompt == prompt && stored.ClipModel == clipModel && stored.LpipsModel == lpipsModel ? stored : null;
        }
        catch (JsonException)
        {
            return null;   // a damaged record is measured again and rewritten
        }
    }

    public void Save() => AtomicFile.Write(OutputNaming.Quality(Output), s => JsonSerializer.Serialize(s, this, Json), overwrite: true);

    public static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
