namespace FocusFlow.Core.Gallery;

/// <summary>
/// One picture of a gallery line: its kind (the CSS class: source, overlay, edit, difference), the file as a link relative to
/// the page ('/' separated; null or missing: the box <see cref="Absent"/> says why), its alt text and its caption (markup
/// built with <see cref="GalleryPage.Escape"/>, so every text in it is escaped).
/// </summary>
public sealed record GalleryCell(string Kind, string? Link, string Alt, string CaptionHtml)
{
    /// <summary>The method it belongs to: the page's method filter hides it with that method (data-method).</summary>
    public string? Method { get; init; }
    /// <summary>data-status: ok, reused, failed, absent (null: none).</summary>
    public string? Status { get; init; }
    /// <summary>Marked as a failure (outlined red).</summary>
    public bool Failed { get; init; }
    /// <summary>What the box says where there is no picture.</summary>
    public string Absent { get; init; } = "image missing";
}

/// <summary>
/// One line of a gallery (an article): its id and place in the given order, a heading of (CSS class, text) parts, the
/// prompts, optional settings, and its cells. <see cref="SortKeys"/> are data-* attributes the page's sort reads
/// (names fixed by the page's source, values numbers).
/// </summary>
public sealed record GalleryRow(string Id, int Order, IReadOnlyList<(string Class, string Text)> Heading, IReadOnlyList<string> Prompts,
    IReadOnlyList<GalleryCell> Cells)
{
    public IReadOnlyList<(string Name, string Value)> SortKeys { get; init; } = Array.Empty<(string, string)>();
    /// <summary>A line with a failure (the "only failures" filter keeps it).</summary>
    public bool Failed { get; init; }
    /// <summary>A further file the prompt line links to (text, link relative to the page), e.g. the image's contact sheet.</summary>
    public (string Text, string Link)? PromptLink { get; init; }
    /// <summary>Settings shown under the prompts, by name.</summary>
    public IReadOnlyList<(string Name, string Value)> Settings { get; init; } = Array.Empty<(string, string)>();
}

/// <summary>
/// A whole page: its title and heading, the header's paragraphs and an optional section under it (markup built with
/// <see cref="GalleryPage.Escape"/>), the filter and sort controls, the lines and the footer's text.
/// </summary>
public sealed record GalleryDocument(string Title, string Heading, string HeaderHtml, IReadOnlyList<GalleryRow> Rows, string Footer)
{
    public string? SectionHtml { get; init; }
    /// <summary>The methods the page can hide (one check box each); none: no controls.</summary>
    public IReadOnlyList<string> Methods { get; init; } = Array.Empty<string>();
    /// <summary>How the given order is named in the sort list.</summary>
    public string GivenOrder { get; init; } = "given order";
    /// <summary>Further sorts: the option's value (kind:method:asc|desc, read from data-kind-method) and its label.</summary>
    public IReadOnlyList<(string Value, string Label)> Sorts { get; init; } = Array.Empty<(string, string)>();
    /// <summary>The label of the "only lines with a failure" filter; null: no such filter.</summary>
    public string? FailedFilter { get; init; }
}
