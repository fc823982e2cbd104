using System.Buffers.Binary;

namespace FocusFlow.Core.IO.Images;

/// <summary>What makes bytes an ICC profile worth carrying from a source to its edit.</summary>
public static class IccProfiles
{
    /// <summary>The ICC header's length: a profile is at least this and an empty tag count.</summary>
    const int HeaderBytes = 128;

    /// <summary>
    /// Whether <paramref name="profile"/> starts with an ICC header that declares its own length and carries the
    /// 'acsp' signature (ICC.1 7.2): enough that a reader will not take it for something else.
    /// </summary>
    public static bool IsProfile(ReadOnlySpan<byte> profile) =>
        profile.Length >= HeaderBytes + 4
        && BinaryPrimitives.ReadUInt32BigEndian(profile) == (uint)profile.Length
        && profile[36..40].SequenceEqual("acsp"u8);
}
