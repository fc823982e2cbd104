@{
    Synopsis    = 'Edits images from a source and a target prompt: only what the prompts disagree about changes.'
    Description = @'
Invoke-FocusFlowEdit turns each input image into an edited PNG. You describe the image as it is (-From,
"a cat sitting") and as you want it (-To, "a tiger sitting"). With the default method, FocusFlow, the
command first finds where the two prompts disagree (an automatic mask, at latent resolution), then runs
FlowEdit's inversion-free ODE with the source and target velocities blended by that mask: the masked
region changes, the rest stays where it was. FlowEdit (no mask) and SDEdit (noise, then sample with the
target prompt) are available as baselines with -Method.

-To takes several target prompts ('a tiger', 'a lion', 'a leopard'): the targets of an image are edited
together, in one run that shares what they have in common (the source rows of every step, one noise
stream, the mask samples' source and negative rows), and each target's result is the one it would get
alone. Each target gets its own result object and file: with one target the file is name.method.png as
always; with several, the target's tag comes before .png - the prompt's words in lower-case ASCII letters
and digits joined by '-', at most 40 characters (name.focusflow.a-tiger.png), or t1, t2, ... by position
where that is empty or shared by two targets. Each result reports ModelCalls and ModelRows (transformer
input rows) of the whole group and its GroupSize. A FocusFlow mask made earlier in the session for the same
image, model, prompts, mask settings, seed and size (by Get-FocusFlowMask or an edit) is reused instead of
computed again; -Mask still replaces it.

Images come from -Path (wildcards), -LiteralPath, or the pipeline: file objects from Get-ChildItem,
strings, and any object with a Path, FullName or PSPath property. The prompts and the per-edit options
(From, To, Method, Seed, Steps, NMax, NMin, NAvg, SourceGuidance, TargetGuidance, NegativePrompt,
BlendMode, Mask*, OutputPath) also bind from properties of the same name, so a CSV of cases, one row
per edit with its own settings, can drive a run (Import-Csv cases.csv | Invoke-FocusFlowEdit). Any common format is read (PNG, JPEG, WebP, BMP, GIF,
TIFF), EXIF orientation is honoured and transparency is flattened onto white.

Images are edited at a working size whose sides are multiples of 16: their own size, scaled down to
1024 on the longest side if larger, each side rounded to the nearest multiple of 16; -Size sets the
longest side (one number) or width and height (two numbers). The result comes back at the source's own
size, orientation and format (PNG, JPEG or WebP; other formats give a PNG) with its EXIF and ICC profile:
with a mask (FocusFlow's or -Mask) the upscaled edit is composited onto the source's pixels through the
mask upscaled from latent resolution, so every pixel where that mask is 0 is the source's, bit for bit;
FlowEdit and SDEdit give the whole picture upscaled (Lanczos), or with -Composite ChangeMap only what they
changed: the rest is the source's pixels, bit for bit. -OutputSize Working writes the edit at the
working size instead; -Format and -Quality pick the format and JPEG/WebP quality. It is written by default
beside the source as name.method.png (.jpg, .webp), or into the folder or at the .png, .jpg or .webp path
given by -OutputPath. -SaveMask adds x.mask.png (the mask, 8-bit grayscale, at the output's size) and x.overlay.png (the
source with the mask tinted red); -SaveLatents adds x.latents.safetensors (float32 x_src, out, and for
FocusFlow mask_soft and mask_bin); -SaveComparison adds x.comparison.png: source | mask overlay | edit
side by side at the working size, labelled with the prompts (source | edit for FlowEdit and SDEdit, which
have no mask). The labels use a small bitmap font that ships with the module (printable ASCII; other
characters show as a box), so no system font is needed.

The model is loaded once per session (see Import-FocusFlowModel) and reused by every item. Existing
files are never overwritten without -Force; the outputs of one item are written under temporary names and
renamed together, so an interrupted run (Ctrl+C stops within one step) or a failed item (a full disk)
leaves no half-written file and none of that item's outputs. An item that fails (a
missing or damaged image, an impossible value) is reported as an error and the next item goes on.

Unset options take the published evaluation's values for the method. Every method: Steps 60, NegativePrompt
empty, VaeTiling off, VaeTileOverlap 0.25; FocusFlow: NMax 60, NMin 15, NAvg 4, SourceGuidance 3.5,
TargetGuidance 21.5, BlendMode Delta, MaskStrength 0.5, MaskSamples 10, MaskGuidance 6, MaskBlur 5,
MaskDilate 0, MaskThreshold 0.5; FlowEdit: NMax 33, NMin 0, NAvg 4, SourceGuidance 3.5, TargetGuidance 16.5;
SDEdit: NMax 25, TargetGuidance 13.5. On a FLUX.1 model (its guidance is a model input, so a NegativePrompt
is refused): Every method: Steps 28, NegativePrompt empty, VaeTiling off, VaeTileOverlap 0.25; FocusFlow:
NMax 24, NMin 0, NAvg 1, SourceGuidance 1.5, TargetGuidance 5.5, BlendMode Delta, MaskStrength 0.5,
MaskSamples 10, MaskGuidance 3.5, MaskBlur 5, MaskDilate 0, MaskThreshold 0.5; FlowEdit: NMax 24, NMin 0,
NAvg 1, SourceGuidance 1.5, TargetGuidance 5.5; SDEdit: NMax 12, TargetGuidance 3.5. With another -Steps, an
NMax or NMin you do not give keeps its share of the schedule; a value you give is used as given; an NMin you
do not give never exceeds NMax (-Steps 30 -NMax 5 runs with NMin 5). -VaeTiling runs the VAE on tiles (less
memory, slightly different numbers); by default it runs on the whole image, as diffusers does, unless the
image cannot fit in the device's free memory, which a warning then says. Without -Seed a random seed is
chosen and reported in the result, so any edit can be repeated exactly.

Every PNG written (the edit, and the mask and overlay of -SaveMask) carries its provenance in a PNG text
chunk (keyword focusflow): the method, prompts, seed, steps and every option, the model (Hugging Face id
and commit, or folder), the source image and the module version. Get-FocusFlowProvenance reads it back as
an object that binds to this command, so Get-ChildItem out/*.png | Get-FocusFlowProvenance |
Invoke-FocusFlowEdit -OutputPath again/ repeats those edits exactly. A replay takes the chunk as data, not
instructions (a PNG may come from anywhere): it writes only into -OutputPath or, without it, the current
location, never beside a recorded source; it reads a recorded source or mask only when it is an image file
by its name (a relative one only inside the PNG's own folder, never through '..'); it uses the recorded
model only when it is here already (a folder, or complete in the Hugging Face cache) and downloads nothing,
else it is an error asking for -Model; every recorded value is checked as if typed. Parameters you give win
over the recorded ones. The chunk also makes reruns safe: inputs that are this module's own outputs
(recognised by that chunk and their size, whatever their names) are skipped, and a warning at the end
counts them, so running the same command twice in one folder does not edit the first run's edits, masks
and overlays; -IncludeOutputs takes them anyway.
'@
    Parameters  = @{
        Path           = 'Image files to edit. Wildcards are expanded. Accepts pipeline input: strings, and objects with a Path property.'
        LiteralPath    = 'Image files to edit, taken literally (no wildcards). Bound from the FullName and PSPath properties of pipeline objects such as Get-ChildItem output.'
        From           = 'The source prompt: what the image shows now, e.g. "a cat sitting on a sofa".'
        To             = 'The target prompt(s): what it should show, e.g. "a tiger sitting on a sofa". Only what differs from -From is meant to change. Several prompts are edited together, one result and file each (name.method.<tag>.png).'
        Method         = 'FocusFlow (automatic mask + masked velocity blending, the default), FlowEdit (no mask) or SDEdit (noise and resample with the target prompt).'
        Model          = 'The Stable Diffusion 3 / 3.5 model: a diffusers folder, or a Hugging Face id (org/name[@revision]) found in the Hugging Face cache or downloaded into it, or a single-file checkpoint / GGUF transformer (see Import-FocusFlowModel and -Components). Default: the model of Import-FocusFlowModel, else $env:FOCUSFLOW_MODEL, else stabilityai/stable-diffusion-3-medium-diffusers.'
        OutputPath     = 'A folder for the results (they are named name.method.png, or name.method.<tag>.png for several targets), or the .png file to write when editing one image (x.png, or x.<tag>.png per target). A path without an extension is a folder, created if it does not exist yet. Default: beside each source.'
        Steps          = 'Scheduler steps T, between 1 and 1000 (SD3''s training timesteps). NMax and NMin not given keep their share of the schedule. Default: 60.'
        NMax           = 'How many steps from the noisy end take part, between 0 and Steps. FlowEdit/FocusFlow: 0 <= NMin <= NMax <= Steps; SDEdit: the edit strength. Default: 60 (FocusFlow), 33 (FlowEdit), 25 (SDEdit).'
        NMin           = 'The last steps run as plain sampling with the target prompt (FlowEdit/FocusFlow), between 0 and NMax; when not given, never more than NMax. Default: 15 (FocusFlow), 0 (FlowEdit).'
        NAvg           = 'Noise samples averaged per ODE step (FlowEdit/FocusFlow), between 1 and 64; more is smoother and slower. Default: 4.'
        SourceGuidance = 'Classifier-free guidance of the source prompt (FlowEdit/FocusFlow), a finite number of at least 0. Default: 3.5.'
        TargetGuidance = 'Classifier-free guidance of the target prompt, a finite number of at least 0. Default: 21.5 (FocusFlow), 16.5 (FlowEdit), 13.5 (SDEdit).'
        NegativePrompt = 'The negative prompt for both guidance rows. Default: empty.'
        Seed           = 'Seed of the edit''s noise. The same seed, image, prompts and options give the same result on any device. Default: random, reported in the result.'
        MaskStrength   = 'Noise level of the mask samples as a share of the schedule, greater than 0 and at most 1. Default: 0.5.'
        MaskSamples    = 'Noisy samples averaged to measure the disagreement, between 1 and 100. Default: 10.'
        MaskGuidance   = 'Guidance for both prompts while measuring the mask, a finite number of at least 0. Default: 6.'
        MaskBlur       = 'Box blur of the mask in latent pixels: an odd kernel size (1, 3, 5, ... 1023), or 0 for none (1 changes nothing either). Default: 5.'
        MaskDilate     = 'Dilation of the mask in latent pixels: an odd kernel size (1, 3, 5, ... 1023), or 0 for none (1 changes nothing either). Default: 0.'
        MaskThreshold  = 'Soft mask values at or above this are in the binary mask, between 0 and 1. Default: 0.5.'
        MaskSeed       = 'Seed of the mask samples (sample k uses MaskSeed + 100k). Default: the edit''s Seed.'
        BlendMode      = 'How FocusFlow integrates the blend: Delta (M * (V_tar - V_src), nothing moves outside the mask) or Raw (the blend itself, as the published reference implementation does). Default: Delta.'
        Mask           = 'A mask image to use instead of the automatic mask (FocusFlow only): white = edit, black = keep; resized bilinearly to latent resolution.'
        Size           = 'Working size: one number for the longest side (aspect kept) or two for width and height; rounded to multiples of 16. Default: the image''s size, at most 1024 on the longest side. At most 4096 a side.'
        VaeTiling      = 'Run the VAE on overlapping tiles: less memory, slightly different numbers from diffusers'' whole-image pass. Without it the whole image is encoded and decoded at once, unless it cannot fit in the device''s free memory (then it is tiled with a warning). Default: off.'
        VaeTileSize    = 'Tile side in pixels with -VaeTiling, a multiple of 8 from 16 to 4096. Default: the VAE''s sample_size (1024 for SD3).'
        VaeTileOverlap = 'Share of a tile blended with its neighbour with -VaeTiling, at least 0 and below 1. Default: 0.25.'
        MaxBatchRows   = 'The most transformer rows one model call takes (between 1 and 1024): the averages of a step and the targets of a group share calls up to this many rows. Changes speed and memory, not the result (to float rounding). Default: chosen from the device''s free memory (CUDA), at most 64; a bounded number on the CPU.'
        Device         = 'Auto (the first GPU if this build and machine have CUDA, else CPU), Cpu, Cuda (the first GPU) or Cuda:N (the GPU of index N, as Get-FocusFlowDevice lists them).'
        Precision      = 'Float32 (default), Float16 or BFloat16 for the transformer and text encoders; the VAE always runs in Float32.'
        Components     = 'For a single-file -Model (.safetensors in Stability''s or Black Forest Labs'' layout, or a .gguf transformer): the diffusers model folder or Hugging Face id of the same family that gives what the file lacks (configs, tokenizers, scheduler; the VAE and text encoders when the file has none). Without it, the family''s diffusers model is used if it is in the Hugging Face cache; nothing is downloaded unless you name it here.'
        NoT5           = 'Leave out the T5 text encoder (its part of the prompt embedding is zeros): far less memory, weaker prompt following.'
        SaveMask       = 'Also write x.mask.png and x.overlay.png beside the output (FocusFlow).'
        SaveLatents    = 'Also write x.latents.safetensors beside the output: float32 x_src and out, and for FocusFlow mask_soft and mask_bin.'
        SaveComparison = 'Also write x.comparison.png beside the output: source | mask overlay | edit, labelled with the prompts (source | edit without a mask).'
        OutputSize     = 'Source (default): the output at the source''s own size, orientation and format, composited through the mask where there is one. Working: the edit at the size it was computed at.'
        Composite      = 'None (default) or ChangeMap: at the source''s size, FlowEdit and SDEdit composited onto the source through the change map (latent cells whose mean largest channel change reaches 0.1, dilated one cell and feathered like the mask, upscaled the same way), so what the edit left alone is the source bit for bit. FocusFlow and -Mask always composite through the mask.'
        Format         = 'Png, Jpeg or Webp. Default: the -OutputPath file''s extension, else the source''s own format (a BMP, GIF or TIFF source gives a PNG).'
        Quality        = 'JPEG and WebP quality, 1 to 100. Default: 95.'
        SaveDifference = 'Also write x.difference.png beside the output (every method): a heat map of where and how strongly the edit changed the picture, black unchanged to white a channel moved by 255; with -SaveComparison it is the sheet''s last panel.'
        Force          = 'Overwrite existing output files.'
        SkipExisting   = 'Skip a target whose output files exist and whose edited image carries the provenance of this very edit (source, prompts, every option, size, mask, output size, compositing; any seed when -Seed is not given; whatever -MaxBatchRows and the -Vae* tiling options, which say how an edit runs, not what it makes): rerun a batch after an interruption and only the missing edits are made. An output made otherwise still stops its target unless -Force. A batch ends with one line: edited, skipped, failed.'
        IncludeOutputs = 'Also edit inputs that are FocusFlow outputs (edits, masks, overlays, recognised by their provenance chunk and size); they are skipped otherwise, and a warning at the end counts them.'
        RecordedSize   = 'Bound from Get-FocusFlowProvenance''s objects (hidden): the working size the replayed output was made at, used when -Size is not given, so a replay edits at the same size.'
        ProvenanceFile = 'Bound from Get-FocusFlowProvenance''s objects (hidden): the PNG replayed. Its recorded source, mask and model are then used only under the replay''s rules (see the description).'
        WhatIf         = 'Shows what would be edited and written, without loading the model or writing anything.'
        Confirm        = 'Asks before each image.'
    }
    Inputs      = 'System.String, System.IO.FileInfo, or any object with Path, FullName or PSPath (and optionally From, To, Seed, Method) properties.'
    Outputs     = 'FocusFlow.Core.Jobs.EditJobResult: Source, Output, Mask, Overlay, Latents, Comparison, Method, SourcePrompt, TargetPrompt (also as Prompt), NegativePrompt, Seed, Width, Height, MaskCoverage, Seconds, ModelCalls, Model, Device, ModelRows, GroupSize (ModelCalls and ModelRows are the whole group''s when several targets were edited together), PeakDeviceMemoryMB (CUDA: the most device memory in use during the edit), Options: every option the edit ran with (the chosen seed included), and Companions: every companion file written, by kind (Mask, Overlay, Latents, Comparison, Difference). It pipes into Measure-EditQuality, Export-FocusFlowGallery and Export-Csv.'
    Notes       = 'Full-size SD3 medium needs about 8 GB of memory in float16 (more with T5 in float32); use -Precision Float16 on a GPU, -NoT5 to save memory. Get-FocusFlowDevice shows what this build can use.'
    Examples    = @(
        @{
            Title   = 'Turn the cat into a tiger in every PNG of a folder'
            Code    = 'Get-ChildItem *.png | Invoke-FocusFlowEdit -From cat -To tiger'
            Remarks = 'Writes name.focusflow.png beside each image, using the session''s model (downloaded into the Hugging Face cache the first time).'
        }
        @{
            Title   = 'Keep the mask and repeat an edit exactly'
            Code    = "Invoke-FocusFlowEdit -Path cat.png -From 'a cat sitting' -To 'a tiger sitting' -Seed 42 -SaveMask -OutputPath out/"
            Remarks = 'Writes out/cat.focusflow.png, out/cat.focusflow.mask.png and out/cat.focusflow.overlay.png. The same seed gives the same picture again.'
        }
        @{
            Title   = 'One picture to show the edit'
            Code    = "Invoke-FocusFlowEdit cat.png 'a cat sitting' 'a tiger sitting' -SaveComparison"
            Remarks = 'Writes cat.focusflow.png and cat.focusflow.comparison.png: the source, where FocusFlow edited (the mask over the source) and the edit, side by side with the prompts above.'
        }
        @{
            Title   = 'Compare the three methods on one image'
            Code    = "'FocusFlow', 'FlowEdit', 'SDEdit' | ForEach-Object { Invoke-FocusFlowEdit cat.png 'a cat' 'a lego cat' -Method `$_ -Seed 7 -OutputPath out/ }"
            Remarks = 'One output per method (cat.focusflow.png, cat.flowedit.png, cat.sdedit.png), all from the same noise.'
        }
        @{
            Title   = 'Several targets of one photo in one run'
            Code    = "Invoke-FocusFlowEdit cat.png 'a cat sitting' 'a tiger sitting', 'a lion sitting', 'a leopard sitting' -OutputPath out/"
            Remarks = 'Writes out/cat.focusflow.a-tiger-sitting.png, out/cat.focusflow.a-lion-sitting.png and out/cat.focusflow.a-leopard-sitting.png: three results, each what its target gives alone, for about 60 % of the model rows of three separate edits.'
        }
        @{
            Title   = 'Drive a batch from a CSV and measure it'
            Code    = 'Import-Csv cases.csv | Invoke-FocusFlowEdit -OutputPath out/ | Measure-EditQuality | Export-Csv scores.csv'
            Remarks = 'cases.csv has the columns Path, From and To (and optionally Seed, Method). Each result binds to Measure-EditQuality by property name.'
        }
        @{
            Title   = 'See what would happen'
            Code    = 'Get-ChildItem photos/*.jpg | Invoke-FocusFlowEdit -From dog -To wolf -WhatIf'
            Remarks = 'Lists each edit and the file it would write; loads no model and writes nothing.'
        }
        @{
            Title   = 'Use your own mask on a GPU in half precision'
            Code    = 'Invoke-FocusFlowEdit room.jpg -From "a red sofa" -To "a green sofa" -Mask sofa-mask.png -Device Cuda -Precision Float16'
            Remarks = 'The white area of sofa-mask.png is edited; the rest is kept.'
        }
        @{
            Title   = 'Edit a large image with less memory'
            Code    = 'Invoke-FocusFlowEdit poster.png -From "a cat" -To "a tiger" -Size 2048 -VaeTiling -VaeTileSize 512'
            Remarks = 'The VAE runs on 512-pixel tiles blended at their seams: far less memory, slightly different numbers from the default whole-image pass.'
        }
        @{
            Title   = 'Repeat the edits of a folder exactly'
            Code    = 'Get-ChildItem out/*.focusflow.png | Get-FocusFlowProvenance | Invoke-FocusFlowEdit -OutputPath again/'
            Remarks = 'Each edit is made again from its source image with the settings, seed and model recorded in it: the same pixels.'
        }
        @{
            Title   = 'Fewer steps, with a chosen NMax'
            Code    = 'Invoke-FocusFlowEdit cat.png "a cat" "a tiger" -Steps 30 -NMax 5'
            Remarks = 'NMax 5 is used as given; NMin, not given, scales to 8 of 30 and is capped at NMax, so the edit runs with NMin 5. The same values give the same edit in the MSBuild task and the evaluation.'
        }
    )
    Links       = @('Get-FocusFlowMask', 'Get-FocusFlowProvenance', 'Import-FocusFlowModel', 'Measure-EditQuality')
}
