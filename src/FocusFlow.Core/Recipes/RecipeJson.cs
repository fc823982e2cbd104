using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FocusFlow.Core.Editing;

namespace FocusFlow.Core.Recipes;

/// <summary>
/// The one way a recipe is written: System.Text.Json with the records' own property names, enums as names, absent
/// values left out, derived values (MaskSeed) not written, and the execution choices never inside the recipe's
/// options (they go beside it, as <see cref="ExecutionOptions"/>).
/// </summary>
public static class RecipeJson
{
    /// <summary>One line: for metadata values.</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);
    /// <summary>Indented: for files a person may read (the MSBuild settings file).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    public static string Serialize(EditRecipe recipe) => JsonSerializer.Serialize(recipe, Compact);
    public static string Serialize(ExecutionOptions execution) => JsonSerializer.Serialize(execution, Compact);

    /// <summary>A recipe written by <see cref="Serialize(EditRecipe)"/>; its options are validated as a surface's are.</summary>
    public static EditRecipe Deserialize(string json)
    {
        var recipe = JsonSerializer.Deserialize<EditRecipe>(json, Compact) ?? throw new InvalidDataException("The recipe is empty.");
        Checked(recipe.Options, "The recipe");
        return recipe;
    }

    /// <summary>
    /// Options read from a file (a recipe, or a form earlier versions wrote), checked as a surface checks what a user
    /// gives (<see cref="EditOptions.Validate"/>), after refusing a part left out or written as null, which validation
    /// would not survive: <see cref="InvalidDataException"/> naming <paramref name="what"/>, or an <see cref="ArgumentException"/>.
    /// </summary>
    public static EditOptions Checked(EditOptions? options, string what)
    {
        if (options?.Mask is null || options.VaeMemory is null || options.NegativePrompt is null)
            throw new InvalidDataException($"{what} lacks the options or a part of them (Mask, VaeMemory, NegativePrompt)");
        return options.Validate();
    }

    static JsonSerializerOptions Create(bool indented)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(LeaveOutExecutionChoices);
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            Converters = { new JsonStringEnumConverter() },
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            IgnoreReadOnlyProperties = true,
            MaxDepth = 16,
            TypeInfoResolver = resolver,
        };
        options.MakeReadOnly();
        return options;
    }

    static void LeaveOutExecutionChoices(JsonTypeInfo type)
    {
        if (type.Type != typeof(EditOptions)) return;
        foreach (var p in type.Properties.Where(p => ExecutionOptions.PropertyNames.Contains(p.Name)).ToList()) type.Properties.Remove(p);
    }
}
