@{
    Synopsis    = 'Downloads a model from the Hugging Face hub into the cache and verifies every file, for CI caches and offline machines.'
    Description = @'
Fetches every file an edit with the model needs (model_index.json, the configurations, tokenizers and weights of
each component; T5 unless -NoT5; the fp16 weights for -Precision Float16 or BFloat16) into the Hugging Face cache
(HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub), in the layout huggingface_hub uses, so Python
tools share it. Files the cache already has are not downloaded again; a download that was interrupted resumes.

Then every file is checked against the hub: its size, and its digest (the sha256 of a large LFS file, the git blob
sha1 of a small one). A damaged file is downloaded again; one still damaged after that is an error naming it. A
model already cached and intact downloads nothing (the hub is asked only for the listing and each file's size
and digest).

After this, Import-FocusFlowModel, Invoke-FocusFlowEdit and the MSBuild tasks load the model from the cache with
no network, HF_HUB_OFFLINE=1 included. With HF_HUB_OFFLINE set, Save-FocusFlowModel does nothing and says so.
Gated models (SD3) need a token: HF_TOKEN or hf auth login.
'@
    Parameters  = @{
        Name      = 'The Hugging Face id, org/name, optionally @revision (a branch, tag or 40-hex commit).'
        Revision  = 'A branch, tag or commit (default main); the same as Name@revision.'
        Precision = 'The precision the model will be loaded in: Float16 and BFloat16 fetch the fp16 weights where the model has them, Float32 (default) the full ones.'
        NoT5      = 'Leave out the T5 text encoder (about 9 GB at fp16), for edits with -NoT5.'
        WhatIf    = 'Shows what would be downloaded, and downloads nothing.'
        Confirm   = 'Asks first.'
    }
    Inputs      = 'System.String'
    Outputs     = 'FocusFlow.Core.IO.Hub.SavedModel: Id, Revision, Commit, SnapshotFolder, Files, Bytes, DownloadedFiles, DownloadedBytes, Repaired (files found damaged and fetched again), Verified.'
    Examples    = @(
        @{
            Title   = 'Fill a CI cache'
            Code    = 'Save-FocusFlowModel stabilityai/stable-diffusion-3-medium-diffusers -Precision Float16 -NoT5'
            Remarks = 'Run it in a cached step (cache key: the model id and revision, path: HF_HOME); later steps edit with HF_HUB_OFFLINE=1.'
        }
        @{
            Title   = 'Pin a commit'
            Code    = 'Save-FocusFlowModel stabilityai/stable-diffusion-3-medium-diffusers -Revision 0123456789abcdef0123456789abcdef01234567'
            Remarks = 'Edits then name the model as id@commit to use exactly those files.'
        }
    )
    Links       = @('Import-FocusFlowModel', 'Get-FocusFlowCheckpoint', 'Get-FocusFlowModel')
}
