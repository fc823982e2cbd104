namespace FocusFlow.Core.Outputs;

/// <summary>The size an edited image is written at.</summary>
public enum OutputSize
{
    /// <summary>The source's own size and orientation: the edit upscaled and, with a mask, composited onto the source's pixels.</summary>
    Source,
    /// <summary>The size the edit was computed at (multiples of 16), as the model made it.</summary>
    Working,
}
