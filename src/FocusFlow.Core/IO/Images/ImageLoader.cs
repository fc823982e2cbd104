using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// Reads any format ImageSharp knows (PNG, JPEG, WebP, BMP, GIF, TIFF, TGA, PBM) the way a viewer shows
/// it: EXIF orientation applied, transparency flattened onto white.
/// </summary>
public static class ImageLoader
{
    public static Image<Rgb24> Load(string path)
    {
        path = Path.GetFullPath(path);
        if (Directory.Exists(path))
            throw new ImageLoadException(path, $"{path} is a folder, not an image.");
        if (!File.Exists(path))
            throw new ImageLoadException(path, $"Image not found: {path}.", new FileNotFoundException(null, path));
        Image<Rgba32> image;
        try
        {
            image = Image.Load<Rgba32>(path);
        }
        catch (UnknownImageFormatException e)
        {
            throw new ImageLoadException(path, $"{path} is not an image in a known format (PNG, JPEG, WebP, BMP, GIF, TIFF, TGA, PBM).", e);
        }
        catch (Exception e) when (e is InvalidImageContentException or ImageFormatException or EndOfStreamException or InvalidDataException)
        {
            throw new ImageLoadException(path, $"{path} is damaged or truncated and cannot be decoded ({e.Message}). Save or download it again.", e);
        }
        using (image)
        {
            image.Mutate(x => x.AutoOrient().BackgroundColor(Color.White));
            return image.CloneAs<Rgb24>();
        }
    }
}
