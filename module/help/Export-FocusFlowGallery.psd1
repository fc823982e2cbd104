@{
    Synopsis    = 'Writes one HTML page of edits: before, mask, after and difference, with the prompts and settings.'
    Description = @'
Export-FocusFlowGallery takes the results of Invoke-FocusFlowEdit from the pipeline, or edited images (FileInfo
objects from Get-ChildItem, or paths, wildcards allowed), and writes one self-contained HTML page: per edit a line
with the source (before), the mask (its overlay, linking the mask), the edit (after) and its difference map (where
and how strongly the edit changed the picture), the source and target prompts, and the method, seed, steps, size
and model. It is the page of Invoke-FocusFlowEvaluation's gallery.html, drawn by the same renderer: nothing from
the network, images by links relative to the page's folder, so the folder can be zipped or published as it is.

For an image, the settings come from its provenance (read from one bounded chunk and validated, as
Get-FocusFlowProvenance reads it); its companions are found beside it by their names (x.mask.png,
x.overlay.png, x.difference.png), and its source is linked only where the record names an image file that is
there. A companion that is not there (no mask for FlowEdit or SDEdit, no difference map without -SaveDifference)
or a source that has moved is shown as absent, never an error. A companion given as an input is left out (it
shows on its edit's line), so a whole folder can be piped. An input that is not this module's output (a file
without its provenance, another object) is an error of its own and the others go on.

Every prompt, path and setting on the page is HTML-escaped: a prompt holding markup shows as text. The page is
written atomically (never half a page); an existing page is kept unless -Force is given. The output is the
page's FileInfo.
'@
    Parameters  = @{
        OutputPath  = 'The page to write, relative to the current location (a folder, existing or ending in /, gets gallery.html in it). Links in the page are relative to its folder.'
        InputObject = 'From the pipeline: the results of Invoke-FocusFlowEdit, or edited images as FileInfo objects or paths (wildcards allowed).'
        Force       = 'Replace an existing page.'
        WhatIf      = 'Shows the page that would be written, without writing it.'
        Confirm     = 'Asks first.'
    }
    Inputs      = 'FocusFlow.Core.Jobs.EditJobResult, System.IO.FileInfo or System.String (an edited image''s path).'
    Outputs     = 'System.IO.FileInfo: the page written.'
    Examples    = @(
        @{
            Title   = 'Edit a folder and look at the results on one page'
            Code    = "Get-ChildItem photos/*.jpg | Invoke-FocusFlowEdit -From 'a cat' -To 'a tiger' -OutputPath edited/ -SaveMask -SaveDifference | Export-FocusFlowGallery edited/gallery.html"
            Remarks = 'Each line shows the photo, the mask over it, the edit and the difference map, with the prompts and settings.'
        }
        @{
            Title   = 'A page of images edited earlier'
            Code    = 'Get-ChildItem edited/*.png | Export-FocusFlowGallery edited/ -Force'
            Remarks = 'The settings come from each image''s provenance (masks, overlays and difference maps show on their edit''s line); the page replaces edited/gallery.html.'
        }
    )
    Links       = @('Invoke-FocusFlowEdit', 'Get-FocusFlowProvenance', 'Invoke-FocusFlowEvaluation')
}
