@{
    Synopsis    = 'Scores edits the way the published evaluation does: CLIP-T with the prompt and LPIPS from the source.'
    Description = @'
Measure-EditQuality gives two numbers for each edited image. CLIP-T is the cosine of CLIP's embeddings of
the edited image and the target prompt: higher means the picture follows the prompt better. LPIPS is the
perceptual distance (v0.1, AlexNet trunk) of the edited image from the source: lower means more of the
source was kept. Together they show the trade-off every editing method makes; the published FocusFlow
numbers are CLIP-T 0.296 / LPIPS 0.289 (FlowEdit 0.241 / 0.196, SDEdit 0.218 / 0.466).

LPIPS is computed at the edited image's size. When the source has another size (an edit works at a
working size, 512 on the longest side in the published evaluation) the source is first resized to the
edited image's size with a bicubic filter - the same resize Invoke-FocusFlowEdit applies to its input -
so the edit is compared with the picture it started from. CLIP-T preprocesses the edited image as
transformers' CLIPImageProcessor does (shortest side resized bicubically, centre crop, OpenAI mean and std).

-Source, -Edited and -Prompt bind by property name, so the output of Invoke-FocusFlowEdit pipes straight
in (its Output binds to -Edited, its TargetPrompt to -Prompt), as does Import-Csv of a table with Source,
Edited (or Output) and Prompt (or TargetPrompt) columns.

The CLIP model is found like the editing model: a folder, else the Hugging Face cache, else downloaded
into that cache (config.json, model.safetensors, preprocessor_config.json and the tokenizer files only).
The LPIPS trunk is torchvision's AlexNet file; the LPIPS v0.1 heads ship inside the module. Both models
are loaded once per session and reused by every later command (Remove-FocusFlowModel frees them). An
item that cannot be measured (a missing or unreadable image) is reported as an error and the next item
goes on; a model that cannot be loaded stops the command.
'@
    Parameters  = @{
        Source     = 'The source image (before the edit). Bound by property name, e.g. from Invoke-FocusFlowEdit output.'
        Edited     = 'The edited image. Bound by property name, also from a property named Output (as Invoke-FocusFlowEdit writes it).'
        Prompt     = 'The target prompt the edit aimed for, compared with the edited image by CLIP-T. Bound by property name, also from TargetPrompt.'
        ClipModel  = 'The CLIP model: a transformers CLIPModel folder, or a Hugging Face id found in the Hugging Face cache or downloaded into it. Default: openai/clip-vit-large-patch14, the model of the published numbers.'
        LpipsModel = 'The AlexNet weights of the LPIPS trunk: torchvision''s .pth, or a .safetensors with torchvision''s features.* names. Default: torchvision''s download location, $TORCH_HOME/hub/checkpoints/alexnet-owt-7be5be79.pth (TORCH_HOME defaults to ~/.cache/torch); a missing file is an error that says where it looked and where to get it.'
        LpipsHeads = 'LPIPS linear heads (.pth or .safetensors) to use instead of the embedded v0.1 AlexNet heads.'
        Device     = 'Where the metric models compute: Auto (CUDA if available, else CPU), Cpu or Cuda. They always run in float32.'
    }
    Inputs      = 'Any object with Source, Edited (or Output) and Prompt (or TargetPrompt) properties, such as FocusFlow.Core.Jobs.EditJobResult.'
    Outputs     = 'FocusFlow.Core.Metrics.EditQuality: Source, Edited, Prompt, ClipT, Lpips.'
    Notes       = 'The first use downloads openai/clip-vit-large-patch14 (about 1.7 GB of safetensors) unless it is in the Hugging Face cache; set HF_HUB_OFFLINE=1 to forbid downloads. Get the AlexNet file once with: python -c "import torchvision; torchvision.models.alexnet(weights=''DEFAULT'')", or download https://download.pytorch.org/models/alexnet-owt-7be5be79.pth.'
    Examples    = @(
        @{
            Title   = 'Edit and measure in one pipeline'
            Code    = "Invoke-FocusFlowEdit cat.png -From 'a cat sitting' -To 'a tiger sitting' -Seed 1 -OutputPath out/ | Measure-EditQuality"
            Remarks = 'The edit result binds by property name: Source, Output (as -Edited) and TargetPrompt (as -Prompt). Writes one object with ClipT and Lpips.'
        }
        @{
            Title   = 'Compare three methods on one image'
            Code    = "'FocusFlow', 'FlowEdit', 'SDEdit' | ForEach-Object { Invoke-FocusFlowEdit cat.png 'a cat' 'a tiger' -Method `$_ -Seed 7 -OutputPath out/ } | Measure-EditQuality | Format-Table Edited, ClipT, Lpips"
            Remarks = 'One line per method: the higher CLIP-T and the lower LPIPS, the better.'
        }
        @{
            Title   = 'Score images made elsewhere, from a CSV'
            Code    = 'Import-Csv pairs.csv | Measure-EditQuality -ClipModel ./clip-vit-large-patch14 -LpipsModel ./alexnet-owt-7be5be79.pth | Export-Csv scores.csv'
            Remarks = 'pairs.csv has the columns Source, Edited and Prompt. The models are read from local files; nothing is downloaded.'
        }
        @{
            Title   = 'Measure one pair directly'
            Code    = "Measure-EditQuality -Source photo.png -Edited photo.edited.png -Prompt 'a photo of a dog in the snow'"
            Remarks = 'If photo.png is 1024x1024 and the edit 512x512, LPIPS compares the edit with photo.png resized bicubically to 512x512.'
        }
    )
    Links       = @('Invoke-FocusFlowEdit', 'Invoke-FocusFlowEvaluation')
}
