using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FocusFlow.Core.IO.Gguf;
using FocusFlow.Core.IO.Safetensors;
using FocusFlow.Core.IO.SingleFile;
using FocusFlow.Core.Models;
using FocusFlow.Core.Models.Quantization;
using FocusFlow.Core.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Benchmarks;

/// <summary>
/// GGUF transformers: (1) every GGUF fixture dequantised on the device, bit for bit against gguf-py; (2) the tiny SD3
/// GGUF transformers' outputs on the device against diffusers'; (3) peak memory of loading and calling a transformer
/// with Q8_0 weights against bfloat16 weights: an SD3-medium-wide MMDiT cut to 8 blocks, random weights written to two
/// GGUF files (float16 and Q8_0 block weights), each loaded in its own process so that peaks do not mix.
/// </summary>
static class QuantizedMemoryBenchmark
{
    const int Blocks = 8;

    public static void Run(string repo, Device device)
    {
        var gguf = Path.Combine(repo, "tests/fixtures/loading/gguf");
        Exactness(gguf, device);
        TinyOutputs(repo, gguf, device);
        var dir = Directory.CreateTempSubdirectory("focusflow-gguf-bench-").FullName;
        try
        {
            var config = Config(repo);
            foreach (var type in new[] { GgmlType.F16, GgmlType.Q8_0 })
                WriteRandomTransformer(Path.Combine(dir, $"{type}.gguf"), config, type);
            foreach (var type in new[] { "F16", "Q8_0" })
            {
                var self = Environment.ProcessPath!;
                var dll = typeof(QuantizedMemoryBenchmark).Assembly.Location;
                var start = new ProcessStartInfo(self) { RedirectStandardOutput = true };
                if (!self.EndsWith("FocusFlow.Benchmarks", StringComparison.Ordinal)) start.ArgumentList.Add(dll);
                foreach (var a in new[] { repo, device.type == DeviceType.CUDA ? "cuda" : "cpu", "gguf-memory", Path.Combine(dir, $"{type}.gguf") })
                    start.ArgumentList.Add(a);
                using var child = Process.Start(start)!;
                Console.Write(child.StandardOutput.ReadToEnd());
                child.WaitForExit();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static SD3TransformerConfig Config(string repo)
    {
        var arch = JsonDocument.Parse(File.ReadAllText(Path.Combine(repo, "tests/fixtures/architectures.json"))).RootElement;
        return SD3TransformerConfig.FromJson(arch.GetProperty("sd3-medium.transformer").GetProperty("config")) with { NumLayers = Blocks };
    }

    static void Exactness(string folder, Device device)
    {
        int tensors = 0, exact = 0;
        foreach (var path in Directory.GetFiles(folder, "*.gguf").Order())
        {
            using var file = GgufFile.Open(path);
            using var reference = SafetensorsFile.Open(Path.ChangeExtension(path, ".dequant.safetensors"));
            string prefix = Path.GetFileName(path).StartsWith("quant-vectors") ? "" : "original.";
            foreach (var info in file.Header.TensorList)
            {
                using var raw = file.Raw(info.Name, device);
                using var values = GgmlDequantizer.Dequantize(raw, info.Type, info.Shape);
                using var expected = reference.Load(prefix + info.Name, device: device);
                tensors++;
                if (torch.equal(values, expected).all().item<bool>()) exact++;
                else Console.WriteLine($"  {Path.GetFileName(path)} {info.Name} ({info.Type}) differs");
            }
        }
        Console.WriteLine($"dequantisation on {device.type}: {exact} of {tensors} fixture tensors bit for bit equal to gguf-py");
    }

    static void TinyOutputs(string repo, string folder, Device device)
    {
        var config = SD3TransformerConfig.Read(Path.Combine(repo, "tests/fixtures/tiny-sd3/transformer"));
        using var inputs = SafetensorsFile.Open(Path.Combine(repo, "tests/fixtures/tiny-sd3-ref/transformer.safetensors"));
        foreach (var type in new[] { "F16", "Q8_0", "Q4_0", "Q5_1", "Q4_K", "Q6_K" })
        {
            using var file = SingleFileCheckpoint.Open(Path.Combine(folder, $"tiny-sd3-{type}.gguf"));
            using var reference = SafetensorsFile.Open(Path.Combine(folder, $"tiny-sd3-{type}.transformer.safetensors"));
            using var model = SD3Transformer2DModel.Load(file.Transformer, config, new TensorPlacement(device, ScalarType.Float32));
            using var latents = inputs.Load("case0.hidden_states");
            using var text = inputs.Load("case0.encoder_hidden_states");
            using var pooled = inputs.Load("case0.pooled_projections");
            using var timestep = inputs.Load("case0.timestep");
            using var output = model.forward(latents, text, pooled, timestep);
            using var expected = reference.Load("case0.out");
            Console.WriteLine($"tiny SD3 {type} on {device.type}: max abs difference to diffusers {(output.cpu() - expected).abs().max().item<float>():E2} (tolerance 1e-4)");
        }
    }

    /// <summary>The child process: loads one file in bfloat16, calls it once at 512 px, and reports its memory.</summary>
    public static void MeasureOne(string repo, Device device, string path)
    {
        var before = Memory(device);
        var clock = Stopwatch.StartNew();
        using var tensors = GgufTensors.Open(path);
        using var model = SD3Transformer2DModel.Load(tensors, Config(repo), new TensorPlacement(device, ScalarType.BFloat16));
        double load = clock.Elapsed.TotalSeconds;
        var loaded = Memory(device);
        using var latents = torch.randn(1, 16, 64, 64);
        using var text = torch.randn(1, 77, 4096);
        using var pooled = torch.randn(1, 2048);
        using var timestep = torch.full(1, 500f);
        clock.Restart();
        using (model.forward(latents, text, pooled, timestep)) Timing.Sync(device);
        var called = Memory(device);
        Console.WriteLine($"{Path.GetFileNameWithoutExtension(path)} weights as bfloat16 compute, SD3-medium width, {Blocks} blocks, on {device.type}: " +
            $"weights resident {model.ResidentBytes / 1048576.0:F0} MiB; load {load:F1} s, one 512 px call {clock.Elapsed.TotalSeconds:F1} s; {called.Describe(before, loaded)}");
    }

    sealed record MemorySample(long Anonymous, long PeakResident, long? DeviceUsed)
    {
        public string Describe(MemorySample before, MemorySample loaded) => DeviceUsed is { } used
            ? $"device memory used after load {(loaded.DeviceUsed - before.DeviceUsed) / 1048576.0:F0} MiB, after the call {(used - before.DeviceUsed) / 1048576.0:F0} MiB (allocator cache included)"
            : $"process anonymous memory after load {loaded.Anonymous / 1048576.0:F0} MiB, after the call {Anonymous / 1048576.0:F0} MiB; peak resident (VmHWM, mapped file pages included) {PeakResident / 1048576.0:F0} MiB";
    }

    static MemorySample Memory(Device device)
    {
        Timing.Sync(device);
        long Field(string name) => File.ReadLines("/proc/self/status").Where(l => l.StartsWith(name + ":"))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).FirstOrDefault();
        return new MemorySample(Field("RssAnon"), Field("VmHWM"), device.type == DeviceType.CUDA ? Core.Runtime.DeviceMemory.Used(device) : null);
    }

    /// <summary>
    /// A GGUF of random weights under diffusers' names: the blocks' 2-D weights as <paramref name="blockType"/>
    /// (Q8_0 blocks of random int8 with a small float16 scale, or float16), everything else float16.
    /// </summary>
    static void WriteRandomTransformer(string path, SD3TransformerConfig config, GgmlType blockType)
    {
        using var shapes = new SD3Transformer2DModel(config, new TensorPlacement(new Device(DeviceType.META), ScalarType.Float16), computePositionTable: false);
        var tensors = shapes.named_parameters().Select(p => (p.name, p.parameter.shape))
            .Concat(shapes.named_buffers().Select(b => (b.name, b.buffer.shape))).ToList();
        var types = tensors.Select(t => t.name.StartsWith("transformer_blocks.") && t.shape.Length == 2 ? blockType : GgmlType.F16).ToList();
        using var stream = File.Create(path);
        using var w = new BinaryWriter(stream);
        void Str(string s) { var b = Encoding.UTF8.GetBytes(s); w.Write((ulong)b.Length); w.Write(b); }
        w.Write("GGUF"u8); w.Write(3u); w.Write((ulong)tensors.Count); w.Write(0UL);
        long offset = 0;
        var offsets = new List<long>();
        for (int i = 0; i < tensors.Count; i++)
        {
            var (name, shape) = tensors[i];
            Str(name);
            w.Write((uint)shape.Length);
            foreach (var d in shape.Reverse()) w.Write((ulong)d);
            w.Write((uint)types[i]);
            w.Write((ulong)offset);
            offsets.Add(offset);
            offset += (Bytes(shape, types[i]) + 31) / 32 * 32;
        }
        Pad(w);
        var rng = new Random(1);
        for (int i = 0; i < tensors.Count; i++)
        {
            var bytes = new byte[Bytes(tensors[i].shape, types[i])];
            rng.NextBytes(bytes);
            int blockBytes = types[i].BlockBytes();
            // Finite float16 values everywhere: a small scale in every Q8_0 block; small numbers in every float16 element.
            for (long at = 0; at + 1 < bytes.Length; at += blockBytes)
                BitConverter.TryWriteBytes(bytes.AsSpan((int)at), (Half)((rng.NextDouble() - 0.5) * (types[i] == GgmlType.Q8_0 ? 1e-4 : 0.02)));
            w.Write(bytes);
            Pad(w);
        }
    }

    static long Bytes(long[] shape, GgmlType type) => type.RowBytes(shape[^1]) * shape[..^1].Aggregate(1L, (a, b) => a * b);

    static void Pad(BinaryWriter w)
    {
        w.Flush();
        while (w.BaseStream.Position % 32 != 0) w.Write((byte)0);
    }
}
