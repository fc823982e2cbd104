@{
    Synopsis    = 'Unloads models from the session to free their memory.'
    Description = @'
Disposes the weights of a loaded model (or of all loaded models) now, instead of at the end of the session. A later edit loads the model again.

Loaded models are shared by every runspace of the session (ForEach-Object -Parallel, thread jobs). An edit running on the model in another runspace holds it until that edit's command ends: Remove-FocusFlowModel waits for it (up to -TimeoutSec) and then unloads the model, or, if it is still in use then, leaves it loaded and reports a ModelInUse error. A running edit is never broken.
'@
    Parameters  = @{
        Model   = 'The Path of a loaded model (as Import-FocusFlowModel shows it) or the name it was imported by. All loaded models when left out, including the CLIP and LPIPS models of Measure-EditQuality and Invoke-FocusFlowEvaluation.'
        TimeoutSec = 'Seconds to wait for edits that run on the model in other runspaces to finish (default 30, at most 3600); 0 refuses at once if the model is in use.'
        WhatIf  = 'Shows what would be unloaded.'
        Confirm = 'Asks first.'
    }
    Outputs     = 'None.'
    Examples    = @(
        @{
            Title   = 'Free the memory of every model'
            Code    = 'Remove-FocusFlowModel'
            Remarks = 'Unloads the editing models and the metric models; the next edit or measurement loads its model again.'
        }
    )
    Links       = @('Import-FocusFlowModel')
}
