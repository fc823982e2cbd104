using FocusFlow.Core.Editing.Methods;
using FocusFlow.Core.Families;
using System.Diagnostics;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Recipes;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Jobs;

/// <summary>One image file in, the edited image (and, when asked, its companion outputs: mask, overlay, latents, ...) out.</summary>
public sealed record EditJobRequest : ImageJobRequest
{
    /// <summary>A mask image (white = edit) to use instead of FocusFlow's automatic mask.</summary>
    public string? MaskImage { get; init; }
    /// <summary>The companion outputs to write as well, by <see cref="CompanionOutputs.RequestNames"/> (Mask, Latents, ...; each where its method makes it).</summary>
    public IReadOnlyList<string> Companions { get; init; } = Array.Empty<string>();

    /// <summary>The requested companions this request's method makes, in the order they are written.</summary>
    public IEnumerable<CompanionOutput> CompanionsMade => CompanionOutputs.Made(Companions, EditMethods.Of(Options.Method));
    /// <summary>The size the edited image is written at: the source's (default) or the working size.</summary>
    public OutputSize OutputSize { get; init; } = OutputSize.Source;
    /// <summary>What an edit without a mask is composited through at the source's size (FocusFlow and -Mask always go through the mask).</summary>
    public OutputComposite Composite { get; init; } = OutputComposite.None;
    /// <summary>The JPEG or WebP quality, 1 to 100 (the format is the output's extension's, see <see cref="ImageFileFormats"/>).</summary>
    public int Quality { get; init; } = ImageFileWriter.DefaultQuality;

    public override IReadOnlyList<string> PlannedOutputs()
    {
        var files = new List<string> { Output };
        files.AddRange(CompanionsMade.Select(c => c.PathFor(Output)));
        return files;
    }
}

/// <summary>
/// What an edit produced, for the table view, Export-Csv and Measure-EditQuality. <see cref="ModelCalls"/>,
/// <see cref="ModelRows"/> (transformer input rows evaluated) and <see cref="PeakDeviceMemoryMB"/> are those of the
/// whole group when targets were edited together (<see cref="GroupSize"/> of them), the same on each of its results.
/// </summary>
public sealed record EditJobResult(
    string Source, string Output, string? Mask, string? Overlay, string? Latents,
    EditMethod Method, string SourcePrompt, string TargetPrompt, string NegativePrompt, long Seed,
    int Width, int Height, double? MaskCoverage, double Seconds, int ModelCalls, string Model, string Device,
    int ModelRows, int GroupSize, double? PeakDeviceMemoryMB)
{
    /// <summary>The target prompt under the name Measure-EditQuality binds to.</summary>
    public string Prompt => TargetPrompt;
    /// <summary>x.comparison.png, when asked for.</summary>
    public string? Comparison { get; init; }

    /// <summary>Every option the edit ran with (as built by Core.Settings.EditSettings), the chosen seed included.</summary>
    public EditOptions? Options { get; init; }
    /// <summary>The companion outputs written (<see cref="CompanionOutputs"/>), by name: e.g. Companions.Difference.</summary>
    public IReadOnlyDictionary<string, string> Companions { get; init; } = new Dictionary<string, string>();
}

public static class EditJob
{
    /// <summary>
    /// The most targets edited together: a step's rows grow with them (2 + 2K), and so do the latents held, so 64
    /// (130 rows a step) is far past any real comparison of prompts and still bounded. More targets run in more groups.
    /// </summary>
    public const int MaxGroupSize = 64;

    public static EditJobResult Run(IEditModel pipeline, EditJobRequest request, EditObserver observer) =>
        RunGroup(pipeline, new[] { request }, observer)[0];

    /// <summary>
    /// Edits one source toward the target prompts of <paramref name="requests"/> together (shared rows, one noise
    /// stream) and writes each request's files; the results come in request order. The requests must agree on
    /// everything but the target prompt and the outputs.
    /// </summary>
    public static IReadOnlyList<EditJobResult> RunGroup(IEditModel pipeline, IReadOnlyList<EditJobRequest> requests, EditObserver observer)
    {
        var clock = Stopwatch.StartNew();
        CheckGroup(requests).Options.EnsureValid();
        requests = Writable(requests, observer);
        if (requests.Count == 0) return Array.Empty<EditJobResult>();
        var first = requests[0];
        WarnIfCompositeUnused(first, observer);
        using var original = ImageLoader.Load(first.Source, observer.Warning);
        using var image = first.WorkingImageOf(original, observer.Verbose);
        int width = image.Width, height = image.Height;
        using var userMask = first.MaskImage is null ? null : MaskImages.LoadUserMask(first.MaskImage, height / 8, width / 8);

        using var group = EditPipeline.Edit(pipeline, image, first.SourcePrompt, requests.Select(r => r.TargetPrompt).ToList(), first.Options, userMask, observer);
        observer.Progress?.Report(new EditProgress(EditPhase.Saving, 0, requests.Count));
        var saved = new List<(EditJobRequest Request, EditOutcome Outcome, IReadOnlyDictionary<string, string> Companions)>();
        for (int k = 0; k < requests.Count; k++)
        {
            saved.Add((requests[k], group.Targets[k], Save(pipeline, requests[k], original, image, group.SourceLatent, group.Targets[k])));
            observer.Progress?.Report(new EditProgress(EditPhase.Saving, k + 1, requests.Count));
        }
        var a = group.Accounting;
        double seconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        double? peakMB = a.PeakDeviceMemory is long bytes ? Math.Round(bytes / (1024.0 * 1024), 1) : null;
        var o = first.Options;
        return saved.Select(s => new EditJobResult(Path.GetFullPath(s.Request.Source), s.Request.Output,
            s.Companions.GetValueOrDefault(CompanionOutputs.Mask.Name), s.Companions.GetValueOrDefault(CompanionOutputs.Overlay.Name), s.Companions.GetValueOrDefault(CompanionOutputs.Latents.Name),
            o.Method, s.Request.SourcePrompt, s.Request.TargetPrompt, o.NegativePrompt, o.Seed, width, height,
            s.Outcome.Mask?.Coverage, seconds, a.ModelCalls, pipeline.SourcePath, pipeline.Placement.ToString(),
            a.ModelRows, a.GroupSize, peakMB) { Comparison = s.Companions.GetValueOrDefault(CompanionOutputs.Comparison.Name), Options = o, Companions = s.Companions }).ToList();
    }

