namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>Where the module lives online: the HelpUri of every cmdlet (Get-Help -Online) starts here.</summary>
internal static class ModuleInfo
{
    /// <summary>The manifest's ProjectUri.</summary>
    public const string ProjectUri = "https://github.com/focusflow/FocusFlow.PowerShell";

    /// <summary>The help source of each cmdlet, in the repository: HelpRoot + "Name.psd1".</summary>
    public const string HelpRoot = ProjectUri + "/blob/main/module/help/";
}
