using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// Reads any format ImageSharp knows (PNG, JPEG, WebP, BMP, GIF, TIFF, TGA, PBM) the way a viewer shows
/// it: EXIF orientation applied, transparency flattened onto white. Only the first frame of an animation (or page of
/// a TIFF) is decoded, and the declared size is checked before any pixel is, so a small file cannot cost gigabytes.
/// A PNG reaches the decoder with only the chunks its pixels need (<see cref="PngChunks.WithoutMetadata(Stream)"/>): no text or
/// ICC chunk, which the decoder would inflate without a limit. Its ICC profile is read in the same chunk walk, inflated
/// to at most <see cref="PngChunks.MaxIccBytes"/> (one larger or damaged is left out, with a note). The other formats'
/// metadata (EXIF, XMP, ICC in JPEG, WebP, TIFF, GIF comments) is stored, not compressed, so it costs at most its bytes.
/// </summary>
public static class ImageLoader
{
    /// <summary>The most pixels an image may declare: 16384 x 16384, a quarter of a gigapixel (1 GB as RGBA).</summary>
    public const long MaxPixels = 1L << 28;

    const string Formats = "PNG, JPEG, WebP, BMP, GIF, TIFF, TGA, PBM";

    /// <summary>ImageSharp's formats, with the multi-frame decoders set to decode the first frame only.</summary>
    static readonly Configuration FirstFrameOnly = CreateConfiguration();

    static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(SixLabors.ImageSharp.Formats.Webp.WebpFormat.Instance, new FirstFrameWebpDecoder());
        return configuration;
    }

    /// <param name="note">Told when a part of the file is left out (a PNG's ICC profile that is too large or damaged).</param>
    public static Image<Rgb24> Load(string path, Action<string>? note = null)
    {
        path = Path.GetFullPath(path);
        if (Directory.Exists(path))
            throw new ImageLoadException(path, $"{path} is a folder, not an image.");
        if (!File.Exists(path))
            throw new ImageLoadException(path, $"Image not found: {path}.", new FileNotFoundException(null, path));
        Image<Rgba32> image;
        byte[]? icc = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var stream = ForDecoding(file, path, note, out icc);
            IImageInfo? info;
            try
            {
                info = Image.Identify(FirstFrameOnly, stream);
            }
            catch (Exception e) when (e is InvalidImageContentException or ImageFormatException)
            {
                // ImageSharp takes a header of 0x0 for a missing one: say what the header does declare.
                stream.Position = 0;
                var head = new byte[DeclaredImageSize.HeaderBytes];
                if (DeclaredImageSize.TryRead(head.AsSpan(0, stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)), out var w, out var h))
                    CheckDeclaredSize(path, w, h);
                throw;
            }
            if (info is null)
                throw new ImageLoadException(path, $"{path} is not an image in a known format ({Formats}).");
            CheckDeclaredSize(path, info.Width, info.Height);
            stream.Position = 0;
            image = Image.Load<Rgba32>(FirstFrameOnly, stream);
            if (icc is not null) image.Metadata.IccProfile = new IccProfile(icc);
        }
        catch (UnknownImageFormatException e)
        {
            throw new ImageLoadException(path, $"{path} is not an image in a known format ({Formats}).", e);
        }
        catch (Exception e) when (e is InvalidImageContentException or ImageFormatException or EndOfStreamException or InvalidDataException)
        {
            throw new ImageLoadException(path, $"{path} is damaged or truncated and cannot be decoded ({e.Message}). Save or download it again.", e);
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new ImageLoadException(path, $"{path} is too large to decode in memory. Save it smaller (at most {MaxPixels} pixels) and try again.", e);
        }
        using (image)
        {
            // Formats decoded whole (an animated WebP beyond its first frame) still give one frame on.
            while (image.Frames.Count > 1) image.Frames.RemoveFrame(image.Frames.Count - 1);
            image.Mutate(x => x.AutoOrient().BackgroundColor(Color.White));
            return image.CloneAs<Rgb24>();
        }
    }

    /// <summary>Whether <paramref name="path"/>'s extension is one of a format this loader reads (.png, .jpg, ...), by its name alone.</summary>
    public static bool HasImageExtension(string path)
    {
        var extension = Path.GetExtension(path).TrimStart('.');
        return extension.Length > 0 && FirstFrameOnly.ImageFormats.Any(f => f.FileExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The width and height the image declares, read without decoding its pixels or metadata (null: not an image).</summary>
    public static (int Width, int Height)? DeclaredSize(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var stream = ForDecoding(file);
        return Image.Identify(FirstFrameOnly, stream) is { } info ? (info.Width, info.Height) : null;
    }

    /// <summary>What the decoder reads of <paramref name="file"/>: a PNG with only the chunks its pixels need, any other
    /// file as it is (disposing it twice is harmless).</summary>
    static Stream ForDecoding(FileStream file) => PngChunks.IsPng(file) ? PngChunks.WithoutMetadata(file) ?? (Stream)file : file;

    /// <summary><see cref="ForDecoding(FileStream)"/>, and from the same walk of a PNG's chunks its ICC profile (null: none, or one left out with a note).</summary>
    static Stream ForDecoding(FileStream file, string path, Action<string>? note, out byte[]? icc)
    {
        icc = null;
        if (!PngChunks.IsPng(file)) return file;
        var chunks = PngChunks.Walk(file).ToList();
        try
        {
            icc = PngChunks.ReadIccProfile(file, chunks);
        }
        catch (InvalidDataException e)
        {
            note?.Invoke($"{path}: its ICC profile is left out ({e.Message}); the edit is written without one.");
        }
        file.Position = 0;
        return PngChunks.WithoutMetadata(file, chunks) ?? (Stream)file;
    }

    /// <summary>Refuses an image with no pixels, or with more than <see cref="MaxPixels"/>, before decoding it.</summary>
    static void CheckDeclaredSize(string path, long width, long height)
    {
        if (width < 1 || height < 1)
            throw new ImageLoadException(path, $"{path} declares {width}x{height} pixels: there is no picture in it. The file is damaged or empty; save or download it again.");
        if (width * height > MaxPixels)
            throw new ImageLoadException(path,
                $"{path} declares {width}x{height} pixels, more than the {MaxPixels} this tool reads (at most {MaxPixels} pixels, e.g. 16384x16384). " +
                "Save a smaller copy of it, or the file is damaged.");
    }
}
