using System.Reflection;
using System.Text.Json;

namespace FocusFlow.Core.Tests;

/// <summary>Paths into tests/fixtures (a copy of the shared reference fixtures) and scratch folders.</summary>
public static class Fixtures
{
    public static string Root { get; } = typeof(Fixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FixturesDir").Value!;

    public static string Path(params string[] parts) => System.IO.Path.Combine(new[] { Root }.Concat(parts).ToArray());

    public static string TinySd3 => Path("tiny-sd3");
    public static string Reference(string file) => Path("tiny-sd3-ref", file);

    public static JsonElement Meta { get; } = JsonDocument.Parse(File.ReadAllText(Reference("meta.json"))).RootElement;

    /// <summary>The tiny FLUX.1-dev-style model and what diffusers 0.30.3 computed with it (see tiny-flux-ref/../FLUX.md).</summary>
    public static string TinyFlux => Path("tiny-flux");
    public static string FluxReference(string file) => Path("tiny-flux-ref", file);
    public static JsonElement FluxMeta { get; } = JsonDocument.Parse(File.ReadAllText(FluxReference("meta.json"))).RootElement;
}

/// <summary>
/// Where tests leave files for people to look at (screenshots, a gallery): $FOCUSFLOW_TEST_OUTPUT, else out/test-results
/// of the repository (build.ps1 -Task Test's results folder).
/// </summary>
public static class TestOutput
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("FOCUSFLOW_TEST_OUTPUT") is { Length: > 0 } configured
        ? configured
        : typeof(TestOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestOutputDir").Value!;

    /// <summary>An empty folder of that name under <see cref="Root"/> (emptied if an earlier run left one).</summary>
    public static string Folder(string name)
    {
        var path = System.IO.Path.Combine(Root, name);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        return Directory.CreateDirectory(path).FullName;
    }
}

/// <summary>A temporary folder removed after the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("focusflow-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
