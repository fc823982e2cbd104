@{
    Synopsis    = 'Reads how an edit, mask or overlay was made from its PNG, as an object that repeats it when piped to Invoke-FocusFlowEdit.'
    Description = @'
Every PNG FocusFlow writes carries its provenance in a PNG text chunk (keyword focusflow, JSON): the
method, the prompts and negative prompt, the seed, the steps and every option the edit ran with, the
user's mask image if any, the working size asked for, the model (a Hugging Face id with its commit, or a
folder) and how it was loaded, the source image and the module version: the edit's recipe, with how it
ran (row budget, VAE memory) beside it. Get-FocusFlowProvenance reads that chunk (not the pixels) and
returns one object per file; chunks written by earlier versions are read too.

The object's properties carry Invoke-FocusFlowEdit's parameter names (Path: the source image, with any
wildcard characters escaped; From,
To, Method, Seed, Steps, NMax, NMin, NAvg, SourceGuidance, TargetGuidance, NegativePrompt, BlendMode, the
Mask* and Vae* options, Mask, Model, Precision, NoT5), so piping it to Invoke-FocusFlowEdit binds them
all and makes the same edit: the same pixels. Values that were not set are left out. Size (the -Size the
edit was given, if any) is also carried as RecordedSize, which binds to the edit (Size itself is not bound
from pipeline objects), so the replay edits at the recorded size; OutputSize, Composite and Quality bind as well. The
provenance is read from PNG, JPEG and WebP outputs alike. It also has Kind
(Edit, Mask, Overlay or Comparison), Source (the source image as written), File and ProvenanceFile (the PNG
read), Revision, ModelDevice and ModuleVersion.

A file without the chunk (not written by FocusFlow, or re-saved by a tool that drops text chunks) is an
error for that file, and the next one goes on. The chunk is read as untrusted data: only that chunk is
read (no other chunk of the file is inflated), at most 256 KiB of it, and every value goes through the
same validation as a typed parameter; a damaged, oversized or invalid chunk (an unknown Kind, -Steps
beyond its range) is an error naming the file.

Piped to Invoke-FocusFlowEdit, the object is a replay's data, not its instructions (ProvenanceFile tells
Invoke-FocusFlowEdit which PNG it came from). The replay writes only into the -OutputPath you give or,
without one, the current location: never beside a recorded source elsewhere. It reads a recorded source
or mask only when that is an image file by its name (.png, .jpg, ...); a relative one is taken in the
PNG's own folder and may not lead out of it ('..'). It uses the recorded model only when it is on this
machine already (a folder, or complete in the Hugging Face cache): a replay downloads nothing, and a model
that is not here is an error asking for -Model. Anything you give on the command line wins over the
recorded value.
'@
    Parameters  = @{
        Path        = 'PNG files written by FocusFlow. Wildcards are expanded.'
        LiteralPath = 'PNG files, taken literally. Bound from the FullName and PSPath properties of Get-ChildItem output, and from the Output property of Invoke-FocusFlowEdit''s results.'
    }
    Outputs     = 'FocusFlow.Provenance objects (PSObject): Path, From, To, Method, the edit options, Mask, Size (also as RecordedSize, which binds to the edit), OutputSize, Composite (when not None), Quality, Model, Precision, NoT5 (when set), Kind, Source, File, ProvenanceFile, Revision, ModelDevice, ModuleVersion.'
    Examples    = @(
        @{
            Title   = 'What made this picture?'
            Code    = 'Get-FocusFlowProvenance out/cat.focusflow.png | Format-List'
            Remarks = 'Shows the prompts, seed, steps, every option and the model.'
        }
        @{
            Title   = 'Repeat a folder of edits exactly'
            Code    = 'Get-ChildItem out/*.focusflow.png | Get-FocusFlowProvenance | Invoke-FocusFlowEdit -OutputPath again/'
            Remarks = 'Each edit is made again from its source with its recorded settings, into again/ (without -OutputPath: the current location); parameters given on the command line win over the recorded ones. A recorded model that is not on this machine is an error: add -Model to name one.'
        }
        @{
            Title   = 'Try another target prompt with everything else the same'
            Code    = 'Get-FocusFlowProvenance out/cat.focusflow.png | Invoke-FocusFlowEdit -To "a lion" -OutputPath lion/'
            Remarks = 'The recorded seed, steps and options are kept; only the target prompt changes.'
        }
    )
    Links       = @('Invoke-FocusFlowEdit')
}
