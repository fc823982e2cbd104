using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusFlow.Core.IO.Images;

/// <summary>Placeholder: WebP decoded by ImageSharp's own decoder.</summary>
internal sealed class FirstFrameWebpDecoder : IImageDecoder, IImageInfoDetector
{
    readonly WebpDecoder _inner = new();

    public Image<TPixel> Decode<TPixel>(Configuration configuration, Stream stream, CancellationToken cancellationToken) where TPixel : unmanaged, IPixel<TPixel> =>
        _inner.Decode<TPixel>(configuration, stream, cancellationToken);

    public Image Decode(Configuration configuration, Stream stream, CancellationToken cancellationToken) =>
        _inner.Decode(configuration, stream, cancellationToken);

    public IImageInfo Identify(Configuration configuration, Stream stream, CancellationToken cancellationToken) =>
        _inner.Identify(configuration, stream, cancellationToken);
}
