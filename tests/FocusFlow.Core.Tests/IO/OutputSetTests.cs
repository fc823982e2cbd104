using System.Text;
using FocusFlow.Core.IO;

namespace FocusFlow.Core.Tests.IO;

/// <summary>The outputs of one item appear together or not at all, and a failure leaves nothing a rerun would refuse.</summary>
public class OutputSetTests
{
    static Action<Stream> Text(string text) => s => s.Write(Encoding.UTF8.GetBytes(text));

    static readonly string[] Names = { "cat.png", "cat.mask.png", "cat.overlay.png", "cat.latents.safetensors" };

    [Fact]
    public void AllFilesAppearOnCommitAndNotBefore()
    {
        using var dir = new TempDir();
        using (var set = new OutputSet(overwrite: false))
        {
            foreach (var name in Names) set.Add(dir.File(name), Text(name));
            Assert.All(Names, n => Assert.False(File.Exists(dir.File(n)), $"{n} visible before the commit"));
            set.Commit();
        }
        Assert.All(Names, n => Assert.Equal(n, File.ReadAllText(dir.File(n))));
        Assert.Equal(Names.Length, Directory.GetFiles(dir.Path).Length); // no temporary file left
    }

    [Fact]
    public void AWriterThatFailsOnTheThirdFileLeavesNoOutputAndARerunIsNotRefused()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<IOException>(() =>
        {
            using var set = new OutputSet(overwrite: false);
            set.Add(dir.File(Names[0]), Text("a"));
            set.Add(dir.File(Names[1]), Text("b"));
            set.Add(dir.File(Names[2]), s => { s.Write(new byte[100]); throw new IOException("No space left on device"); });
            set.Add(dir.File(Names[3]), Text("d"));
            set.Commit();
        });
        Assert.Equal("No space left on device", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        // The rerun, without overwriting, writes them all.
        using var again = new OutputSet(overwrite: false);
        foreach (var name in Names) again.Add(dir.File(name), Text(name));
        again.Commit();
        Assert.All(Names, n => Assert.Equal(n, File.ReadAllText(dir.File(n))));
    }

    [Fact]
    public void ARenameThatFailsMidCommitTakesBackTheFilesAlreadyRenamed()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File(Names[2])); // the third target cannot be replaced by a file
        Assert.ThrowsAny<IOException>(() =>
        {
            using var set = new OutputSet(overwrite: false);
            foreach (var name in Names) set.Add(dir.File(name), Text(name));
            set.Commit();
        });
        Assert.Equal(new[] { dir.File(Names[2]) }, Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AFailedOverwriteRestoresTheFilesItWouldHaveReplaced()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(Names[0]), "old edit");
        File.WriteAllText(dir.File(Names[1]), "old mask");
        Directory.CreateDirectory(dir.File(Names[2]));
        Assert.ThrowsAny<IOException>(() =>
        {
            using var set = new OutputSet(overwrite: true);
            foreach (var name in Names) set.Add(dir.File(name), Text("new"));
            set.Commit();
        });
        Assert.Equal("old edit", File.ReadAllText(dir.File(Names[0])));
        Assert.Equal("old mask", File.ReadAllText(dir.File(Names[1])));
        Assert.Equal(3, Directory.GetFileSystemEntries(dir.Path).Length);

        Directory.Delete(dir.File(Names[2]));
        using var again = new OutputSet(overwrite: true);
        foreach (var name in Names) again.Add(dir.File(name), Text("new"));
        again.Commit();
        Assert.All(Names, n => Assert.Equal("new", File.ReadAllText(dir.File(n))));
        Assert.Equal(Names.Length, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void AnExistingTargetIsRefusedUnlessOverwriting()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(Names[1]), "mine");
        var e = Assert.Throws<OutputExistsException>(() =>
        {
            using var set = new OutputSet(overwrite: false);
            foreach (var name in Names) set.Add(dir.File(name), Text(name));
            set.Commit();
        });
        Assert.Equal(dir.File(Names[1]), e.FilePath);
        Assert.Equal("mine", File.ReadAllText(dir.File(Names[1])));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ATargetThatAppearsBeforeTheCommitIsNotOverwritten()
    {
        using var dir = new TempDir();
        var set = new OutputSet(overwrite: false);
        foreach (var name in Names) set.Add(dir.File(name), Text(name));
        File.WriteAllText(dir.File(Names[3]), "written meanwhile by someone else");
        Assert.Throws<OutputExistsException>(set.Commit);
        set.Dispose();
        Assert.Equal("written meanwhile by someone else", File.ReadAllText(dir.File(Names[3])));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }
}
