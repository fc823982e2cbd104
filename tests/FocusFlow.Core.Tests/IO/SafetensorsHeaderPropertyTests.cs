using System.Text;
using System.Text.RegularExpressions;
using FocusFlow.Core.IO.Safetensors;

namespace FocusFlow.Core.Tests.IO;

/// <summary>
/// Property: whatever a header says, the reader either refuses it with a <see cref="SafetensorsException"/> or returns
/// tensors whose bytes lie inside the data area, one after another, covering it exactly. Thousands of valid files are
/// mutated at random (seeded, so a failure replays): numbers swapped for edge values, entries duplicated, characters
/// dropped or inserted, the length field and the file's end moved.
/// </summary>
public partial class SafetensorsHeaderPropertyTests
{
    const int Cases = 6000;
    static readonly string[] DTypes = { "F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL" };
    static readonly int[] Sizes = { 8, 4, 2, 2, 8, 4, 2, 1, 1, 1 };

    sealed record Tensor(string Name, int DType, long[] Shape, long Begin, long End);

    [Fact]
    public void MutatedHeadersAreRefusedOrReadInsideTheDataArea()
    {
        var random = new Random(20261201);
        int accepted = 0, refused = 0, loaded = 0;
        using var dir = new TempDir();
        for (int i = 0; i < Cases; i++)
        {
            var bytes = MutatedFile(random);
            SafetensorsHeader header;
            try
            {
                header = SafetensorsHeader.Read("case.safetensors", new MemoryStream(bytes, writable: false), bytes.Length);
            }
            catch (SafetensorsException)
            {
                refused++;
                continue;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i}: {e.GetType().Name} instead of a SafetensorsException: {e.Message}\n{Describe(bytes)}");
                return;
            }
            accepted++;
            AssertInsideTheDataArea(header, bytes.Length, i, bytes);
            // Now and then open it for real and read every tensor through the memory map.
            if (accepted % 40 == 0)
            {
                var path = dir.File($"case{i}.safetensors");
                File.WriteAllBytes(path, bytes);
                using var file = SafetensorsFile.Open(path);
                foreach (var name in file.Names) file.Load(name).Dispose();
                loaded++;
            }
        }
        // Both outcomes really happen, so the property is tested on each side.
        Assert.True(accepted > Cases / 20, $"only {accepted} accepted");
        Assert.True(refused > Cases / 3, $"only {refused} refused");
        Assert.True(loaded > 5);
    }

    static void AssertInsideTheDataArea(SafetensorsHeader header, long fileLength, int i, byte[] bytes)
    {
        long dataLength = fileLength - header.DataStart;
        Assert.True(header.DataStart >= 8 && dataLength >= 0, $"case {i}: data start {header.DataStart}");
        long next = 0;
        foreach (var t in header.Tensors.Values.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            long elements = 1;
            foreach (var d in t.Shape) elements = checked(elements * d);
            long bytesNeeded = checked(elements * Sizes[Array.IndexOf(DTypes, t.DType)]);
            Assert.True(t.Begin == next && t.End >= t.Begin && t.End <= dataLength && t.End - t.Begin == bytesNeeded,
                $"case {i}: tensor '{t.Name}' [{t.Begin}, {t.End}) of {bytesNeeded} bytes after {next}, data {dataLength}\n{Describe(bytes)}");
            next = t.End;
        }
        Assert.True(next == dataLength, $"case {i}: tensors end at {next} of {dataLength}\n{Describe(bytes)}");
    }

    static byte[] MutatedFile(Random r)
    {
        var tensors = ValidTensors(r);
        int kind = r.Next(8);
        // Structural mutations, made before the header is written.
        if (kind == 0 && tensors.Count > 0) tensors.Add(tensors[r.Next(tensors.Count)] with { });                      // duplicate name
        if (kind == 1 && tensors.Count > 1) (tensors[0], tensors[1]) = (tensors[0] with { Begin = tensors[1].Begin, End = tensors[1].End }, tensors[1] with { Begin = tensors[0].Begin, End = tensors[0].End });
        if (kind == 2 && tensors.Count > 0) { int k = r.Next(tensors.Count); tensors[k] = tensors[k] with { DType = r.Next(DTypes.Length) }; }
        long dataLength = tensors.Count == 0 ? 0 : tensors.Max(t => t.End);
        var json = HeaderJson(r, tensors);
        // Text mutations: a number swapped for an edge value, a character dropped or inserted.
        if (kind == 3) json = ReplaceNumber(r, json, dataLength);
        if (kind == 4 && json.Length > 0) json = json.Remove(r.Next(json.Length), 1);
        if (kind == 5) json = json.Insert(r.Next(json.Length + 1), "{}[],:\"-0e. x"[r.Next(13)].ToString());
        var header = Encoding.UTF8.GetBytes(json);
        int padding = r.Next(3) == 0 ? (8 - header.Length % 8) % 8 : 0;
        ulong lengthField = (ulong)(header.Length + padding);
        // Byte mutations: the length field, the end of the file.
        if (kind == 6) lengthField = r.Next(4) switch { 0 => lengthField + 1, 1 => lengthField - 1, 2 => (ulong)r.NextInt64(), _ => ulong.MaxValue - (ulong)r.Next(10) };
        long dataBytes = dataLength + (kind == 7 ? r.Next(-8, 9) : 0);
        var file = new List<byte>(BitConverter.GetBytes(lengthField));
        file.AddRange(header);
        file.AddRange(Enumerable.Repeat((byte)' ', padding));
        var data = new byte[Math.Max(0, dataBytes)];
        r.NextBytes(data);
        file.AddRange(data);
        return file.ToArray();
    }

    static List<Tensor> ValidTensors(Random r)
    {
        var tensors = new List<Tensor>();
        long offset = 0;
        int count = r.Next(6);
        for (int k = 0; k < count; k++)
        {
            int dtype = r.Next(DTypes.Length);
            var shape = Enumerable.Range(0, r.Next(4)).Select(_ => (long)r.Next(0, 5)).ToArray();
            long bytes = shape.Aggregate(1L, (a, b) => a * b) * Sizes[dtype];
            tensors.Add(new Tensor(r.Next(5) == 0 ? $"blocks.{k}.wéight" : $"t{k}", dtype, shape, offset, offset + bytes));
            offset += bytes;
        }
        // Shuffled: a header need not list its tensors in offset order.
        return tensors.OrderBy(_ => r.Next()).ToList();
    }

    static string HeaderJson(Random r, List<Tensor> tensors)
    {
        var entries = tensors.Select(t =>
            $"\"{t.Name}\":{{\"dtype\":\"{DTypes[t.DType]}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{t.Begin},{t.End}]}}").ToList();
        if (r.Next(3) == 0) entries.Insert(r.Next(entries.Count + 1), "\"__metadata__\":{\"format\":\"pt\"}");
        return "{" + string.Join(r.Next(2) == 0 ? "," : ", ", entries) + "}";
    }

    static readonly string[] EdgeNumbers =
    {
        "0", "1", "-1", "2", "7", "1.5", "1e3", "2147483648", "4294967296", "1099511627776", "4611686018427387904",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615",
    };

    static string ReplaceNumber(Random r, string json, long dataLength)
    {
        var numbers = Number().Matches(json);
        if (numbers.Count == 0) return json;
        var m = numbers[r.Next(numbers.Count)];
        var value = r.Next(3) == 0 ? (dataLength + r.Next(-2, 3)).ToString() : EdgeNumbers[r.Next(EdgeNumbers.Length)];
        return json[..m.Index] + value + json[(m.Index + m.Length)..];
    }

    static string Describe(byte[] bytes) => Encoding.UTF8.GetString(bytes, 8, Math.Clamp(bytes.Length - 8, 0, 400));

    [GeneratedRegex(@"-?\d+")]
    private static partial Regex Number();
}
