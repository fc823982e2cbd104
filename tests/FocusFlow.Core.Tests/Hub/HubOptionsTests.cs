using FocusFlow.Core.IO.Hub;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>Defaults follow the environment variables huggingface_hub reads, so both share cache, endpoint and login.</summary>
public class HubOptionsTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] values)
    {
        var d = values.ToDictionary(v => v.Name, v => v.Value);
        return name => d.GetValueOrDefault(name);
    }

    [Fact]
    public void DefaultsWithANearlyEmptyEnvironment()
    {
        using var dir = new TempDir();
        var o = new HubOptions(Env(("HF_HOME", dir.Path)));
        Assert.Equal("https://huggingface.co", o.Endpoint);
        Assert.Equal(Path.Combine(dir.Path, "hub"), o.CacheDir);
        Assert.False(o.Offline);
        Assert.Null(o.Token);
        Assert.Null(o.Variant);
        Assert.True(o.IncludeT5);
        Assert.Null(o.HttpHandler);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Timeout);
    }

    [Fact]
    public void TheCacheFolderFollowsHuggingFaceHubsOrder()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), HubEnvironment.CacheDir(Env()));
        Assert.Equal(Path.Combine("/x", "huggingface", "hub"), HubEnvironment.CacheDir(Env(("XDG_CACHE_HOME", "/x"))));
        Assert.Equal(Path.Combine("/h", "hub"), HubEnvironment.CacheDir(Env(("XDG_CACHE_HOME", "/x"), ("HF_HOME", "/h"))));
        Assert.Equal("/legacy", HubEnvironment.CacheDir(Env(("HF_HOME", "/h"), ("HUGGINGFACE_HUB_CACHE", "/legacy"))));
        Assert.Equal("/c", HubEnvironment.CacheDir(Env(("HF_HOME", "/h"), ("HUGGINGFACE_HUB_CACHE", "/legacy"), ("HF_HUB_CACHE", "/c"))));
        Assert.Equal(Path.Combine(home, "models"), HubEnvironment.CacheDir(Env(("HF_HUB_CACHE", "~/models"))));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("On", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    public void OfflineModeReadsHfHubOffline(string value, bool offline)
    {
        Assert.Equal(offline, HubEnvironment.Offline(Env(("HF_HUB_OFFLINE", value))));
    }

    [Fact]
    public void TransformersOfflineCountsToo()
    {
        Assert.True(HubEnvironment.Offline(Env(("TRANSFORMERS_OFFLINE", "1"))));
        Assert.False(HubEnvironment.Offline(Env()));
    }

    [Fact]
    public void EndpointTokenAndTimeoutComeFromTheEnvironment()
    {
        using var dir = new TempDir();
        var o = new HubOptions(Env(("HF_HOME", dir.Path), ("HF_ENDPOINT", "https://hf-mirror.example/"), ("HF_TOKEN", " hf_abc "), ("HF_HUB_DOWNLOAD_TIMEOUT", "7.5")));
        Assert.Equal("https://hf-mirror.example", o.Endpoint);
        Assert.Equal("hf_abc", o.Token);
        Assert.Equal(TimeSpan.FromSeconds(7.5), o.Timeout);
        Assert.Equal("hf_legacy", new HubOptions(Env(("HF_HOME", dir.Path), ("HUGGING_FACE_HUB_TOKEN", "hf_legacy"))).Token);
    }

    [Fact]
    public void TheTokenStoredByHfAuthLoginIsUsedWhenNoVariableIsSet()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("token"), "hf_stored\n");
        Assert.Equal("hf_stored", HubEnvironment.Token(Env(("HF_HOME", dir.Path))));
        Assert.Equal("hf_env", HubEnvironment.Token(Env(("HF_HOME", dir.Path), ("HF_TOKEN", "hf_env"))));
        File.WriteAllText(dir.File("elsewhere"), "hf_path");
        Assert.Equal("hf_path", HubEnvironment.Token(Env(("HF_HOME", dir.Path), ("HF_TOKEN_PATH", dir.File("elsewhere")))));
    }

    [Fact]
    public void TheCacheFolderNameIsHuggingFaceHubs()
    {
        Assert.Equal("models--stabilityai--stable-diffusion-3-medium-diffusers", HubRepoCache.FolderName("stabilityai/stable-diffusion-3-medium-diffusers"));
        var cache = new HubRepoCache("/c", "org/name");
        Assert.Equal(Path.Combine("/c", "models--org--name", "refs", "refs", "pr", "1"), cache.RefPath("refs/pr/1"));
        var etag = new string('a', 64);
        var commit = new string('c', 40);
        Assert.Equal(Path.Combine("/c", "models--org--name", "blobs", etag + ".incomplete"), cache.IncompletePath(etag));
        Assert.Equal(Path.Combine("/c", ".locks", "models--org--name", etag + ".lock"), cache.LockPath(etag));
        Assert.Equal(Path.Combine("/c", "models--org--name", "snapshots", commit, "vae", "config.json"), cache.PointerPath(commit, "vae/config.json"));
    }
}
