using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// Writes an edited picture as PNG, JPEG or WebP with the metadata it carries (EXIF and the ICC profile, in a PNG's
/// iCCP chunk, JPEG's APP2 segments or WebP's ICCP chunk) and one keyed text (this module's provenance) where each format keeps text: a PNG text chunk, JPEG COM
/// segments (<see cref="JpegSegments"/>), a WebP chunk (<see cref="WebpChunks"/>); each is read back by a bounded walker.
/// </summary>
public static class ImageFileWriter
{
    /// <summary>The JPEG and WebP quality when none is given: high enough that the untouched part looks untouched.</summary>
    public const int DefaultQuality = 95;
    /// <summary>The WebP chunk type of the keyed text.</summary>
    public const string WebpTextChunk = "FFPV";

    public static void Write(Stream stream, Image<Rgb24> image, ImageFileFormat format, int quality, string key, string text)
    {
        if (quality is < 1 or > 100) throw new OptionOutOfRangeException("Quality", quality.ToString(System.Globalization.CultureInfo.InvariantCulture), $"Quality must be 1 to 100; got {quality}.");
        // The pixels are written upright (the loader applied the orientation): a kept orientation tag would turn them again.
        if (image.Metadata.ExifProfile is { } exif && exif.GetValue(ExifTag.Orientation) is not null)
            exif.SetValue(ExifTag.Orientation, (ushort)1);
        switch (format)
        {
            case ImageFileFormat.Png:
                var png = image.Metadata.GetPngMetadata();
                for (int i = png.TextData.Count - 1; i >= 0; i--)
                    if (png.TextData[i].Keyword == key) png.TextData.RemoveAt(i);
                png.TextData.Add(new PngTextData(key, text, "", ""));
                if (image.Metadata.IccProfile?.ToByteArray() is { Length: > 0 } profile)
                {
                    // ImageSharp 2 reads a PNG's iCCP chunk but does not write one: it goes in by hand.
                    using var encoded = new MemoryStream();
                    image.SaveAsPng(encoded);
                    stream.Write(PngChunks.WithIccProfile(encoded.GetBuffer().AsSpan(0, (int)encoded.Length), profile));
                }
                else image.SaveAsPng(stream);
                break;
            case ImageFileFormat.Jpeg:
                using (var encoded = new MemoryStream())
                {
                    image.SaveAsJpeg(encoded, new JpegEncoder { Quality = quality });
                    stream.Write(JpegSegments.WithComment(encoded.GetBuffer().AsSpan(0, (int)encoded.Length), key, text));
                }
                break;
            case ImageFileFormat.Webp:
                using (var encoded = new MemoryStream())
                {
                    image.SaveAsWebp(encoded, new WebpEncoder { Quality = quality, FileFormat = WebpFileFormatType.Lossy });
                    var icc = image.Metadata.IccProfile?.ToByteArray();
                    stream.Write(WebpChunks.With(encoded.GetBuffer().AsSpan(0, (int)encoded.Length), image.Width, image.Height, icc,
                        WebpTextChunk, Encoding.UTF8.GetBytes(key + "\0" + text)));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    /// <summary>The keyed text <see cref="Write"/> put in the file in <paramref name="stream"/>, or null; at most <paramref name="maxBytes"/> of it.</summary>
    public static string? ReadText(Stream stream, string key, int maxBytes)
    {
        switch (ImageFileFormats.Sniff(stream))
        {
            case ImageFileFormat.Png:
                return PngChunks.ReadText(stream, key, maxBytes);
            case ImageFileFormat.Jpeg:
                return JpegSegments.ReadComment(stream, key, maxBytes);
            case ImageFileFormat.Webp:
                var prefix = Encoding.ASCII.GetBytes(key + "\0");
                if (WebpChunks.Read(stream, WebpTextChunk, maxBytes + prefix.Length) is not { } data || !data.AsSpan().StartsWith(prefix)) return null;
                return Encoding.UTF8.GetString(data, prefix.Length, data.Length - prefix.Length);
            default:
                return null;
        }
    }
}
