using System.Collections;
using FocusFlow.Core.IO.Safetensors;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Checkpoints;

/// <summary>
/// Reads a state dict written by PyTorch's <c>torch.save</c> (a <c>.pth</c> file). Both container formats occur in
/// the wild: the zip archive of PyTorch 1.6 and later (torchvision's current AlexNet weights) is read by
/// TorchSharp.PyBridge; the older stream of consecutive pickles (LPIPS's published heads) is not supported by
/// PyBridge 1.4.4 and is read by <see cref="LegacyTorchSaveReader"/>, which unpickles with the same maintained
/// pickle library (Razorvine.Pickle) that PyBridge uses.
/// </summary>
public static class PyTorchCheckpoint
{
    static PyTorchCheckpoint() => LegacyTorchSaveReader.RegisterTensorConstructors();

    /// <summary>Reads every tensor of the state dict in <paramref name="path"/> onto the CPU, as stored.</summary>
    public static StateDictTensors Open(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"PyTorch checkpoint not found: {path}", path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads a state dict from a seekable stream; <paramref name="description"/> names it in messages.</summary>
    public static StateDictTensors Read(Stream stream, string description)
    {
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        var start = stream.Position;
        Span<byte> signature = stackalloc byte[4];
        var isZip = stream.Read(signature) == 4 && signature[0] == 0x50 && signature[1] == 0x4B && signature[2] == 0x03 && signature[3] == 0x04;
        stream.Position = start;
        try
        {
            var tensors = isZip ? ReadZip(stream) : LegacyTorchSaveReader.Read(stream);
            return new StateDictTensors(description, tensors);
        }
        catch (Exception e) when (e is not SafetensorsException)
        {
            throw new SafetensorsException(description,
                $"not a readable PyTorch state dict ({e.GetType().Name}: {e.Message}). Expected a file written by torch.save(model.state_dict(), ...).", e);
        }
    }

    static Dictionary<string, Tensor> ReadZip(Stream stream)
    {
        var table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string name && entry.Value is Tensor t)
                result[name] = t;
        return result;
    }

    /// <summary>Writes tensors as a PyTorch (zip) state dict that <c>torch.load</c> reads.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var table = new Hashtable();
        foreach (var (name, tensor) in tensors) table[name] = tensor;
        using var stream = File.Create(path);
        PyTorchPickler.PickleStateDict(stream, table, leaveOpen: true);
    }
}
