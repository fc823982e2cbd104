using FocusFlow.Core.IO.Hub;
using FocusFlow.Core.IO.Models;

namespace FocusFlow.Core.Families;

/// <summary>
/// The files of a diffusers pipeline of any registered family: model_index.json first, then what its family's loader
/// reads (<see cref="IModelFamily.Files"/>). A repository of no known family is judged as SD3, whose layout names what
/// it lacks.
/// </summary>
public sealed class DiffusersPipelineFiles : ModelFileLayout
{
    public static DiffusersPipelineFiles Instance { get; } = new();

    DiffusersPipelineFiles() { }

    static ModelFileLayout Default => ModelFamilies.Sd3.Files;

    public override string Description => "diffusers pipeline (" + string.Join(" or ", ModelFamilies.All.Select(f => f.Name)) + ")";
    public override string ExampleId => Default.ExampleId;
    public override string FolderHint => Default.FolderHint;
    public override IReadOnlyList<string> IndexFiles => Default.IndexFiles;

    public override void CheckListing(IReadOnlyCollection<string> repoFiles, string repoId) => Default.CheckListing(repoFiles, repoId);

    public override IReadOnlyList<string> Select(IReadOnlyCollection<string> repoFiles, string snapshotFolder, HubOptions options, string repoId) =>
        LayoutOf(snapshotFolder).Select(repoFiles, snapshotFolder, options, repoId);

    public override IReadOnlyList<string> Missing(string snapshotFolder, HubOptions options) =>
        LayoutOf(snapshotFolder).Missing(snapshotFolder, options);

    public override string CheckFolder(string path) => Default.CheckFolder(path);

    /// <summary>The layout of the family the snapshot's model_index.json names; SD3's where it is absent or unreadable (SD3's reports that).</summary>
    static ModelFileLayout LayoutOf(string snapshotFolder)
    {
        try
        {
            return ModelFamilies.Of(DiffusersModelFolder.Open(snapshotFolder)).Files;
        }
        catch (ModelFolderException)
        {
            return Default;
        }
    }
}
