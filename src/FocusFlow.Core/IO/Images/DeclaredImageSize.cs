using System.Buffers.Binary;

namespace FocusFlow.Core.IO.Images;

/// <summary>
/// The width and height a PNG, GIF or BMP header declares, read from its first bytes. ImageSharp refuses an image of
/// 0x0 as if its header were missing; this tells the user what the file really says.
/// </summary>
internal static class DeclaredImageSize
{
    public const int HeaderBytes = 26;

    public static bool TryRead(ReadOnlySpan<byte> head, out long width, out long height)
    {
        (width, height) = (-1, -1);
        if (head.Length >= 24 && head[..8].SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }) && head[12..16].SequenceEqual("IHDR"u8))
            (width, height) = (BinaryPrimitives.ReadUInt32BigEndian(head[16..]), BinaryPrimitives.ReadUInt32BigEndian(head[20..]));
        else if (head.Length >= 10 && (head[..6].SequenceEqual("GIF89a"u8) || head[..6].SequenceEqual("GIF87a"u8)))
            (width, height) = (BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]));
        else if (head.Length >= 26 && head[..2].SequenceEqual("BM"u8))
            (width, height) = (BinaryPrimitives.ReadInt32LittleEndian(head[18..]), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(head[22..])));
        return width >= 0;
    }
}
