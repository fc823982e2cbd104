using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using FocusFlow.Core.Runtime.Backend;

namespace FocusFlow.Core.Tests.Backend;

/// <summary>A NuGet v3 feed over real HTTP: packages from its flat container, hashes from its catalog, credentials only to its origin.</summary>
public sealed class HttpFeedTests : IDisposable
{
    readonly TempDir _dir = new();
    readonly TinyServer _feed = new(), _elsewhere = new();

    public void Dispose()
    {
        _feed.Dispose();
        _elsewhere.Dispose();
        _dir.Dispose();
    }

    byte[] Serve(bool storageOnOtherOrigin)
    {
        var nupkg = File.ReadAllBytes(BackendPackages.Write(_dir.File("src"), "libtorch-test", "1.0.0"));
        var storage = storageOnOtherOrigin ? _elsewhere : _feed;
        _feed.Files["/v3/index.json"] = Encoding.UTF8.GetBytes($$"""
            { "version": "3.0.0", "resources": [
              { "@id": "{{storage.Url}}/flat/", "@type": "PackageBaseAddress/3.0.0" },
              { "@id": "{{_feed.Url}}/reg/", "@type": "RegistrationsBaseUrl/3.6.0" } ] }
            """);
        storage.Files["/flat/libtorch-test/1.0.0/libtorch-test.1.0.0.nupkg"] = nupkg;
        _feed.Files["/reg/libtorch-test/1.0.0.json"] = Encoding.UTF8.GetBytes($$"""{ "catalogEntry": "{{_feed.Url}}/catalog/libtorch-test.1.0.0.json" }""");
        _feed.Files["/catalog/libtorch-test.1.0.0.json"] = Encoding.UTF8.GetBytes($$"""
            { "packageHash": "{{Convert.ToBase64String(SHA512.HashData(nupkg))}}", "packageHashAlgorithm": "SHA512", "packageSize": {{nupkg.Length}} }
            """);
        return nupkg;
    }

    [Fact]
    public void Sends_a_sources_credentials_only_to_that_sources_origin()
    {
        var nupkg = Serve(storageOnOtherOrigin: true);
        using var http = new HttpClient();
        var feed = PackageFeed.For(new PackageSource("corp", _feed.Url + "/v3/index.json", "me", "s3cret"), http);
        var fetched = feed.TryFetch("libtorch-test", "1.0.0", _dir.File("downloads"), null, 1 << 20, default);

        Assert.NotNull(fetched);
        Assert.Equal(nupkg, File.ReadAllBytes(fetched!.File));
        Assert.Equal(Convert.ToBase64String(SHA512.HashData(nupkg)), fetched.PublishedSha512);
        Assert.Equal(nupkg.Length, fetched.PublishedSize);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("me:s3cret"));
        Assert.All(_feed.Requests, r => Assert.Equal(basic, r.Authorization));          // index, registration, catalog
        Assert.Equal(3, _feed.Requests.Count);
        Assert.Null(Assert.Single(_elsewhere.Requests).Authorization);                  // the package, on another origin
    }

    [Fact]
    public void Says_not_found_for_a_package_the_feed_lacks_and_bounds_the_download()
    {
        Serve(storageOnOtherOrigin: false);
        using var http = new HttpClient();
        var feed = PackageFeed.For(new PackageSource("public", _feed.Url + "/v3/index.json"), http);
        Assert.Null(feed.TryFetch("libtorch-missing", "1.0.0", _dir.File("downloads"), null, 1 << 20, default));
        var e = Assert.Throws<InvalidDataException>(() => feed.TryFetch("libtorch-test", "1.0.0", _dir.File("downloads"), null, 100, default));
        Assert.Contains("more than a backend package may be", e.Message);
        Assert.All(_feed.Requests, r => Assert.Null(r.Authorization));
    }

    /// <summary>An HTTP/1.1 server on 127.0.0.1 that serves fixed bytes by path and records each request's Authorization.</summary>
    sealed class TinyServer : IDisposable
    {
        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly CancellationTokenSource _stop = new();
        public ConcurrentDictionary<string, byte[]> Files { get; } = new();
        public ConcurrentQueue<(string Path, string? Authorization)> Log { get; } = new();
        public IReadOnlyList<(string Path, string? Authorization)> Requests => Log.ToList();
        public string Url { get; }

        public TinyServer()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = Task.Run(Loop);
        }

        async Task Loop()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = Task.Run(() => Answer(client));
            }
        }

        void Answer(TcpClient client)
        {
            using (client)
            using (var stream = client.GetStream())
            {
                var reader = new StreamReader(stream, Encoding.ASCII, false, 1, leaveOpen: true);
                var requestLine = reader.ReadLine() ?? "";
                string? auth = null, line;
                while (!string.IsNullOrEmpty(line = reader.ReadLine()))
                    if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)) auth = line["Authorization:".Length..].Trim();
                var path = requestLine.Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
                Log.Enqueue((path, auth));
                var found = Files.TryGetValue(path, out var body);
                body ??= Array.Empty<byte>();
                var head = $"HTTP/1.1 {(found ? "200 OK" : "404 Not Found")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                stream.Write(Encoding.ASCII.GetBytes(head));
                stream.Write(body);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
