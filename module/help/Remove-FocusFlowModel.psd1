@{
    Synopsis    = 'Unloads models from the session to free their memory.'
    Description = 'Disposes the weights of a loaded model (or of all loaded models) now, instead of at the end of the session. A later edit loads the model again.'
    Parameters  = @{
        Model   = 'The Path of a loaded model (as Import-FocusFlowModel shows it) or the name it was imported by. All loaded models when left out, including the CLIP and LPIPS models of Measure-EditQuality and Invoke-FocusFlowEvaluation.'
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
