using System.Management.Automation;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Runtime.Backend;
using FocusFlow.PowerShell.Infrastructure;

namespace FocusFlow.PowerShell.Cmdlets;

/// <summary>Fetches, verifies and unpacks the LibTorch backend (CPU, or CUDA with -Cuda) into a per-user folder.</summary>
[Cmdlet(VerbsLifecycle.Install, "FocusFlowBackend", SupportsShouldProcess = true, HelpUri = ModuleInfo.OnlineHelp)]
[OutputType(typeof(InstalledBackend))]
public sealed class InstallFocusFlowBackendCommand : FocusFlowCmdlet
{
    /// <summary>The CUDA build of LibTorch (NVIDIA GPUs, Linux and Windows x64) instead of the CPU one.</summary>
    [Parameter] public SwitchParameter Cuda { get; set; }

    /// <summary>A NuGet.Config to read the package sources from, instead of the user's configuration.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigFile { get; set; }

    /// <summary>Package sources (v3 feed URLs or folders) to use instead of the configured ones.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateCount(1, 16)]
    public string[]? Source { get; set; }

    /// <summary>The backend root (default: the per-user data folder, or $env:FOCUSFLOW_BACKEND_ROOT).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter] public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var request = new BackendInstallRequest
            {
                Flavor = Cuda ? BackendFlavor.Cuda : BackendFlavor.Cpu,
                Root = Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path),
                Sources = Sources(),
                Force = Force,
            };
            string package = BackendPlatform.RootPackage(request.Flavor), target = BackendInstaller.TargetFolder(request);
            if (BackendInstaller.AlreadyInstalled(request) is { } installed)
            {
                WriteVerbose($"The {request.Flavor} backend is already installed in {target}; -Force reinstalls it.");
                WriteObject(installed);
                return;
            }
            if (!ShouldProcess(target, $"Install {package} {BackendPlatform.TorchSharpVersion} (LibTorch {BackendPlatform.LibTorchVersion}, {BackendPlatform.Rid}) " +
                                       $"from {string.Join(", ", request.Sources)}"))
                return;
            var progress = new InstallProgress(this, NewActivityId());
            try
            {
                var backend = BackendInstaller.Install(request, progress, m => WriteVerbose(PowerShellSpelling.Render(m)), StopToken);
                if (TorchRuntime.Location is { } loaded && loaded.Folder != backend.Path)
                    WriteWarning($"This session already uses LibTorch {loaded.Description}; new sessions will use the installed backend.");
                WriteObject(backend);
            }
            finally
            {
                progress.Complete();
            }
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(e, Cuda ? "cuda" : "cpu"));
        }
    }

    IReadOnlyList<PackageSource> Sources()
    {
        if (Source is not null)
            return Source.Select((s, i) => s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? new PackageSource($"source{i + 1}", s)
                : new PackageSource($"source{i + 1}", GetUnresolvedProviderPathFromPSPath(s))).ToList();
        var config = ConfigFile is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigFile);
        return NuGetSources.Read(config, SessionState.Path.CurrentFileSystemLocation.ProviderPath, WriteWarning);
    }

    /// <summary>Writes the installer's progress on the pipeline thread (it runs there), at most once per percent.</summary>
    sealed class InstallProgress : IProgress<BackendInstallProgress>
    {
        readonly FocusFlowCmdlet _cmdlet;
        readonly int _id;
        string _last = "";

        public InstallProgress(FocusFlowCmdlet cmdlet, int id) => (_cmdlet, _id) = (cmdlet, id);

        public void Report(BackendInstallProgress p)
        {
            int percent = p.Total > 0 ? (int)Math.Clamp(100 * p.Done / p.Total, 0, 100) : -1;
            string status = p.Total > 0 ? $"{p.Package}: {p.Done >> 20} of {p.Total >> 20} MiB" : $"{p.Package} {p.Done >> 20} MiB";
            string key = $"{p.Phase}{p.Package}{(percent >= 0 ? percent : p.Done >> 24)}";
            if (key == _last) return;
            _last = key;
            _cmdlet.WriteProgress(new ProgressRecord(_id, $"Installing the FocusFlow backend: {p.Phase}", status) { PercentComplete = percent });
        }

        public void Complete() =>
            _cmdlet.WriteProgress(new ProgressRecord(_id, "Installing the FocusFlow backend", "Done") { RecordType = ProgressRecordType.Completed });
    }
}
