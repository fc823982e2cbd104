using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp;
using static TorchSharp.torch;

namespace FocusFlow.Core.IO.Checkpoints;

/// <summary>
/// The container of <c>torch.save</c> before PyTorch 1.6: five things back to back - pickles of the magic number,
/// the protocol version and system info, the pickled object (whose tensors name their storages through pickle
/// persistent ids), a pickled list of storage keys, and then each storage's raw bytes (an int64 element count
/// followed by the little-endian data) in that order. The pickles are parsed by Razorvine.Pickle; this class only
/// walks the container and assembles tensors once their storages have been read.
/// </summary>
static class LegacyTorchSaveReader
{
    static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");  // 0x1950a86a20f9469cfc6c
    const int ProtocolVersion = 1001;

    static int _registered;

    /// <summary>
    /// Razorvine keeps one process-wide table of class constructors, in which TorchSharp.PyBridge registers its
    /// zip-only tensor constructor. Ours wraps it: tensors whose storage comes from a legacy file are built here,
    /// everything else is passed on to PyBridge unchanged. Runs once, before any checkpoint is read.
    /// </summary>
    internal static void RegisterTensorConstructors()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(TorchSharp.PyBridge.PyTorchUnpickler).TypeHandle);
        foreach (var name in new[] { "_rebuild_tensor", "_rebuild_tensor_v2" })
            LegacyUnpickler.Wrap("torch._utils", name, inner => new LegacyTensorConstructor(inner));
        LegacyUnpickler.Wrap("collections", "OrderedDict", inner => new OrderedDictWithItemsConstructor(inner));
    }

    public static Dictionary<string, Tensor> Read(Stream stream)
    {
        RegisterTensorConstructors();
        var magic = LoadPickle(stream, "magic number");
        if (!(magic is BigInteger big && big == MagicNumber))
            throw new InvalidDataException("the file is neither a zip archive nor a legacy torch.save stream (wrong magic number).");
        var protocol = Convert.ToInt64(LoadPickle(stream, "protocol version"));
        if (protocol != ProtocolVersion)
            throw new InvalidDataException($"unsupported legacy torch.save protocol version {protocol} (expected {ProtocolVersion}).");
        LoadPickle(stream, "system info");

        var unpickler = new LegacyUnpickler();
        var root = unpickler.load(stream);
        if (LoadPickle(stream, "storage keys") is not ArrayList keys)
            throw new InvalidDataException("the list of storage keys is missing.");
        foreach (var key in keys.Cast<object>().Select(k => k.ToString()!))
        {
            if (!unpickler.Storages.TryGetValue(key, out var storage))
                throw new InvalidDataException($"storage '{key}' is listed but no tensor refers to it.");
            storage.ReadFrom(stream);
        }

        if (root is not IDictionary dict)
            throw new InvalidDataException($"the file holds a {root?.GetType().Name ?? "null"}, not a state dict.");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (DictionaryEntry entry in dict)
                if (entry.Key is string name && entry.Value is LegacyTensor view)
                    result[name] = view.Materialise();
        }
        finally
        {
            foreach (var s in unpickler.Storages.Values) s.Dispose();
        }
        return result;
    }

    static object LoadPickle(Stream stream, string what)
    {
        try
        {
            using var u = new Unpickler();
            return u.load(stream);
        }
        catch (Exception e) when (e is PickleException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"the {what} pickle cannot be read ({e.Message}).", e);
        }
    }

    /// <summary>Resolves the storages that the pickled tensors name through persistent ids.</summary>
    sealed class LegacyUnpickler : Unpickler
    {
        public Dictionary<string, LegacyStorage> Storages { get; } = new(StringComparer.Ordinal);

        // Persistent id: ("storage", storage class, key, location, element count, view metadata).
        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: >= 5 } id || id[0] as string != "storage" || id[1] is not ClassDictConstructor type)
                throw new InvalidDataException("a persistent id that is not a tensor storage was found.");
            var key = id[2].ToString()!;
            if (!Storages.TryGetValue(key, out var storage))
                Storages[key] = storage = new LegacyStorage(key, StorageType(type.name), Convert.ToInt64(id[4]));
            return storage;
        }

        static ScalarType StorageType(string name) => name switch
        {
            "DoubleStorage" => ScalarType.Float64,
            "FloatStorage" => ScalarType.Float32,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ShortStorage" => ScalarType.Int16,
            "CharStorage" => ScalarType.Int8,
            "ByteStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            _ => throw new InvalidDataException($"tensor storage type '{name}' is not supported."),
        };

        // objectConstructors is visible to subclasses only, hence the wrapping lives here.
        public static void Wrap(string module, string name, Func<IObjectConstructor?, IObjectConstructor> wrap)
        {
            objectConstructors.TryGetValue(module + "." + name, out var inner);
            registerConstructor(module, name, wrap(inner));
        }
    }

    /// <summary>_rebuild_tensor(_v2)(storage, offset, size, stride, ...): deferred until the storage is read.</summary>
    sealed class LegacyTensorConstructor(IObjectConstructor? inner) : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length >= 4 && args[0] is LegacyStorage storage)
                return new LegacyTensor(storage, Convert.ToInt64(args[1]), Longs(args[2]), Longs(args[3]));
            return inner is not null
                ? inner.construct(args)
                : throw new PickleException("torch._utils._rebuild_tensor called without a tensor storage.");
        }

        static long[] Longs(object o) => ((IEnumerable)o).Cast<object>().Select(Convert.ToInt64).ToArray();
    }

    /// <summary>
    /// Files pickled by Python 2 (LPIPS's heads among them) rebuild an OrderedDict from a list of [key, value]
    /// pairs passed to its constructor, which PyBridge's constructor ignores; the pairs are added here.
    /// </summary>
    sealed class OrderedDictWithItemsConstructor(IObjectConstructor? inner) : IObjectConstructor
    {
        public object construct(object[] args)
        {
            var dict = inner?.construct(args) as IDictionary ?? new Hashtable();
            if (args.Length == 1 && args[0] is IEnumerable items)
                foreach (var item in items)
                    if (item is IList { Count: 2 } pair && pair[0] is not null)
                        dict[pair[0]!] = pair[1];
            return dict;
        }
    }

    sealed class LegacyStorage(string key, ScalarType type, long count) : IDisposable
    {
        Tensor? _data;

        public void ReadFrom(Stream stream)
        {
            Span<byte> header = stackalloc byte[8];
            stream.ReadExactly(header);
            var stored = BinaryPrimitives.ReadInt64LittleEndian(header);
            if (stored != count)
                throw new InvalidDataException($"storage '{key}' holds {stored} elements but its tensors expect {count}.");
            var data = torch.empty(count, type, torch.CPU);
            stream.ReadExactly(data.bytes);
            _data = data;
        }

        public Tensor Data => _data ?? throw new InvalidDataException($"storage '{key}' was never read: the file is truncated.");

        public void Dispose() => _data?.Dispose();
    }

    sealed class LegacyTensor(LegacyStorage storage, long offset, long[] shape, long[] stride)
    {
        public Tensor Materialise()
        {
            using var view = storage.Data.as_strided(shape, stride, offset);
            return view.clone();
        }
    }
}
