namespace FocusFlow.Core.Outputs;

/// <summary>
/// What an edit without a mask (FlowEdit, SDEdit) is composited through at the source's size. An edit with a mask
/// (FocusFlow, or any -Mask) is always composited through its mask, whatever this says.
/// </summary>
public enum OutputComposite
{
    /// <summary>No compositing: the whole picture is the upscaled edit.</summary>
    None,
    /// <summary>Through the change map (<see cref="IO.Images.ChangeMaps"/>): where the edit left the picture alone, the source's own pixels.</summary>
    ChangeMap,
}
