using FocusFlow.Core.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FocusFlow.Core.Evaluation;

/// <summary>
/// Reads a case list in the published evaluation's YAML format: a list of entries, each an image with its source
/// prompt and several targets -
/// <code>
/// - input_img: imgs/cat.png
///   source_prompt: A cat sitting.
///   target_prompts: [A tiger sitting., A cat jumping.]
///   target_codes: [1_tiger, 2_jumping]
/// </code>
/// - or, in the same list, single-target entries with <c>target_prompt</c> and an optional <c>target_code</c>
/// (default: the entry's number). Each (image, target) becomes one <see cref="EvaluationCase"/>, in file order.
/// Image paths are relative to the YAML file's folder; where the image is not there, the folders above it are
/// tried in turn, since the published list names its images from its repository's root (data/imgs/x.png beside
/// data/edits.yaml). An image found nowhere keeps the path relative to the YAML file, and its cases fail when run.
/// </summary>
public static class CaseListReader
{
    public const string ImageKey = "input_img";
    public const string SourcePromptKey = "source_prompt";
    public const string TargetPromptsKey = "target_prompts";
    public const string TargetCodesKey = "target_codes";
    public const string TargetPromptKey = "target_prompt";
    public const string TargetCodeKey = "target_code";

    public static IReadOnlyList<EvaluationCase> Read(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new CaseListException(path, null, null, $"The case list {path} does not exist.", new FileNotFoundException(null, path));
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    /// <summary>Reads YAML text; <paramref name="path"/> names the file in messages and anchors relative image paths.</summary>
    public static IReadOnlyList<EvaluationCase> Parse(TextReader text, string path)
    {
        var stream = new YamlStream();
        try
        {
            // Bounded: a hostile or broken file must not overflow the stack, which would end the whole process.
            stream.Load(new BoundedYamlParser(text));
        }
        catch (YamlLimitException e)
        {
            throw new CaseListException(path, null, null,
                $"{path} (line {e.Start.Line}, column {e.Start.Column}) is refused: {e.Reason}. A case list needs no such structure; {FormatHint}", e);
        }
        catch (YamlException e)
        {
            throw new CaseListException(path, null, null, $"{path} is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {Innermost(e).Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            throw new CaseListException(path, null, null, $"{path} holds no cases. {FormatHint}");
        if (stream.Documents[0].RootNode is not YamlSequenceNode entries)
            throw new CaseListException(path, null, null, $"{path} (line {stream.Documents[0].RootNode.Start.Line}) is not a list of cases. {FormatHint}");

        var folder = Path.GetDirectoryName(path)!;
        var cases = new List<EvaluationCase>();
        var listEntries = new HashSet<int>();
        int number = 0;
        foreach (var node in entries)
        {
            number++;
            var entry = new Entry(path, number, node);
            var image = entry.Scalar(ImageKey);
            var source = entry.Scalar(SourcePromptKey);
            var hasList = entry.Has(TargetPromptsKey);
            if (hasList && entry.Has(TargetPromptKey))
                throw entry.Error(TargetPromptKey, $"has both '{TargetPromptsKey}' and '{TargetPromptKey}'; give a list of targets or a single one, not both.");
            var imagePath = ResolveImage(folder, image);
            if (hasList)
            {
                listEntries.Add(number);
                var prompts = entry.ScalarList(TargetPromptsKey);
                var codes = entry.ScalarList(TargetCodesKey);
                if (codes.Count != prompts.Count)
                    throw entry.Error(TargetCodesKey, $"'{TargetCodesKey}' has {codes.Count} entries but '{TargetPromptsKey}' has {prompts.Count}; give one code per target prompt.");
                for (int t = 0; t < prompts.Count; t++)
                    cases.Add(new EvaluationCase(number, t + 1, image, imagePath, source, prompts[t], entry.FileName(TargetCodesKey, codes[t]), ""));
            }
            else
            {
                var prompt = entry.Scalar(TargetPromptKey, $"needs '{TargetPromptsKey}' (with '{TargetCodesKey}') or '{TargetPromptKey}'");
                var code = entry.Has(TargetCodeKey) ? entry.Scalar(TargetCodeKey) : number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                cases.Add(new EvaluationCase(number, 1, image, imagePath, source, prompt, entry.FileName(TargetCodeKey, code), ""));
            }
        }
        if (cases.Count == 0)
            throw new CaseListException(path, null, null, $"{path} holds no cases. {FormatHint}");
        var named = WithOutputStems(cases);
        CheckUniqueCodes(path, named, listEntries);
        return named;
    }

    const string FormatHint =
        "Expected a YAML list whose entries have input_img, source_prompt and either target_prompts with target_codes (lists of the same length) " +
        "or target_prompt with an optional target_code.";

    /// <summary>The image beside the YAML file, else at the same relative path from a folder above it, else the first.</summary>
    static string ResolveImage(string yamlFolder, string image)
    {
        if (Path.IsPathRooted(image)) return Path.GetFullPath(image);
        var first = Path.GetFullPath(Path.Combine(yamlFolder, image));
        for (var dir = new DirectoryInfo(yamlFolder); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.GetFullPath(Path.Combine(dir.FullName, image));
            if (File.Exists(candidate)) return candidate;
        }
        return first;
    }

    /// <summary>Each image's outputs go in a folder named after it; two different images of one name get their entry number added.</summary>
    static List<EvaluationCase> WithOutputStems(List<EvaluationCase> cases)
    {
        var byStem = cases.Select(c => c.ImagePath).Distinct(StringComparer.Ordinal)
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        return cases.Select(c =>
        {
            var stem = Path.GetFileNameWithoutExtension(c.ImagePath);
            return c with { OutputStem = byStem[stem] > 1 ? $"{stem}-{c.Case}" : stem };
        }).ToList();
    }

    static void CheckUniqueCodes(string path, List<EvaluationCase> cases, HashSet<int> listEntries)
    {
        var seen = new Dictionary<(string, string), int>();
        foreach (var c in cases)
        {
            var key = (c.OutputStem, c.TargetCode.ToLowerInvariant());
            if (seen.TryGetValue(key, out var earlier))
                throw new CaseListException(path, c.Case, listEntries.Contains(c.Case) ? TargetCodesKey : TargetCodeKey,
                    $"{path}: case {c.Case}: the target code '{c.TargetCode}' is used twice for {c.Image} (also in case {earlier}); " +
                    "target codes name the output files, so each must be unique per image.");
            seen[key] = c.Case;
        }
    }

    static Exception Innermost(Exception e) => e.InnerException is YamlException inner ? Innermost(inner) : e;

    /// <summary>One entry of the list, with errors that name the file, the entry and the key.</summary>
    readonly struct Entry
    {
        readonly string _path;
        readonly int _number;
        readonly YamlNode _node;
        readonly YamlMappingNode? _map;

        public Entry(string path, int number, YamlNode node)
        {
            _path = path;
            _number = number;
            _node = node;
            _map = node as YamlMappingNode;
            if (_map is null)
                throw new CaseListException(path, number, null, $"{path}: case {number} (line {node.Start.Line}) is not a set of keys. {FormatHint}");
        }

        public CaseListException Error(string key, string what) =>
            new(_path, _number, key, $"{_path}: case {_number} (line {_node.Start.Line}): {what}");

        bool TryGet(string key, out YamlNode value)
        {
            value = null!;
            return _map!.Children.TryGetValue(new YamlScalarNode(key), out value!) && !IsNull(value);
        }

        public bool Has(string key) => TryGet(key, out _);

        public string Scalar(string key, string? missing = null)
        {
            if (!TryGet(key, out var value))
                throw Error(key, missing ?? $"the key '{key}' is missing.");
            if (value is not YamlScalarNode scalar)
                throw Error(key, $"'{key}' (line {value.Start.Line}) should be a single text value, not a {Kind(value)}.");
            var text = scalar.Value!.Trim();
            if (text.Length == 0) throw Error(key, $"'{key}' is empty.");
            return text;
        }

        public IReadOnlyList<string> ScalarList(string key)
        {
            if (!TryGet(key, out var value))
                throw Error(key, $"the key '{key}' is missing.");
            if (value is not YamlSequenceNode list)
                throw Error(key, $"'{key}' (line {value.Start.Line}) should be a list, not a {Kind(value)}.");
            var items = new List<string>();
            foreach (var item in list)
            {
                if (item is not YamlScalarNode { Value: { } text } || IsNull(item) || text.Trim().Length == 0)
                    throw Error(key, $"'{key}' item {items.Count + 1} (line {item.Start.Line}) should be a non-empty text value.");
                items.Add(text.Trim());
            }
            if (items.Count == 0) throw Error(key, $"'{key}' is an empty list.");
            return items;
        }

        /// <summary>A target code names files: it must stay a plain file name.</summary>
        public string FileName(string key, string code)
        {
            // The characters no OS takes in a name, so that one list runs everywhere; the length is checked per target when it runs.
            if (code.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || code.IndexOfAny(new[] { '/', '\\', ':', '<', '>', '"', '|', '?', '*' }) >= 0
                || code.Any(char.IsControl) || code is "." or "..")
                throw Error(key, $"the target code '{code}' cannot name a file; use letters, digits, '-', '_' and '.'.");
            return code;
        }

        static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        static string Kind(YamlNode node) => node switch
        {
            YamlSequenceNode => "list",
            YamlMappingNode => "set of keys",
            _ => "value",
        };
    }
}
