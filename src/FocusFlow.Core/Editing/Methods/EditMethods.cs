namespace FocusFlow.Core.Editing.Methods;

/// <summary>The registered editing methods, one definition per <see cref="EditMethod"/>, in the order tables list them.</summary>
public static class EditMethods
{
    public static IReadOnlyList<EditMethodDefinition> All { get; } = new EditMethodDefinition[] { new FocusFlowMethod(), new FlowEditMethod(), new SdEditMethod() };

    /// <summary>The definition of <paramref name="method"/>.</summary>
    public static EditMethodDefinition Of(EditMethod method) =>
        All.FirstOrDefault(m => m.Id == method) ?? throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown editing method.");

    /// <summary>The ids of the methods that satisfy <paramref name="which"/>, in table order.</summary>
    public static EditMethod[] Where(Func<EditMethodDefinition, bool> which) => All.Where(which).Select(m => m.Id).ToArray();
}
