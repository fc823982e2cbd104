using FocusFlow.Core.Editing;
using FocusFlow.Core.Families;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.Jobs;
using FocusFlow.Core.Sessions;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Recipes;

/// <summary>
/// What decides an edit's pixels, as one record: the prompts, the options (method, negative prompt, seed, steps,
/// guidance, mask options) without the execution choices (<see cref="ExecutionOptions"/>), the model's identity
/// (<see cref="ModelIdentity"/>), the working size asked for and the precision. Written one way, by
/// <see cref="RecipeJson"/>. The source image is the input the recipe is applied to, not part of it.
/// </summary>
public sealed record EditRecipe
{
    public required string SourcePrompt { get; init; }
    public required string TargetPrompt { get; init; }
    /// <summary>Every option that decides the pixels (<see cref="EditOptions.WithoutExecution"/>).</summary>
    public required EditOptions Options { get; init; }
    /// <summary>The model, named by <see cref="ModelIdentity"/>.</summary>
    public required string Model { get; init; }
    /// <summary>The components a single-file model was completed with (<see cref="ModelIdentity"/>); null for a folder model.</summary>
    public string? Components { get; init; }
    /// <summary>The working size asked for; null: the image's own (capped).</summary>
    public IReadOnlyList<int>? Size { get; init; }
    public Precision Precision { get; init; }
    public bool UseT5 { get; init; } = true;

    /// <summary>The recipe of <paramref name="request"/> with <paramref name="options"/> on a model named <paramref name="model"/>, loaded as <paramref name="load"/> says.</summary>
    public static EditRecipe Of(ImageJobRequest request, EditOptions options, string model, ModelLoadOptions load, string? components = null) => new()
    {
        SourcePrompt = request.SourcePrompt, TargetPrompt = request.TargetPrompt, Options = options.WithoutExecution(),
        Model = model, Components = components, Size = request.Size, Precision = load.Precision, UseT5 = load.UseT5,
    };

    /// <summary>The recipe of <paramref name="request"/> on a loaded model.</summary>
    public static EditRecipe For(ImageJobRequest request, EditOptions options, IEditModel model) =>
        Of(request, options, ModelIdentity.OfFolder(model.SourcePath).Model, model.Options,
            model.Options.Components is { } c ? ModelIdentity.OfFolder(c).Model : null);

    /// <summary>This recipe as <see cref="RecipeJson"/> writes it.</summary>
    public string ToJson() => RecipeJson.Serialize(this);
}
