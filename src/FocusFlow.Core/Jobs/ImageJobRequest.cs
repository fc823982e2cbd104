using FocusFlow.Core.Editing;
using FocusFlow.Core.IO;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Outputs;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Jobs;

/// <summary>What every file-level job starts from: an image file, two prompts, options, where the result goes.</summary>
public abstract record ImageJobRequest
{
    public required string Source { get; init; }
    public required string SourcePrompt { get; init; }
    public required string TargetPrompt { get; init; }
    public required EditOptions Options { get; init; }
    /// <summary>The main PNG's path (see <see cref="OutputNaming"/>).</summary>
    public required string Output { get; init; }
    /// <summary>Replace existing files; otherwise an existing output stops the job before any work.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Working size: null, one number (longest side) or two (width, height); see <see cref="WorkingSize"/>.</summary>
    public IReadOnlyList<int>? Size { get; init; }

    /// <summary>Every file the job will write.</summary>
    public abstract IReadOnlyList<string> PlannedOutputs();

    /// <summary>
    /// Throws <see cref="ArgumentException"/> for a planned file whose name or path no OS could take
    /// (<see cref="PathLimits"/>), and <see cref="OutputExistsException"/> for the first one that exists, unless overwriting.
    /// </summary>
    public void EnsureOutputsFree()
    {
        PathLimits.Check(PlannedOutputs(), "OutputPath");
        if (Overwrite) return;
        foreach (var f in PlannedOutputs())
            if (File.Exists(f)) throw new OutputExistsException(f);
    }

    /// <summary>The source image at its working size (multiples of 16).</summary>
    public Image<Rgb24> LoadWorkingImage(Action<string>? verbose)
    {
        using var original = ImageLoader.Load(Source);
        return WorkingImageOf(original, verbose);
    }

    /// <summary><paramref name="original"/> (this request's source, as loaded) at its working size.</summary>
    public Image<Rgb24> WorkingImageOf(Image<Rgb24> original, Action<string>? verbose)
    {
        var (width, height) = WorkingSize.For(original.Width, original.Height, Size);
        if (width != original.Width || height != original.Height)
            verbose?.Invoke($"{Source}: {original.Width}x{original.Height} worked on at {width}x{height}.");
        return ImageTensors.Resized(original, width, height);
    }
}
