@{
    RootModule           = 'FocusFlow.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '8948ec65-c1ad-4c68-aa93-bc13a5693994'
    Author               = 'The FocusFlow team'
    CompanyName          = 'FocusFlow'
    Copyright            = '(c) The FocusFlow team. MIT licence.'
    Description          = 'Text-guided, localized image editing on Stable Diffusion 3: FocusFlow (automatic mask + masked velocity blending), FlowEdit and SDEdit, with CLIP-T and LPIPS metrics.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('FocusFlow.Format.ps1xml')
    CmdletsToExport      = @(
        'Invoke-FocusFlowEdit'
        'Get-FocusFlowMask'
        'Import-FocusFlowModel'
        'Remove-FocusFlowModel'
        'Get-FocusFlowModel'
        'Get-FocusFlowDevice'
        'Measure-EditQuality'
        'Invoke-FocusFlowEvaluation'
        'Merge-FocusFlowEvaluation'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('StableDiffusion', 'SD3', 'ImageEditing', 'FlowEdit', 'TorchSharp', 'AI')
            ProjectUri = 'https://github.com/focusflow/FocusFlow.PowerShell'
        }
    }
}
