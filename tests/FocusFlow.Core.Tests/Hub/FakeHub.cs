using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace FocusFlow.Core.Tests.Hub;

/// <summary>One request the fake hub received.</summary>
public sealed record RecordedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, bool ToCdn)
{
    /// <summary>The repository path of a resolve or CDN request (null for the API).</summary>
    public string? File { get; init; }
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 that answers like the Hugging Face hub: the revision API
/// (<c>/api/models/{repo}/revision/{rev}</c> with sha and siblings), <c>/{repo}/resolve/{rev}/{file}</c> with
/// X-Repo-Commit, ETag (sha256 for LFS files, git sha1 for others), X-Linked-Etag / X-Linked-Size, optional
/// redirects of LFS files to a second "CDN" listener, Range requests, the hub's X-Error-Code answers, and faults
/// on demand: a connection cut after N bytes, corrupted bytes, a slow transfer. Every request is recorded.
/// </summary>
public sealed class FakeHub : IDisposable
{
    readonly Dictionary<string, FakeHubRepo> _repos;
    readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentQueue<RecordedRequest> _requests = new();

    /// <summary>LFS files answer with a redirect to the CDN listener, as the real hub does.</summary>
    public bool RedirectLfs { get; set; }
    /// <summary>When set, file requests without <c>Authorization: Bearer &lt;token&gt;</c> get 401 GatedRepo.</summary>
    public string? RequiredToken { get; set; }
    /// <summary>File to (bytes, times): the next GETs of the file send that many body bytes, then close the connection.</summary>
    public ConcurrentDictionary<string, (long Bytes, int Times)> CutAfter { get; } = new(StringComparer.Ordinal);
    /// <summary>Files whose bytes are sent altered (one byte flipped), for that many GETs.</summary>
    public ConcurrentDictionary<string, int> Corrupt { get; } = new(StringComparer.Ordinal);
    /// <summary>Files sent in 16 KiB pieces with this pause between them.</summary>
    public ConcurrentDictionary<string, TimeSpan> Slow { get; } = new(StringComparer.Ordinal);
    /// <summary>Files sent one byte at a time with this pause between bytes: a connection that never quite stalls.</summary>
    public ConcurrentDictionary<string, TimeSpan> Trickle { get; } = new(StringComparer.Ordinal);
    /// <summary>Files whose ETag (and X-Linked-Etag) is answered as this raw value instead of their digest, quotes added.</summary>
    public ConcurrentDictionary<string, string> EtagFor { get; } = new(StringComparer.Ordinal);
    /// <summary>Files whose advertised size (X-Linked-Size, else Content-Length of the HEAD answer) is this instead of their length.</summary>
    public ConcurrentDictionary<string, long> SizeFor { get; } = new(StringComparer.Ordinal);
    /// <summary>Files whose resolve address answers 302 to itself, forever.</summary>
    public ConcurrentDictionary<string, bool> RedirectLoop { get; } = new(StringComparer.Ordinal);
    /// <summary>LFS redirects name the CDN scheme-relatively (<c>//127.0.0.1:port/...</c>): another host, though the address has no scheme.</summary>
    public bool SchemeRelativeRedirect { get; set; }

    public FakeHub(params FakeHubRepo[] repos)
    {
        _repos = repos.ToDictionary(r => r.RepoId, StringComparer.Ordinal);
        _hub.Start();
        _cdn.Start();
        _ = AcceptLoop(_hub, toCdn: false);
        _ = AcceptLoop(_cdn, toCdn: true);
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}";
    string CdnBase => $"{(SchemeRelativeRedirect ? "" : "http:")}//127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}";

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();
    public void ClearRequests() => _requests.Clear();

