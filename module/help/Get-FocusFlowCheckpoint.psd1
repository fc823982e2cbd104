@{
    Synopsis    = 'Lists the components of a model on disk: a diffusers model folder, a single-file checkpoint or GGUF, or a hub id in the Hugging Face cache.'
    Description = @'
Reads a diffusers model folder (the folder holding model_index.json, as save_pretrained writes it and
the Hugging Face hub serves it) and returns one object per component: transformer, vae, the three text
encoders, their tokenizers and the scheduler.

For each component you get its class, the number of parameters and their dtype (read from the
safetensors headers, without loading any weights) and its size on disk. Components listed in
model_index.json but missing from the folder are shown as absent: SD3 works without text_encoder_3 (T5).

Given a single file (an SD3/SD3.5 checkpoint in Stability's layout, a FLUX checkpoint in Black Forest
Labs' layout, or a GGUF transformer), it returns the components the file holds, with the architecture
read from the tensor names and shapes (SD3 medium, SD3.5 medium or large, FLUX.1 dev or schnell) and
the bytes each holds in memory as stored (ResidentBytes; GGUF weights stay quantised).

Given a Hugging Face id (org/name, optionally @revision), it reads that model's snapshot in the Hugging Face cache
(HF_HUB_CACHE or HF_HOME); nothing is downloaded: Save-FocusFlowModel does that. Nothing is loaded either:
Get-FocusFlowCheckpoint lists the models loaded in the session.
'@
    Parameters  = @{
        Path = 'The model folder (the one holding model_index.json), a single-file .safetensors or .gguf, or a Hugging Face id in the cache. Accepts pipeline input, including the output of Get-Item and Get-ChildItem.'
    }
    Inputs      = 'System.String, System.IO.DirectoryInfo'
    Outputs     = 'One FocusFlow.Core.IO.Models.ComponentSummary per component: Name, ClassName, Library, Present, ParameterCount, DType, SizeOnDisk, WeightFiles, FolderPath; for a single file also Architecture and ResidentBytes.'
    Examples    = @(
        @{
            Title   = 'List a downloaded model'
            Code    = 'Get-FocusFlowCheckpoint -Path ~/models/stable-diffusion-3-medium-diffusers'
            Remarks = 'Shows a table of the nine components with their parameter counts, precision and size on disk.'
        }
        @{
            Title   = 'Total size of the weights'
            Code    = 'Get-FocusFlowCheckpoint ./sd3 | Measure-Object SizeOnDisk -Sum'
            Remarks = 'Adds up the size of every component folder.'
        }
        @{
            Title   = 'What a GGUF transformer is and what it takes in memory'
            Code    = 'Get-FocusFlowCheckpoint ./sd3.5_large-Q8_0.gguf | Select-Object Name, Architecture, DType, ResidentBytes'
            Remarks = 'Names the architecture (SD3.5 large) and the bytes the quantised weights hold.'
        }
        @{
            Title   = 'Check that the optional T5 encoder is there'
            Code    = "Get-FocusFlowCheckpoint ./sd3 | Where-Object Name -eq 'text_encoder_3' | Select-Object Present, ParameterCount"
            Remarks = 'SD3 runs without T5 (use -NoT5 when editing); this tells whether the folder has it.'
        }
        @{
            Title   = 'A model saved into the Hugging Face cache'
            Code    = 'Save-FocusFlowModel stabilityai/stable-diffusion-3-medium-diffusers; Get-FocusFlowCheckpoint stabilityai/stable-diffusion-3-medium-diffusers'
            Remarks = 'Reads the cached snapshot; nothing is downloaded by Get-FocusFlowCheckpoint.'
        }
    )
    Links       = @('Get-FocusFlowModel', 'Save-FocusFlowModel', 'Get-FocusFlowDevice')
}
