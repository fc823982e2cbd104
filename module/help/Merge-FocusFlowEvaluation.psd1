@{
    Synopsis    = 'Joins the slices of an evaluation run into one per-case table, summary, report and chart.'
    Description = @'
Invoke-FocusFlowEvaluation -Shard k/n runs one slice of an evaluation, so that CI matrix jobs or batch
scheduler tasks can share a long run; each slice writes cases.shard-k-of-n.csv and
settings.shard-k-of-n.json into the run folder. Once every slice's files are in one folder (copy them
there from the jobs, outputs included if you want the images together), Merge-FocusFlowEvaluation joins
them into cases.csv, summary.csv, report.md, clip-lpips.svg, gallery.html and grid/<image>.png: the
same rows, in the same order, as one undivided run writes. The gallery and the contact sheets show the
images that are in the folder (copy the slices' outputs and source/ along to see them all); a missing
image is shown as missing.

The merge refuses, with a message that names the problem, when a slice is missing, when a slice did not
finish (its CSV has fewer rows than its settings promise), when slices of different divisions (1/2 and
1/3) are mixed, or when the slices were run with different settings (methods, options, seed, size or
case list; not the device, MaxBatchRows or VAE tiling, which say how a slice ran, not what it made). Nothing is edited or measured again: the numbers are those of the slices.
'@
    Parameters  = @{
        OutputPath = 'The run folder holding every slice''s cases.shard-k-of-n.csv and settings.shard-k-of-n.json; the merged files are written there. Bound from the pipeline, also from Path and FullName.'
        WhatIf     = 'Shows what would be merged, without writing anything.'
        Confirm    = 'Asks first.'
    }
    Inputs      = 'System.String, or a folder object (its FullName).'
    Outputs     = 'One FocusFlow.Core.Evaluation.MethodSummary per method: Method, ClipT, Lpips (means over the measured cases), Measured, Ok, Reused, Failed, Seconds.'
    Examples    = @(
        @{
            Title   = 'Run an evaluation in four slices, then merge'
            Code    = "1..4 | ForEach-Object { Invoke-FocusFlowEvaluation edits.yaml run/ -Shard `"`$_/4`" }; Merge-FocusFlowEvaluation run/"
            Remarks = 'In CI each slice runs in its own job (for example a matrix over 1..4) and uploads its run folder; a last job downloads them into one folder and merges.'
        }
        @{
            Title   = 'Merge and open the report'
            Code    = 'Merge-FocusFlowEvaluation -OutputPath run/ -Verbose; Get-Content run/report.md'
            Remarks = 'The summary objects go to the pipeline; -Verbose names the files written.'
        }
    )
    Links       = @('Invoke-FocusFlowEvaluation')
}
