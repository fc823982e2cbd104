@{
    Synopsis    = 'Loads a Stable Diffusion 3 model once for the session and makes it the default.'
    Description = @'
Finds the model (a diffusers folder, or a Hugging Face id looked up in the Hugging Face cache and
downloaded into it when missing), loads the transformer and VAE on the chosen device and precision, and
keeps them for the rest of the session. Invoke-FocusFlowEdit and Get-FocusFlowMask without -Model then
use it, with its device and precision. The text encoders load on the first prompt; prompts already seen
are not encoded again. On CUDA the text encoders rest in CPU memory and each visits the GPU only while it
encodes a new prompt (a copy, not a reload from disk), so the GPU holds the transformer and the VAE during an
edit (SD3 medium with T5 edits 1024x1024 within 16 GB); -KeepTextEncodersOnDevice keeps them on the GPU.

Without -Model it loads $env:FOCUSFLOW_MODEL, else stabilityai/stable-diffusion-3-medium-diffusers.
Importing the same model with the same options again returns the loaded one at once.
'@
    Parameters  = @{
        Model               = 'A diffusers model folder, a Hugging Face id (org/name[@revision]), or a single file as ComfyUI users keep them: an SD3/SD3.5 checkpoint in Stability''s layout (sd3_medium_incl_clips_t5xxlfp16.safetensors), a FLUX.1 transformer in Black Forest Labs'' layout (flux1-dev.safetensors) or a GGUF transformer of either family (city96''s SD3.5 and FLUX GGUFs; its weights stay quantised in memory); the file''s tensors decide its family. Tab completion offers loaded models and models in the Hugging Face cache.'
        Components          = 'For a single-file -Model (.safetensors in Stability''s or Black Forest Labs'' layout, or a .gguf transformer): the diffusers model folder or Hugging Face id of the same family that gives what the file lacks (configs, tokenizers, scheduler; the VAE and text encoders when the file has none). Without it, the family''s diffusers model is used if it is in the Hugging Face cache; nothing is downloaded unless you name it here.'
        Device              = 'Auto (the first GPU when CUDA is usable, else the CPU), Cpu, Cuda (the first GPU) or Cuda:N (the GPU of index N, as Get-FocusFlowDevice lists them). A model loaded on several GPUs is loaded once per GPU.'
        Precision           = 'Float32 (default), Float16 or BFloat16. With Float16/BFloat16 a download prefers the fp16 files.'
        NoT5                = 'Do not load (or download) the T5 encoder.'
        ReleaseTextEncoders = 'Free the text encoders after each encoding to save memory; they reload for a prompt not seen before.'
        KeepTextEncodersOnDevice = 'Keep the text encoders in GPU memory between encodings instead of resting them in CPU memory (faster new prompts, more GPU memory).'
    }
    Inputs      = 'System.String (a folder or an id).'
    Outputs     = 'FocusFlow.PowerShell.Cmdlets.LoadedModel: Name, Path, Device (Cpu or Cuda:N), Precision, UsesT5, LoadSeconds, TransformerParameters, Family, ApproxBytes, InUse.'
    Examples    = @(
        @{
            Title   = 'Load SD3 medium on the GPU in half precision'
            Code    = 'Import-FocusFlowModel stabilityai/stable-diffusion-3-medium-diffusers -Device Cuda -Precision Float16'
            Remarks = 'Downloads it into ~/.cache/huggingface/hub if diffusers has not already; later edits need no -Model.'
        }
        @{
            Title   = 'Use a GGUF transformer with the rest from the diffusers model'
            Code    = 'Import-FocusFlowModel ./sd3.5_medium-Q8_0.gguf -Components stabilityai/stable-diffusion-3.5-medium -Device Cuda -Precision BFloat16'
            Remarks = 'The transformer stays in Q8_0 (about half of bfloat16) and is dequantised layer by layer; VAE, text encoders, tokenizers and scheduler come from the diffusers model.'
        }
        @{
            Title   = 'Use a local folder without T5'
            Code    = 'Import-FocusFlowModel ./models/sd3.5-medium -NoT5'
            Remarks = 'Every following edit uses this model without the T5 encoder.'
        }
    )
    Links       = @('Remove-FocusFlowModel', 'Get-FocusFlowModel', 'Save-FocusFlowModel', 'Invoke-FocusFlowEdit')
}
