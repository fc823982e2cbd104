@{
    Synopsis    = 'Runs the published evaluation in one command: every method on every case, measured, tabulated and drawn.'
    Description = @'
Invoke-FocusFlowEvaluation reads a case list, edits every (image, target prompt) pair with every method
(-Methods, default FocusFlow, FlowEdit and SDEdit), measures each edit with CLIP-T and LPIPS (see
Measure-EditQuality) and writes the results into the run folder -OutputPath:

- <method>/<image>/<target_code>.png: each edit, with its difference map .difference.png (where and how strongly it
changed the picture) beside it; FocusFlow also writes .mask.png and .overlay.png.

- source/<image>.png: each source at the working size, as the edits saw it (what the gallery shows).

- cases.csv: one row per edit, with the columns method, case, target, image, target_code, target_prompt,
clip_t, lpips, seconds, output, mask, source, status (ok, reused or failed) and error.

- summary.csv: one row per method, with clip_t and lpips (means over the measured edits), measured, ok,
reused, failed and seconds (the edits' total time).
Both are RFC 4180 CSVs (UTF-8, CRLF line ends, invariant-culture numbers) and keep every cell as it is: a prompt
that starts with =, +, - or @ is not altered, so a spreadsheet may read it as a formula; open report.md instead.

- report.md: the same table, the chart, the published numbers as a reference (clearly apart: they were
not measured by the run), each method's settings, and the failed cases.

- clip-lpips.svg: CLIP-T against LPIPS, with every edit, each method's mean and the published numbers.

- gallery.html: the run to look at, one self-contained page (no network; images by relative links, so
the folder can be zipped, published as a CI artifact or served as it is): the summary table, then per
case and target the source, FocusFlow's mask overlay and each method's edit with CLIP-T and LPIPS under
it beside its difference map, failures marked (the page Export-FocusFlowGallery draws for any edits). Sort by a method's CLIP-T or LPIPS and hide methods or show only failures with the
controls at the top (JavaScript); without JavaScript every image and number is still there. Click a
thumbnail for the full image.

- grid/<image>.png: a contact sheet per image, for where one picture travels better than a page (a pull
request comment, a chat): the gallery's columns, labelled, one row per target with its prompt and numbers.

- settings.json: what the run used: each method's options (written as an edit's recipe writes them, the row
  budget and VAE memory beside them), the seed, the size, the models and the device.

The case list is YAML in the published evaluation's format: a list of entries with input_img,
source_prompt, target_prompts and target_codes (one code per target prompt; codes name the output
files). A flat list of single cases with input_img, source_prompt, target_prompt and an optional
target_code (default: the entry's number) is read too, also mixed with the other form. Image paths are
relative to the YAML file; where an image is not there, the folders above it are tried, since the
published list names its images from its repository's root (data/imgs/x.png beside data/edits.yaml). A
list that cannot be read stops the command with an error naming the file, the case and the key.

Each method runs with the published settings (60 steps; FocusFlow n_max 60, n_min 15, n_avg 4,
guidance 3.5 / 21.5, 10 mask samples; FlowEdit n_max 33, guidance 3.5 / 16.5; SDEdit n_max 25, guidance
13.5) at the published working size, 512 on the longest side, with one fixed seed (0 unless -Seed), so
a run can be repeated exactly. -Steps changes the steps of every method; NMax and NMin keep their share
of the schedule (for -Steps 30, FocusFlow runs n_max 30, n_min 8). -MethodOptions changes any option of
one method by the name Invoke-FocusFlowEdit gives it: Steps, NMax, NMin, NAvg, SourceGuidance,
TargetGuidance, NegativePrompt, Seed, BlendMode, MaskStrength, MaskSamples, MaskGuidance, MaskBlur,
MaskDilate, MaskThreshold, MaskSeed, VaeTiling, VaeTileSize, VaeTileOverlap. Every option is checked before anything is
loaded.

The SD3 model, CLIP and LPIPS are each loaded once. An edit whose files are already in the run folder is
not made again unless -Force: it is measured again (status reused) and keeps the time recorded when it
was made. Only outputs made with this run's settings are reused: when settings.json or an output's own
provenance says otherwise (another -Steps, say), the run is an error before anything is written, so
settings.json and report.md always say what the outputs were made with; -Force edits them again. One run
writes into a folder at a time: it holds .focusflow-evaluation.lock locked (the OS releases it when the run
ends, however it ends), and a second run into the same folder is refused while the first runs (slices of
one run may share a folder). A target code too long to name its files (over 255 bytes with its suffixes, or
a path over 1024 bytes) fails that target alone, before any work; the others go on. A case that fails (a missing image, for instance) is recorded with its error and the run goes
on. cases.csv is rewritten after every edit, and every file is written under a temporary name and
renamed, so Ctrl+C stops cleanly within one step and leaves the finished edits recorded; the next run
reuses them. The summary, report, chart, gallery and contact sheets are written when the run finishes.

-Shard k/n runs slice k of n: the edits (every case by every method) are dealt round-robin, method by
method, so the slices never overlap, together cover the run, and each gets an even share of every method
(and so of the work: FocusFlow edits cost the most). A slice writes cases.shard-k-of-n.csv and
settings.shard-k-of-n.json only; Merge-FocusFlowEvaluation joins the slices. The command writes one
summary object per method (of the slice, for a slice run).
'@
    Parameters  = @{
        Cases         = 'The YAML case list (see the description for its format). Bound by property name, also from Path and FullName.'
        OutputPath    = 'The run folder: edits under <method>/<image>/, sources under source/, contact sheets under grid/, and cases.csv, summary.csv, report.md, clip-lpips.svg, gallery.html and settings.json at its top. Created if needed.'
        Methods       = 'The methods to run and the order of the tables. Default: FocusFlow, FlowEdit, SDEdit.'
        Model         = 'The Stable Diffusion 3 model: a diffusers folder or a Hugging Face id, or a single-file checkpoint / GGUF transformer (with -Components). Default: the model of Import-FocusFlowModel, else $env:FOCUSFLOW_MODEL, else stabilityai/stable-diffusion-3-medium-diffusers (the published numbers'' model).'
        Components    = 'For a single-file -Model (.safetensors in Stability''s layout, or a .gguf transformer): the diffusers model folder or Hugging Face id of the same family that gives what the file lacks (see Invoke-FocusFlowEdit).'
        ClipModel     = 'The CLIP model for CLIP-T: a transformers CLIPModel folder or a Hugging Face id (found in the Hugging Face cache or downloaded into it). Default: openai/clip-vit-large-patch14.'
        LpipsModel    = 'The AlexNet weights of the LPIPS trunk (.pth, or .safetensors with torchvision''s features.* names). Default: $TORCH_HOME/hub/checkpoints/alexnet-owt-7be5be79.pth (TORCH_HOME defaults to ~/.cache/torch).'
        LpipsHeads    = 'LPIPS linear heads (.pth or .safetensors) instead of the embedded v0.1 AlexNet heads.'
        Steps         = 'Scheduler steps of every method (default: the published 60). NMax and NMin not set by -MethodOptions keep their share of the schedule.'
        Seed          = 'The seed of every edit (default 0), recorded in settings.json and the report. The same seed, cases and settings give the same run.'
        Size          = 'Working size: one number for the longest side, or width and height; rounded to multiples of 16. Default 512, as published.'
        MethodOptions = 'Per-method options, as a hashtable of hashtables: @{ FocusFlow = @{ NMax = 50; MaskSamples = 4 }; SDEdit = @{ NMax = 20 } }. Option names are those of Invoke-FocusFlowEdit; an unknown method or option is an error.'
        VaeTiling     = 'Run the VAE on overlapping tiles in every edit (see Invoke-FocusFlowEdit): less memory, slightly different numbers. Default: off.'
        VaeTileSize   = 'Tile side in pixels with -VaeTiling (see Invoke-FocusFlowEdit). Default: the VAE''s sample_size (1024 for SD3).'
        VaeTileOverlap = 'Share of a tile blended with its neighbour with -VaeTiling. Default: 0.25.'
        Shard         = 'Run one slice only, k/n (k from 1 to n), e.g. 2/4. Slices do not overlap and together cover the run; merge them with Merge-FocusFlowEvaluation.'
        Device        = 'Where the models compute: Auto (CUDA if available, else CPU), Cpu or Cuda.'
        Precision     = 'Float32 (default), Float16 or BFloat16 for the SD3 transformer and text encoders. The metrics always run in float32.'
        NoT5          = 'Leave out the T5 text encoder of SD3: less memory, weaker prompt following (not the published setting).'
        Force         = 'Edit again even where the outputs exist (they are otherwise reused and only measured again, when they were made with these settings, whatever the device, MaxBatchRows or VAE tiling; outputs of other settings are an error without -Force).'
        WhatIf        = 'Reads and checks the case list and the options and tells how many edits would run, without loading a model or writing anything.'
        Confirm       = 'Asks before the run.'
    }
    Inputs      = 'System.String, or an object with a Path or FullName property (the case list).'
    Outputs     = 'One FocusFlow.Core.Evaluation.MethodSummary per method: Method, ClipT, Lpips (means over the measured edits), Measured, Ok, Reused, Failed, Seconds.'
    Notes       = 'A full run of the published list (24 targets x 3 methods at 60 steps, 512x512) takes a few minutes on a recent GPU and many hours on a CPU; -Shard spreads it over machines. The published numbers come from SD3 medium and 40 cases; other models or case lists are not expected to reproduce them exactly.'
    Examples    = @(
        @{
            Title   = 'The published evaluation'
            Code    = 'Invoke-FocusFlowEvaluation -Cases data/edits.yaml -OutputPath run/ -Device Cuda -Precision Float16'
            Remarks = 'Runs FocusFlow, FlowEdit and SDEdit on every case with the published settings and writes run/cases.csv, run/summary.csv, run/report.md, run/clip-lpips.svg, run/gallery.html (open it in a browser) and run/grid/. Run it again to finish an interrupted run: finished edits are reused.'
        }
        @{
            Title   = 'A quick look with fewer steps and two methods'
            Code    = "Invoke-FocusFlowEvaluation edits.yaml quick/ -Methods FocusFlow, SDEdit -Steps 20 -MethodOptions @{ FocusFlow = @{ MaskSamples = 4; NAvg = 2 } } | Format-Table"
            Remarks = 'FocusFlow runs n_max 20 and n_min 5 of 20 steps with 4 mask samples and 2 noise averages; the table lists each method''s mean CLIP-T and LPIPS.'
        }
        @{
            Title   = 'Share a run between CI jobs'
            Code    = "Invoke-FocusFlowEvaluation edits.yaml run/ -Shard `"`$env:SLICE/4`"   # in each of four jobs`nMerge-FocusFlowEvaluation run/                                  # after collecting their run folders"
            Remarks = 'Each job writes run/cases.shard-k-of-4.csv; the merge writes the same cases.csv, summary, report and chart as one undivided run.'
        }
        @{
            Title   = 'Check a case list without running it'
            Code    = 'Invoke-FocusFlowEvaluation my-cases.yaml run/ -WhatIf'
            Remarks = 'Reads the list and checks every option, then says how many edits the run would make; a bad list is an error naming the case and the key.'
        }
        @{
            Title   = 'Look at the worst cases'
            Code    = 'Import-Csv run/cases.csv | Where-Object status -ne failed | Sort-Object { [double]$_.clip_t } | Select-Object -First 5 method, image, target_code, clip_t, lpips, output'
            Remarks = 'cases.csv uses the invariant culture, so the numbers convert the same everywhere.'
        }
    )
    Links       = @('Merge-FocusFlowEvaluation', 'Measure-EditQuality', 'Invoke-FocusFlowEdit')
}
