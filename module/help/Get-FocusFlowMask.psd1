@{
    Synopsis    = 'Shows where FocusFlow would edit an image: the automatic mask of two prompts.'
    Description = @'
Runs FocusFlow's first phase alone. The source image is noised several times at an intermediate level and
the model's velocities for the source and the target prompt are compared; where they disagree is where
the edit will happen. The disagreement is clipped to its 1st and 99th percentiles, normalised to 0..1,
optionally dilated, blurred and thresholded.

The mask is written as an 8-bit grayscale PNG at the image's working size (beside the source as
name.focusflow.mask.png by default, the name Invoke-FocusFlowEdit -SaveMask gives it; with several -To targets, one mask each, name.focusflow.<target tag>.mask.png); -Overlay also writes the source with the mask tinted red (name.focusflow.overlay.png), and
-SaveComparison writes name.comparison.png: the source and that overlay side by side, labelled with the
prompts and the coverage. The result object
tells the mask's coverage: the share of pixels in the binary mask. Use it to tune -MaskThreshold,
-MaskBlur and -MaskDilate before a long edit, or to hand-correct a mask for Invoke-FocusFlowEdit -Mask.

The mask is kept with the loaded model for the session: a later Invoke-FocusFlowEdit of the same image with
the same prompts, mask settings, steps, seed and size uses it without computing it again (and so does a
second Get-FocusFlowMask).
'@
    Parameters  = @{
        Path          = 'Image files. Wildcards are expanded. Accepts pipeline input: strings, and objects with a Path property.'
        LiteralPath   = 'Image files taken literally. Bound from FullName and PSPath of pipeline objects.'
        From          = 'The source prompt: what the image shows now.'
        To            = 'The target prompts: what should change. Several give one mask each, named name.focusflow.<target tag>.mask.png as Invoke-FocusFlowEdit -SaveMask names them.'
        Model         = 'The Stable Diffusion 3 model: a diffusers folder or a Hugging Face id (see Invoke-FocusFlowEdit).'
        OutputPath    = 'A folder for the masks (named name.focusflow.mask.png), or the .png file to write for one image. A path without an extension is a folder, created if it does not exist yet. Default: beside each source.'
        Steps         = 'Scheduler steps T, between 1 and 1000; with -MaskStrength it sets the noise level of the samples. Default: 60.'
        NegativePrompt = 'The negative prompt for guidance. Default: empty.'
        Seed          = 'Seed; the mask samples use -MaskSeed, which defaults to it. Default: random, reported in the result.'
        MaskStrength  = 'Noise level of the mask samples as a share of the schedule, greater than 0 and at most 1. Default: 0.5.'
        MaskSamples   = 'Noisy samples averaged to measure the disagreement, between 1 and 100. Default: 10.'
        MaskGuidance  = 'Guidance for both prompts while measuring the mask, a finite number of at least 0. Default: 6.'
        MaskBlur      = 'Box blur of the mask in latent pixels: an odd kernel size (1, 3, 5, ... 1023), or 0 for none (1 changes nothing either). Default: 5.'
        MaskDilate    = 'Dilation of the mask in latent pixels: an odd kernel size (1, 3, 5, ... 1023), or 0 for none (1 changes nothing either). Default: 0.'
        MaskThreshold = 'Threshold of the binary mask, between 0 and 1; Coverage counts the pixels at or above it. Default: 0.5.'
        MaskSeed      = 'Seed of the mask samples (sample k uses MaskSeed + 100k). Default: the edit''s Seed.'
        Size          = 'Working size: the longest side, or width and height; rounded to multiples of 16 (see Invoke-FocusFlowEdit).'
        VaeTiling     = 'Run the VAE encoder on overlapping tiles: less memory, slightly different numbers (see Invoke-FocusFlowEdit). Default: off.'
        VaeTileSize   = 'Tile side in pixels with -VaeTiling, a multiple of 8 from 16 to 4096. Default: the VAE''s sample_size (1024 for SD3).'
        VaeTileOverlap = 'Share of a tile blended with its neighbour with -VaeTiling, at least 0 and below 1. Default: 0.25.'
        MaxBatchRows   = 'The most transformer rows one model call takes (the mask samples share calls up to this many rows). Changes speed and memory, not the mask (to float rounding). Default: chosen from the device''s free memory (CUDA), at most 64; a bounded number on the CPU.'
        Device        = 'Auto, Cpu, Cuda or Cuda:N (the GPU of index N, as Get-FocusFlowDevice lists them).'
        Precision     = 'Float32, Float16 or BFloat16.'
        Components    = 'For a single-file -Model: the diffusers model of the same family that gives what the file lacks (see Invoke-FocusFlowEdit).'
        NoT5          = 'Leave out the T5 text encoder.'
        Overlay       = 'Also write name.overlay.png: the source with the mask tinted red.'
        SaveComparison = 'Also write name.comparison.png: source | mask overlay, labelled with the prompts and the coverage.'
        Force         = 'Overwrite existing files.'
        IncludeOutputs = 'Also take inputs that are FocusFlow outputs (edits, masks, overlays, recognised by their provenance chunk and size); they are skipped otherwise, and a warning at the end counts them.'
        RecordedSize   = 'Bound from Get-FocusFlowProvenance''s objects (hidden): the working size the replayed output was made at, used when -Size is not given, so a replay edits at the same size.'
        ProvenanceFile = 'Bound from Get-FocusFlowProvenance''s objects (hidden): the PNG replayed. Its recorded source and model are then used only under the replay''s rules (see Invoke-FocusFlowEdit).'
        WhatIf        = 'Shows what would be written, without loading the model.'
        Confirm       = 'Asks before each image.'
    }
    Inputs      = 'System.String, System.IO.FileInfo, or objects with Path, FullName or PSPath properties.'
    Outputs     = 'FocusFlow.Core.Jobs.MaskJobResult: Source, Mask, Overlay, Comparison, Coverage, SourcePrompt, TargetPrompt, Seed, MaskSeed, Width, Height, Seconds.'
    Examples    = @(
        @{
            Title   = 'Look at the mask before editing'
            Code    = "Get-FocusFlowMask cat.png -From 'a cat' -To 'a tiger' -Overlay -Seed 1"
            Remarks = 'Writes cat.focusflow.mask.png and cat.focusflow.overlay.png and returns the coverage.'
        }
        @{
            Title   = 'Find a threshold that covers about a third of the image'
            Code    = "0.3, 0.5, 0.7 | ForEach-Object { Get-FocusFlowMask cat.png 'a cat' 'a tiger' -Seed 1 -MaskThreshold `$_ -OutputPath ""mask-`$_.png"" -Force } | Select-Object Mask, Coverage"
            Remarks = 'The same seed gives the same soft mask; only the binary mask (and Coverage) changes with the threshold.'
        }
    )
    Links       = @('Invoke-FocusFlowEdit')
}
