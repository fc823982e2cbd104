namespace FocusFlow.PowerShell.Infrastructure;

/// <summary>Where the module lives online, and the HelpUri of every cmdlet (Get-Help -Online).</summary>
internal static class ModuleInfo
{
    /// <summary>The manifest's ProjectUri.</summary>
    public const string ProjectUri = "https://github.com/focusflow/FocusFlow.PowerShell";

    /// <summary>Where Get-Help -Online goes for every cmdlet: the README on the project page, at the section on using the
    /// module (a page a browser shows, not the .psd1 the help is generated from).</summary>
    public const string OnlineHelp = ProjectUri + "#using-the-module";
}