    async Task AcceptLoop(TcpListener listener, bool toCdn)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client, toCdn));
        }
    }

    async Task Serve(TcpClient client, bool toCdn)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHead(stream);
                if (head is null) return;
                var lines = head.Split("\r\n");
                var parts = lines[0].Split(' ');
                var headers = lines.Skip(1).Where(l => l.Contains(':'))
                    .Select(l => (Name: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim()))
                    .GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
                var request = new RecordedRequest(parts[0], parts[1], headers, toCdn);
                if (toCdn) await ServeCdn(stream, request);
                else await ServeHub(stream, request);
            }
            catch (IOException) { }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }
    }

    static async Task<string?> ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            bytes.Add(one[0]);
            int n = bytes.Count;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, n - 4);
        }
    }

    async Task ServeHub(NetworkStream stream, RecordedRequest request)
    {
        var path = request.Target.Split('?')[0];
        var segments = path.TrimStart('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        // GET /api/models/{org}/{name}/revision/{rev}
        if (segments.Length >= 6 && segments[0] == "api" && segments[1] == "models" && segments[4] == "revision")
        {
            _requests.Enqueue(request);
            var repoId = $"{segments[2]}/{segments[3]}";
            var revision = string.Join('/', segments.Skip(5));
            if (!_repos.TryGetValue(repoId, out var repo))
            {
                await Write(stream, 404, "Not Found", new() { ["X-Error-Code"] = "RepoNotFound", ["X-Error-Message"] = "Repository not found" }, null, request);
                return;
            }
            if (revision != "main" && revision != repo.Commit)
            {
                await Write(stream, 404, "Not Found", new() { ["X-Error-Code"] = "RevisionNotFound", ["X-Error-Message"] = "Invalid rev id: " + revision }, null, request);
                return;
            }
            var json = JsonSerializer.SerializeToUtf8Bytes(new
            {
                id = repo.RepoId,
                sha = repo.Commit,
                siblings = repo.Files.Keys.Select(f => new { rfilename = f }).ToArray(),
            });
            await Write(stream, 200, "OK", new() { ["Content-Type"] = "application/json" }, json, request);
            return;
        }
        // HEAD|GET /{org}/{name}/resolve/{rev}/{file...}
        if (segments.Length >= 5 && segments[2] == "resolve")
        {
            var repoId = $"{segments[0]}/{segments[1]}";
            var revision = segments[3];
            var file = string.Join('/', segments.Skip(4));
            request = request with { File = file };
            _requests.Enqueue(request);
            if (!_repos.TryGetValue(repoId, out var repo))
            {
                await Write(stream, 404, "Not Found", new() { ["X-Error-Code"] = "RepoNotFound" }, null, request);
                return;
            }
            if (RequiredToken is not null && request.Header("Authorization") != "Bearer " + RequiredToken)
            {
                await Write(stream, 401, "Unauthorized", new()
                {
                    ["X-Error-Code"] = "GatedRepo",
                    ["X-Error-Message"] = $"Access to model {repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.",
                }, null, request);
                return;
            }
            if (revision != "main" && revision != repo.Commit)
            {
                await Write(stream, 404, "Not Found", new() { ["X-Error-Code"] = "RevisionNotFound" }, null, request);
                return;
            }
            if (!repo.Files.ContainsKey(file))
            {
                await Write(stream, 404, "Not Found", new() { ["X-Error-Code"] = "EntryNotFound", ["X-Repo-Commit"] = repo.Commit }, null, request);
                return;
            }
            if (RedirectLoop.ContainsKey(file))
            {
                await Write(stream, 302, "Found", new() { ["Location"] = path }, null, request);
                return;
            }
            var etag = repo.Etag(file);
            var answeredEtag = EtagFor.TryGetValue(file, out var forced) ? forced : etag;
            var headers = new Dictionary<string, string> { ["X-Repo-Commit"] = repo.Commit, ["ETag"] = $"\"{answeredEtag}\"" };
            if (FakeHubRepo.IsLfs(file))
            {
                headers["X-Linked-Etag"] = $"\"{answeredEtag}\"";
                headers["X-Linked-Size"] = (SizeFor.TryGetValue(file, out var linkedSize) ? linkedSize : repo.Files[file].Length).ToString();
                if (RedirectLfs)
                {
                    headers["Location"] = $"{CdnBase}/{repo.RepoId}/{etag}?signature=abc";
                    await Write(stream, 302, "Found", headers, null, request);
                    return;
                }
            }
            await SendFile(stream, request, repo, file, headers);
            return;
        }
        _requests.Enqueue(request);
        await Write(stream, 404, "Not Found", new(), null, request);
    }

    async Task ServeCdn(NetworkStream stream, RecordedRequest request)
    {
        // GET /{org}/{name}/{sha256}?signature=...
        var segments = request.Target.Split('?')[0].TrimStart('/').Split('/');
        var repo = segments.Length == 3 && _repos.TryGetValue($"{segments[0]}/{segments[1]}", out var r) ? r : null;
        var file = repo?.Files.Keys.FirstOrDefault(f => FakeHubRepo.IsLfs(f) && repo.Etag(f) == segments[2]);
        request = request with { File = file };
        _requests.Enqueue(request);
        if (repo is null || file is null)
        {
            await Write(stream, 404, "Not Found", new(), null, request);
            return;
        }
        await SendFile(stream, request, repo, file, new Dictionary<string, string> { ["ETag"] = "\"cdn-etag\"" });
    }

    async Task SendFile(NetworkStream stream, RecordedRequest request, FakeHubRepo repo, string file, Dictionary<string, string> headers)
    {
        var content = repo.Files[file];
        long from = 0;
        int status = 200;
        var range = request.Header("Range");
        if (range is not null && range.StartsWith("bytes=") && range.EndsWith('-') && long.TryParse(range[6..^1], out var start) && start < content.Length)
        {
            from = start;
            status = 206;
            headers["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}";
        }
        headers["Accept-Ranges"] = "bytes";
        var body = content.AsSpan((int)from).ToArray();
        if (request.Method == "HEAD")
        {
            long announced = !FakeHubRepo.IsLfs(file) && SizeFor.TryGetValue(file, out var size) ? size : body.Length;
            await Write(stream, status, status == 200 ? "OK" : "Partial Content", headers, null, request, contentLength: announced);
            return;
        }
        if (Take(Corrupt, file))
            body[body.Length / 2] ^= 0x5A;
        long? cut = null;
        if (CutAfter.TryGetValue(file, out var c) && c.Times > 0)
        {
            CutAfter[file] = (c.Bytes, c.Times - 1);
            cut = c.Bytes;
        }
        await WriteHead(stream, status, status == 200 ? "OK" : "Partial Content", headers, body.Length);
        var slow = Slow.TryGetValue(file, out var pause) ? pause : Trickle.TryGetValue(file, out var drip) ? drip : (TimeSpan?)null;
        long limit = cut ?? body.Length;
        int piece = Trickle.ContainsKey(file) ? 1 : slow is null ? 1 << 16 : 1 << 14;
        for (long sent = 0; sent < Math.Min(limit, body.Length);)
        {
            int n = (int)Math.Min(piece, Math.Min(limit, body.Length) - sent);
            await stream.WriteAsync(body.AsMemory((int)sent, n));
            sent += n;
            if (slow is not null)
            {
                await stream.FlushAsync();
                await Task.Delay(slow.Value);
            }
        }
        await stream.FlushAsync();
        // A cut: the connection closes with the announced Content-Length not reached.
    }

    static bool Take(ConcurrentDictionary<string, int> faults, string file)
    {
        if (!faults.TryGetValue(file, out var times) || times <= 0) return false;
        faults[file] = times - 1;
        return true;
    }

    static async Task Write(NetworkStream stream, int status, string reason, Dictionary<string, string> headers, byte[]? body, RecordedRequest request, long? contentLength = null)
    {
        await WriteHead(stream, status, reason, headers, contentLength ?? body?.Length ?? 0);
        if (body is not null && request.Method != "HEAD") await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    static async Task WriteHead(NetworkStream stream, int status, string reason, Dictionary<string, string> headers, long contentLength)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(contentLength).Append("\r\n");
        head.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _hub.Stop();
        _cdn.Stop();
    }
}
