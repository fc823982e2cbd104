using FocusFlow.Core.Families;
using FocusFlow.Core.Runtime;
using FocusFlow.Core.UserMessages;
using FocusFlow.Core.Editing;
using FocusFlow.Core.Models.Sd3;

namespace FocusFlow.Core.Sessions;

/// <summary>
/// The models loaded in this process, one per (folder, options), shared by every runspace of a PowerShell
/// session or every task of an MSBuild node. An edit leases its model for as long as it runs; removing a
/// model waits (bounded) for its leases to end, or refuses, so a running edit never loses its tensors.
/// </summary>
public static class ModelRegistry
{
    sealed class Entry
    {
        public required IEditModel Pipeline { get; init; }
        public int Leases;
        public bool Removing;
    }

    static readonly object Gate = new();
    static readonly Dictionary<(string Path, ModelLoadOptions Options), Entry> Loaded = new();

    /// <summary>Number of times a model was actually loaded (not found loaded) in this process.</summary>
    public static int LoadCount { get; private set; }

    /// <summary>
    /// The loaded model for the folder and options, loading it first if needed, held until the lease is disposed.
    /// A model that is being removed is waited for and then loaded again.
    /// </summary>
    public static ModelLease Lease(string modelFolder, ModelLoadOptions options, Action<string>? verbose = null, CancellationToken cancel = default)
    {
        // Auto names whichever device is there; key by the device it picks (Cpu or Cuda:N), so Auto and that device share
        // one load and each GPU holds its own.
        options = options with { Device = TorchRuntime.DeviceOf(TorchRuntime.Resolve(options.Device)) };
        var key = (Normalize(modelFolder), options);
        lock (Gate)
        {
            Entry? entry;
            // Bounded: a removal waits at most its own timeout before it gives up and clears Removing.
            while (Loaded.TryGetValue(key, out entry) && entry.Removing)
            {
                Monitor.Wait(Gate, 200);
                cancel.ThrowIfCancellationRequested();
            }
            if (entry is not null)
            {
                verbose?.Invoke($"Using the loaded model {key.Item1} ({entry.Pipeline.Placement}).");
            }
            else
            {
                entry = new Entry { Pipeline = ModelFamilies.Load(key.Item1, options, verbose) };
                Loaded[key] = entry;
                LoadCount++;
            }
            entry.Leases++;
            return new ModelLease(entry.Pipeline, () => Release(entry));
        }
    }

    /// <summary>The loaded model without a lease, for hosts that never remove models while they run (MSBuild nodes, tests).</summary>
    public static IEditModel GetOrLoad(string modelFolder, ModelLoadOptions options, Action<string>? verbose = null)
    {
        using var lease = Lease(modelFolder, options, verbose);
        return lease.Pipeline;
    }

    public static IReadOnlyList<IEditModel> All
    {
        get { lock (Gate) return Loaded.Values.Select(e => e.Pipeline).ToList(); }
    }

    /// <summary>Each loaded model with the device it is keyed by (Cpu or Cuda:N) and how many edits hold it now.</summary>
    public static IReadOnlyList<(IEditModel Model, ComputeDevice Device, int Leases)> Entries
    {
        get { lock (Gate) return Loaded.Select(kv => (kv.Value.Pipeline, kv.Key.Options.Device, kv.Value.Leases)).ToList(); }
    }

    /// <summary>How many leases the loaded models of <paramref name="modelFolder"/> hold now (running edits).</summary>
    public static int LeasesOf(string modelFolder)
    {
        lock (Gate) return Loaded.Where(kv => kv.Key.Path == Normalize(modelFolder)).Sum(kv => kv.Value.Leases);
    }

    /// <summary>
    /// Unloads matching models (all when <paramref name="modelFolder"/> is null) and returns how many. A model in
    /// use is unloaded once its edits end, waiting at most <paramref name="timeout"/>; after that it stays loaded
    /// and <see cref="ModelInUseException"/> says so (the models that were free are unloaded all the same).
    /// </summary>
    public static int Remove(string? modelFolder = null, TimeSpan timeout = default, CancellationToken cancel = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (Gate)
        {
            var entries = Loaded.Where(kv => modelFolder is null || kv.Key.Path == Normalize(modelFolder)).ToList();
            foreach (var (_, entry) in entries) entry.Removing = true;
            try
            {
                while (entries.Any(kv => kv.Value.Leases > 0) && DateTime.UtcNow < deadline)
                {
                    Monitor.Wait(Gate, TimeSpan.FromMilliseconds(Math.Clamp((deadline - DateTime.UtcNow).TotalMilliseconds, 1, 200)));
                    cancel.ThrowIfCancellationRequested();
                }
                int removed = 0;
                foreach (var (key, entry) in entries.Where(kv => kv.Value.Leases == 0))
                {
                    entry.Pipeline.Dispose();
                    Loaded.Remove(key);
                    removed++;
                }
                var busy = entries.Where(kv => kv.Value.Leases > 0).ToList();
                if (busy.Count > 0)
                    throw new ModelInUseException(busy[0].Key.Path, busy.Sum(kv => kv.Value.Leases), removed, timeout);
                return removed;
            }
            finally
            {
                foreach (var (_, entry) in entries) entry.Removing = false;
                Monitor.PulseAll(Gate);
            }
        }
    }

    static void Release(Entry entry)
    {
        lock (Gate)
        {
            entry.Leases--;
            Monitor.PulseAll(Gate);
        }
    }

    static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}

/// <summary>A loaded model held for one edit (or one command's edits); dispose it when done.</summary>
public sealed class ModelLease : IDisposable
{
    Action? _release;

    internal ModelLease(IEditModel pipeline, Action release) => (Pipeline, _release) = (pipeline, release);

    public IEditModel Pipeline { get; }

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}

/// <summary>A model could not be unloaded because edits still run on it; nothing was broken.</summary>
public sealed class ModelInUseException : InvalidOperationException, IOptionError
{
    public ModelInUseException(string model, int leases, int removed, TimeSpan waited) : this(model, leases,
        $"The model {model} is in use by {leases} running edit(s) (another runspace or command) and was not unloaded" +
               (waited > TimeSpan.Zero ? $" after waiting {waited.TotalSeconds:0.#} s" : "") +
               (removed > 0 ? $"; {removed} other model(s) were" : "") +
               $". Remove it when they finish, or give {UserText.Option(OptionNames.TimeoutSec)} to wait longer.") { }

    ModelInUseException(string model, int leases, string text) : base(UserText.Neutral(text))
    {
        Text = text;
        Model = model;
        Leases = leases;
    }

    public string Text { get; }
    public string Model { get; }
    public int Leases { get; }
}
