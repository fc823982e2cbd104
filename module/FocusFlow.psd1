@{
    RootModule           = 'FocusFlow.PowerShell.dll'
    # Stamped by build.ps1 from <Version> in Directory.Build.props (the one place the version is kept).
    ModuleVersion        = '0.0.0'
    GUID                 = '8948ec65-c1ad-4c68-aa93-bc13a5693994'
    Author               = 'The FocusFlow team'
    CompanyName          = 'FocusFlow'
    Copyright            = '(c) The FocusFlow team. MIT licence.'
    Description          = 'Text-guided, localized image editing on Stable Diffusion 3: FocusFlow (automatic mask + masked velocity blending), FlowEdit and SDEdit, with CLIP-T and LPIPS metrics.'
    # The assemblies target .NET 10, which PowerShell 7.6 (LTS) is the first to run on: an older pwsh
    # refuses to import the module with a message naming 7.6 instead of failing to load it.
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('FocusFlow.Format.ps1xml')
    CmdletsToExport      = @(
        'Invoke-FocusFlowEdit'
        'Get-FocusFlowMask'
        'Import-FocusFlowModel'
        'Remove-FocusFlowModel'
        'Get-FocusFlowModel'
        'Get-FocusFlowCheckpoint'
        'Save-FocusFlowModel'
        'Get-FocusFlowDevice'
        'Measure-EditQuality'
        'Invoke-FocusFlowEvaluation'
        'Merge-FocusFlowEvaluation'
        'Install-FocusFlowBackend'
        'Get-FocusFlowProvenance'
        'Export-FocusFlowGallery'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('StableDiffusion', 'SD3', 'ImageEditing', 'FlowEdit', 'TorchSharp', 'AI')
            ProjectUri = 'https://github.com/focusflow/FocusFlow.PowerShell'
            LicenseUri = 'https://github.com/focusflow/FocusFlow.PowerShell/blob/main/LICENSE'
            # Where each cmdlet's HelpUri (Get-Help -Online) points: the cmdlet help sources.
            HelpUri    = 'https://github.com/focusflow/FocusFlow.PowerShell/tree/main/module/help'
            ReleaseNotes = 'LibTorch is not inside this package: run Install-FocusFlowBackend once (add -Cuda for an NVIDIA GPU).'
        }
    }
}
