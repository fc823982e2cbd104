using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>The package sources are read as NuGet layers its configuration files.</summary>
public class NuGetSourcesTests
{
    [Fact]
    public void Reads_sources_credentials_and_disabled_sources_of_a_config_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("NuGet.Config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="Corp Feed" value="https://pkgs.example.com/v3/index.json" />
                <add key="local" value="packages" />
                <add key="off" value="https://off.example.com/v3/index.json" />
              </packageSources>
              <disabledPackageSources><add key="off" value="true" /></disabledPackageSources>
              <packageSourceCredentials>
                <Corp_x0020_Feed>
                  <add key="Username" value="me" />
                  <add key="ClearTextPassword" value="%FOCUSFLOW_TEST_SECRET%" />
                </Corp_x0020_Feed>
              </packageSourceCredentials>
            </configuration>
            """);
        Environment.SetEnvironmentVariable("FOCUSFLOW_TEST_SECRET", "s3cret");
        try
        {
            var sources = NuGetSources.Read(dir.File("NuGet.Config"), dir.Path);
            Assert.Equal(new[] { "Corp Feed", "local" }, sources.Select(s => s.Name));
            Assert.Equal(("me", "s3cret"), (sources[0].Username, sources[0].Password));
            Assert.Equal(Path.Combine(dir.Path, "packages"), sources[1].Location);   // relative to the config file
            Assert.Null(sources[1].Username);
            Assert.DoesNotContain("s3cret", sources[0].ToString());
        }
        finally { Environment.SetEnvironmentVariable("FOCUSFLOW_TEST_SECRET", null); }
    }

    [Fact]
    public void Falls_back_to_the_public_gallery_when_no_source_is_configured()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("NuGet.Config"), "<configuration><packageSources><clear /></packageSources></configuration>");
        var sources = NuGetSources.Read(dir.File("NuGet.Config"), dir.Path);
        Assert.Equal(NuGetSources.NuGetOrg, Assert.Single(sources).Location);
    }

    [Fact]
    public void Refuses_a_config_with_a_DTD_instead_of_expanding_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("NuGet.Config"), """
            <?xml version="1.0"?>
            <!DOCTYPE configuration [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
            <configuration><packageSources><add key="a" value="&x;" /></packageSources></configuration>
            """);
        var e = Assert.Throws<InvalidDataException>(() => NuGetSources.Read(dir.File("NuGet.Config"), dir.Path));
        Assert.Contains("not a valid NuGet configuration", e.Message);
    }
}