    /// <summary>A change map composites only an edit without a mask, written at the source's size: say so rather than ignore it silently.</summary>
    static void WarnIfCompositeUnused(EditJobRequest request, EditObserver observer)
    {
        if (request.Composite == OutputComposite.None) return;
        var composite = UserText.Option(OptionNames.Composite, request.Composite);
        if (request.MaskImage is not null || EditMethods.Of(request.Options.Method).UsesMask)
            observer.Warning?.Invoke($"{composite} is not used: {(request.MaskImage is not null ? $"the {UserText.Option(OptionNames.Mask)} image" : $"{request.Options.Method}'s own mask")} " +
                "already decides which pixels stay the source's. Leave it out, or use FlowEdit or SDEdit.");
        else if (request.OutputSize == OutputSize.Working)
            observer.Warning?.Invoke($"{composite} is not used: the output is written at the working size, where the edit is the whole picture. " +
                $"Leave out {UserText.Option(OptionNames.OutputSize, OutputSize.Working)} to composite at the source's size.");
    }

    /// <summary>
    /// The requests whose planned files may be written: the one check of output names and existing outputs for an edit. A
    /// refused one goes to <see cref="EditObserver.Refused"/> when the surface listens (its other targets go on), else throws.
    /// </summary>
    public static IReadOnlyList<EditJobRequest> Writable(IReadOnlyList<EditJobRequest> requests, EditObserver observer)
    {
        var writable = new List<EditJobRequest>();
        foreach (var r in requests)
        {
            try
            {
                r.EnsureOutputsFree();
                writable.Add(r);
            }
            catch (Exception e) when (observer.Refused is not null && e is ArgumentException or OutputExistsException)
            {
                observer.Refused(r, e);
            }
        }
        return writable;
    }

    /// <summary>The first request, after checking that all edit the same source the same way into different files.</summary>
    static EditJobRequest CheckGroup(IReadOnlyList<EditJobRequest> requests)
    {
        if (requests.Count == 0) throw new ArgumentException("An edit group needs at least one request.", nameof(requests));
        if (requests.Count > MaxGroupSize)
            throw new OptionOutOfRangeException("To", requests.Count, $"At most {MaxGroupSize} targets are edited together; got {requests.Count}. Edit them in several runs.");
        var first = requests[0];
        foreach (var r in requests.Skip(1))
        {
            bool same = r.Source == first.Source && r.SourcePrompt == first.SourcePrompt && r.Options == first.Options
                && r.MaskImage == first.MaskImage && SameSize(r.Size, first.Size);
            if (!same)
                throw new ArgumentException($"Targets edited together share the source image, source prompt, options, size and mask; '{r.TargetPrompt}' differs from '{first.TargetPrompt}'.", nameof(requests));
        }
        var twice = requests.SelectMany(r => r.PlannedOutputs()).GroupBy(f => Path.GetFullPath(f), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ArgumentException($"Two targets of one edit would write {twice.Key}: give each target its own output name (see OutputNaming).", nameof(requests));
        return first;
    }

    static bool SameSize(IReadOnlyList<int>? a, IReadOnlyList<int>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>Writes one target's image and the companions asked for (all or none); returns the companions' paths by name.</summary>
    static IReadOnlyDictionary<string, string> Save(IEditModel pipeline, EditJobRequest request,
        Image<Rgb24> original, Image<Rgb24> image, Tensor sourceLatent, EditOutcome outcome)
    {
        int width = image.Width, height = image.Height;
        var provenance = Provenance.For(request, request.Options, pipeline, width, height, request.MaskImage);
        var format = ImageFileFormats.FromExtension(request.Output) ?? ImageFileFormat.Png;
        using var full = FullSizeOutput.Of(request.OutputSize, original, outcome, image, request.Composite);
        var written = provenance with
        {
            OutputSize = request.OutputSize,
            Composite = request.Composite == OutputComposite.None ? null : request.Composite,
            OutputWidth = full.Image.Width, OutputHeight = full.Image.Height,
            Quality = format == ImageFileFormat.Png ? null : request.Quality,
        };
        // All of one target's files together or none (see OutputSet).
        using var outputs = new OutputSet(request.Overwrite);
        outputs.Add(request.Output, s => ImageFileWriter.Write(s, full.Image, format, request.Quality, Provenance.Keyword, written.Text(OutputKind.Edit)));
        using var context = new CompanionContext
        {
            Request = request, Model = pipeline, Source = image, SourceLatent = sourceLatent, Outcome = outcome, Provenance = provenance,
            Outputs = outputs, Written = full, WrittenSource = full.Image.Size == original.Size ? original : image, WrittenProvenance = written,
        };
        var companions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var companion in request.CompanionsMade)
        {
            var path = companion.PathFor(request.Output);
            companion.Write(context, path);
            companions[companion.Name] = path;
        }
        outputs.Commit();
        return companions;
    }
}
