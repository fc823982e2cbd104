namespace FocusFlow.Core.UserMessages;

/// <summary>
/// Something a message asks the user to do beyond setting an option. The engine names it; each surface says how it is
/// done there (a cmdlet with its switches, an MSBuild property or target).
/// </summary>
public enum UserAction
{
    /// <summary>Install LibTorch (the CPU backend).</summary>
    InstallBackend,
    /// <summary>Install the CUDA build of LibTorch, for an NVIDIA GPU.</summary>
    InstallCudaBackend,
    /// <summary>Install the backend again over a broken one.</summary>
    ReinstallBackend,
    /// <summary>Run one slice of the evaluation; the argument is the slice, k/n.</summary>
    RunEvaluationSlice,
}
