@{
    Synopsis    = 'Lists the models loaded in this session.'
    Description = @'
Like Get-Module for modules: returns one object per model that Import-FocusFlowModel, an edit, an evaluation or a
mask loaded into this session (loaded models are shared by every runspace, so ForEach-Object -Parallel loads show
here too). Each has its Name (the hub id it was asked for by, else its path), Path, Family, Precision, Device (Cpu or
Cuda:N: a model loaded on two GPUs is listed once per GPU), ApproxBytes (the transformer's weights in the load
precision, most of what the model holds on its device), InUse (edits running on it now) and LoadSeconds.

Import-FocusFlowModel loads a model, Remove-FocusFlowModel unloads it and Save-FocusFlowModel downloads one into the
Hugging Face cache. To inspect a model on disk (its components, parameters, dtypes and sizes) without loading it, use
Get-FocusFlowCheckpoint: given a folder, file or hub id that is not loaded, Get-FocusFlowModel writes an error that
says so.
'@
    Parameters  = @{
        Name = 'Names to list, wildcards allowed, matched against each loaded model''s Name and Path (a folder or hub id that was loaded matches too). All loaded models when left out. A plain name that matches no loaded model is an error; a pattern that matches none is not. Piped objects bind as text (a folder from Get-Item as its path, a loaded model as its Path).'
    }
    Inputs      = 'System.String'
    Outputs     = 'FocusFlow.PowerShell.Cmdlets.LoadedModel: Name, Path, Device, Precision, UsesT5, LoadSeconds, TransformerParameters, Family, ApproxBytes, InUse.'
    Examples    = @(
        @{
            Title   = 'What is loaded, and where'
            Code    = 'Get-FocusFlowModel | Format-Table Name, Family, Device, Precision, ApproxBytes, InUse'
            Remarks = 'One row per loaded model and device.'
        }
        @{
            Title   = 'Unload the SD3 models only'
            Code    = 'Get-FocusFlowModel *stable-diffusion-3* | Remove-FocusFlowModel'
            Remarks = 'Remove-FocusFlowModel takes the Path of each from the pipeline.'
        }
    )
    Links       = @('Import-FocusFlowModel', 'Remove-FocusFlowModel', 'Save-FocusFlowModel', 'Get-FocusFlowCheckpoint')
}
