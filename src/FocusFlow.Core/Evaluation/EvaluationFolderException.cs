using FocusFlow.Core.UserMessages;

namespace FocusFlow.Core.Evaluation;

/// <summary>Why an evaluation folder cannot take this run.</summary>
public enum EvaluationFolderProblem
{
    /// <summary>Another run (or merge) is writing into it now.</summary>
    InUse,
    /// <summary>It holds outputs made with other settings, which a run without Force would reuse.</summary>
    OtherSettings,
}

/// <summary>An evaluation folder owned by another run, or holding outputs of other settings; the message says what to do.</summary>
public sealed class EvaluationFolderException(string folder, EvaluationFolderProblem problem, string message, Exception? inner = null)
    : InvalidOperationException(UserText.Neutral(message), inner), IOptionError
{
    public string Text { get; } = message;
    public string Folder { get; } = folder;
    public EvaluationFolderProblem Problem { get; } = problem;
}
