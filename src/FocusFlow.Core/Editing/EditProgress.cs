namespace FocusFlow.Core.Editing;

/// <summary>Where an edit is: a phase and a step within it (one step = one transformer call batch).</summary>
public readonly record struct EditProgress(EditPhase Phase, int Step, int Total, string? Detail = null);

public enum EditPhase { Loading, Encoding, Mask, Editing, Decoding, Saving }
