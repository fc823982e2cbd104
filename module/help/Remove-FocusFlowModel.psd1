@{
    Synopsis    = 'Unloads models from the session to free their memory.'
    Description = 'Disposes the weights of a loaded model (or of all loaded models) now, instead of at the end of the session. A later edit loads the model again.'
    Parameters  = @{
        Model   = 'The Path of a loaded model (as Import-FocusFlowModel shows it) or the name it was imported by. All loaded models when left out.'
        WhatIf  = 'Shows what would be unloaded.'
        Confirm = 'Asks first.'
    }
    Outputs     = 'None.'
    Examples    = @(
        @{
            Title   = 'Free the memory of every model'
            Code    = 'Remove-FocusFlowModel'
            Remarks = 'The next edit loads its model again.'
        }
    )
    Links       = @('Import-FocusFlowModel')
}
