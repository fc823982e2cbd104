#nullable enable
// One rule, two callers: the engine (Install-FocusFlowBackend relaxes the bridge it unpacks) compiles the
// LibStdCxxCompat class below; MSBuild's RoslynCodeTaskFactory compiles this same file, with the task at the
// end, from build/LibStdCxxCompat.targets (FOCUSFLOW_CORE is defined only by FocusFlow.Core.csproj). So the
// code stays within what netstandard2.0 offers.
//
// Why: TorchSharp's libLibTorchSharp.so is linked against GCC 13's libstdc++ and so asks for the
// symbol version GLIBCXX_3.4.32. Older systems (Debian 12 ships 3.4.30) refuse to load it, although
// the one symbol behind that version, std::ios_base_library_init, is a link-time anchor that is
// never called. Marking that version requirement "weak" (VER_FLG_WEAK in .gnu.version_r) lets the
// dynamic loader accept the library. We only do that when:
//   - the libstdc++ this machine would load really lacks the version, and
//   - every symbol bound to the missing version is on the known-harmless list below.
// Anything else is left alone, with a warning, so a real incompatibility is never hidden.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace FocusFlow.Core.Runtime.Backend
{
    /// <summary>Makes an ELF library load on a libstdc++ that lacks a version it asks for only for harmless symbols.</summary>
    public static class LibStdCxxCompat
    {
        static readonly HashSet<string> HarmlessSymbols = new HashSet<string> { "_ZSt21ios_base_library_initv" };

        const uint SHT_DYNSYM = 11, SHT_GNU_verdef = 0x6ffffffd, SHT_GNU_verneed = 0x6ffffffe, SHT_GNU_versym = 0x6fffffff;
        const ushort VER_FLG_WEAK = 0x2;

        /// <summary>The symbol versions the system libstdc++.so.6 defines; null when there is none (not Linux) or it cannot be read.</summary>
        public static HashSet<string>? SystemVersions(string? libStdCxx = null)
        {
            string? path = string.IsNullOrEmpty(libStdCxx) ? FindSystemLibStdCxx() : libStdCxx;
            if (path == null || !File.Exists(path)) return null;
            try { return new HashSet<string>(new Elf(File.ReadAllBytes(path)).DefinedVersions()); }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is ArgumentException || e is IndexOutOfRangeException) { return null; }
        }

        /// <summary>
        /// Marks the harmless missing libstdc++ versions of <paramref name="path"/> weak, writing a new file and
        /// renaming it over the old (so a hard link into a package cache is broken, never modified). Returns true
        /// when the file was changed. <paramref name="info"/> says what changed; <paramref name="warn"/> names
        /// a real incompatibility, which is left alone.
        /// </summary>
        public static bool RelaxFile(string path, HashSet<string> systemVersions, Action<string> info, Action<string> warn)
        {
            if (!File.Exists(path)) return false;
            byte[] bytes = File.ReadAllBytes(path);
            if (!Relax(bytes, systemVersions, Path.GetFileName(path), info, warn)) return false;
            string tmp = path + ".focusflow-tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Delete(path);
            File.Move(tmp, path);
            return true;
        }

        /// <summary>True when <paramref name="path"/> asks libstdc++ for a version the system lacks (relaxable or not).</summary>
        public static bool NeedsMissingVersion(string path, HashSet<string> systemVersions)
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (!Elf.IsElf64LittleEndian(bytes)) return false;
            return new Elf(bytes).VersionNeeds().Any(n => n.File == "libstdc++.so.6" && !systemVersions.Contains(n.Name) && (n.Flags & VER_FLG_WEAK) == 0);
        }

        /// <summary>The rule itself, on the bytes of one library: true when they were changed.</summary>
        public static bool Relax(byte[] bytes, HashSet<string> systemVersions, string name, Action<string> info, Action<string> warn)
        {
            if (!Elf.IsElf64LittleEndian(bytes)) return false;
            var elf = new Elf(bytes);
            bool changed = false;
            foreach (var need in elf.VersionNeeds().Where(n => n.File == "libstdc++.so.6" && !systemVersions.Contains(n.Name)))
            {
                if ((need.Flags & VER_FLG_WEAK) != 0) continue;
                var symbols = elf.UndefinedSymbolsOfVersion(need.VersionIndex);
                var harmful = symbols.Where(s => !HarmlessSymbols.Contains(s)).ToList();
                if (harmful.Count > 0)
                {
                    warn($"{name} needs {need.Name} from libstdc++, which this system lacks, for {string.Join(", ", harmful)}. " +
                         "Install a newer libstdc++ (GCC 13 or later) to load it.");
                    continue;
                }
                elf.SetVersionNeedFlags(need.AuxOffset, (ushort)(need.Flags | VER_FLG_WEAK));
                changed = true;
                info($"{name}: marked {need.Name} weak (the system libstdc++ lacks it; only {string.Join(", ", symbols)} uses it).");
            }
            return changed;
        }

        public static string? FindSystemLibStdCxx()
        {
            // The libstdc++ the running dotnet process uses is the one every other dotnet process here
            // (pwsh, the test host) will use too.
            try
            {
                foreach (var line in File.ReadLines("/proc/self/maps"))
                {
                    int i = line.IndexOf('/');
                    if (i >= 0 && line.Contains("libstdc++.so.6")) return line.Substring(i).Trim();
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            foreach (var dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
            {
                string p = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(p)) return p;
            }
            return null;
        }

        sealed class VersionNeed
        {
            public string File = "", Name = "";
            public ushort Flags, VersionIndex;
            public int AuxOffset;
        }

        /// <summary>Just enough of a 64-bit little-endian ELF reader for symbol versioning.</summary>
        sealed class Elf
        {
            readonly byte[] b;
            readonly List<(uint Type, long Offset, long Size, uint Link, long EntSize)> sections = new List<(uint, long, long, uint, long)>();

            public static bool IsElf64LittleEndian(byte[] b) =>
                b.Length > 64 && b[0] == 0x7f && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F' && b[4] == 2 && b[5] == 1;

            public Elf(byte[] bytes)
            {
                b = bytes;
                if (!IsElf64LittleEndian(b)) throw new InvalidDataException("not a 64-bit little-endian ELF file");
                long shoff = (long)U64(0x28);
                int shentsize = U16(0x3A), shnum = U16(0x3C);
                for (int i = 0; i < shnum; i++)
                {
                    long s = shoff + (long)i * shentsize;
                    sections.Add((U32(s + 4), (long)U64(s + 0x18), (long)U64(s + 0x20), U32(s + 0x28), (long)U64(s + 0x38)));
                }
            }

            ushort U16(long o) => BitConverter.ToUInt16(b, (int)o);
            uint U32(long o) => BitConverter.ToUInt32(b, (int)o);
            ulong U64(long o) => BitConverter.ToUInt64(b, (int)o);

            string Str(int section, long offset)
            {
                long start = sections[section].Offset + offset, end = start;
                while (b[end] != 0) end++;
                return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
            }

            public IEnumerable<string> DefinedVersions()
            {
                foreach (var sec in sections.Where(s => s.Type == SHT_GNU_verdef))
                {
                    long p = sec.Offset;
                    while (true)
                    {
                        uint aux = U32(p + 12), next = U32(p + 16);
                        yield return Str((int)sec.Link, U32(p + aux));
                        if (next == 0) break;
                        p += next;
                    }
                }
            }

            public List<VersionNeed> VersionNeeds()
            {
                var result = new List<VersionNeed>();
                foreach (var sec in sections.Where(s => s.Type == SHT_GNU_verneed))
                {
                    long p = sec.Offset;
                    while (true)
                    {
                        ushort cnt = U16(p + 2);
                        string file = Str((int)sec.Link, U32(p + 4));
                        long a = p + U32(p + 8);
                        for (int i = 0; i < cnt; i++)
                        {
                            result.Add(new VersionNeed { File = file, Flags = U16(a + 4), VersionIndex = U16(a + 6), Name = Str((int)sec.Link, U32(a + 8)), AuxOffset = (int)a });
                            a += U32(a + 12);
                        }
                        uint next = U32(p + 12);
                        if (next == 0) break;
                        p += next;
                    }
                }
                return result;
            }

            public List<string> UndefinedSymbolsOfVersion(ushort versionIndex)
            {
                var names = new List<string>();
                int dynsym = sections.FindIndex(s => s.Type == SHT_DYNSYM);
                int versym = sections.FindIndex(s => s.Type == SHT_GNU_versym);
                if (dynsym < 0 || versym < 0) return names;
                var sym = sections[dynsym];
                long count = sym.Size / sym.EntSize;
                for (long i = 0; i < count; i++)
                {
                    ushort ver = (ushort)(U16(sections[versym].Offset + 2 * i) & 0x7fff);
                    long s = sym.Offset + i * sym.EntSize;
                    if (ver == versionIndex && U16(s + 6) == 0) names.Add(Str((int)sym.Link, U32(s)));
                }
                return names;
            }

            public void SetVersionNeedFlags(int auxOffset, ushort flags) => BitConverter.GetBytes(flags).CopyTo(b, auxOffset + 4);
        }
    }
}

#if !FOCUSFLOW_CORE
/// <summary>The MSBuild task (build/LibStdCxxCompat.targets): relaxes the bridge the build copies to its output.</summary>
public class RelaxLibStdCxxVersionNeeds : Microsoft.Build.Utilities.Task
{
    /// <summary>Native libraries to check (only ELF files are looked at).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>Optional explicit path of the libstdc++.so.6 to check against.</summary>
    public string SystemLibStdCxx { get; set; } = "";

    public override bool Execute()
    {
        var defined = FocusFlow.Core.Runtime.Backend.LibStdCxxCompat.SystemVersions(SystemLibStdCxx);
        if (defined == null)
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "libstdc++.so.6 not found or unreadable; nothing to check.");
            return true;
        }
        foreach (var item in Libraries)
            FocusFlow.Core.Runtime.Backend.LibStdCxxCompat.RelaxFile(item.GetMetadata("FullPath"), defined,
                m => Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "FocusFlow: " + m), m => Log.LogWarning(m));
        return !Log.HasLoggedErrors;
    }
}
#endif
