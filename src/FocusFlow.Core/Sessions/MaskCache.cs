using System.Security.Cryptography;
using FocusFlow.Core.Editing;
using FocusFlow.Core.IO.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Sessions;

/// <summary>
/// What decides an automatic mask on one loaded model: the image content at its working size, the prompts, the
/// step count (the schedule) and the mask settings with the mask seed resolved.
/// </summary>
public sealed record MaskKey(string ImageDigest, string SourcePrompt, string TargetPrompt, string NegativePrompt, int Steps, MaskOptions Mask)
{
    public static MaskKey For(string imageDigest, string sourcePrompt, string targetPrompt, EditOptions options) =>
        new(imageDigest, sourcePrompt, targetPrompt, options.NegativePrompt, options.Steps, options.Mask with { Seed = options.MaskSeed });

    /// <summary>SHA-256 of the size and pixels, so the same picture under another file name finds its mask.</summary>
    public static string Digest(Image<Rgb24> image)
    {
        var pixels = ImageTensors.ToRgbBytes(image);
        var header = BitConverter.GetBytes(((long)image.Width << 32) | (uint)image.Height);
        return Convert.ToHexString(SHA256.HashData(header.Concat(pixels).ToArray()));
    }
}

/// <summary>
/// FocusFlow masks computed on a loaded model, so Get-FocusFlowMask followed by the edit, or a second edit of the
/// same image and prompts, does not run the mask phase again. Small and least-recently-used; it hands out copies.
/// </summary>
public sealed class MaskCache : IDisposable
{
    readonly int _capacity;
    readonly LinkedList<(MaskKey Key, EditMask Mask)> _entries = new();
    readonly object _gate = new();

    public MaskCache(int capacity) => _capacity = capacity;

    public int Count { get { lock (_gate) return _entries.Count; } }

    /// <summary>A copy of the mask for <paramref name="key"/>, or null.</summary>
    public EditMask? TryGet(MaskKey key)
    {
        lock (_gate)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key) continue;
                _entries.Remove(node);
                _entries.AddFirst(node);
                return node.Value.Mask.Clone();
            }
            return null;
        }
    }

    /// <summary>Keeps a copy of <paramref name="mask"/>.</summary>
    public void Add(MaskKey key, EditMask mask)
    {
        lock (_gate)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
                if (node.Value.Key == key)
                {
                    node.Value.Mask.Dispose();
                    _entries.Remove(node);
                    break;
                }
            _entries.AddFirst((key, mask.Clone()));
            while (_entries.Count > _capacity)
            {
                _entries.Last!.Value.Mask.Dispose();
                _entries.RemoveLast();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var (_, m) in _entries) m.Dispose();
            _entries.Clear();
        }
    }
}
