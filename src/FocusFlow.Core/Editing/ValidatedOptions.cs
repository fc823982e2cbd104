using System.Runtime.CompilerServices;

namespace FocusFlow.Core.Editing;

/// <summary>
/// The <see cref="EditOptions"/> instances validated already, by reference (a <c>with</c> copy is a new instance and
/// is checked again), so that the engine's entry points validate an edit once. Kept outside the options record so
/// its equality and serialised form carry nothing of it.
/// </summary>
internal static class ValidatedOptions
{
    static readonly ConditionalWeakTable<EditOptions, object> Checked = new();
    static readonly object Valid = new();

    /// <summary>Told of every instance this thread validates in full (tests count them: once per edit).</summary>
    [ThreadStatic] internal static Action<EditOptions>? Observer;

    internal static bool Contains(EditOptions options) => Checked.TryGetValue(options, out _);

    internal static void Add(EditOptions options)
    {
        Checked.AddOrUpdate(options, Valid);
        Observer?.Invoke(options);
    }
}
