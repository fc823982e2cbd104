using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FocusFlow.Core.Runtime.Backend;

/// <summary>A package file as a feed handed it over, with the hash and size the feed publishes for it, when it does.</summary>
public sealed record FetchedPackage(string File, string? PublishedSha512, long? PublishedSize, string Source);

/// <summary>Where packages come from: a local folder (flat, or laid out like the global packages folder) or a NuGet v3 feed.</summary>
public abstract class PackageFeed
{
    public abstract PackageSource Source { get; }

    /// <summary>The package, or null when this feed does not have it. Downloads go into <paramref name="downloadFolder"/>.</summary>
    public abstract FetchedPackage? TryFetch(string id, string version, string downloadFolder, IProgress<long>? progress, long maxBytes, CancellationToken cancel);

    public static PackageFeed For(PackageSource source, HttpClient http) =>
        source.IsHttp ? new HttpFeed(source, http) : new FolderFeed(source);

    /// <summary>A local folder: <c>id.version.nupkg</c> in it, or <c>id/version/id.version.nupkg</c> (lower case, as the
    /// global packages folder keeps them, beside a <c>.nupkg.sha512</c> NuGet wrote when it verified the package).</summary>
    sealed class FolderFeed : PackageFeed
    {
        public FolderFeed(PackageSource source) => Source = source;
        public override PackageSource Source { get; }

        public override FetchedPackage? TryFetch(string id, string version, string downloadFolder, IProgress<long>? progress, long maxBytes, CancellationToken cancel)
        {
            string lid = id.ToLowerInvariant(), lver = version.ToLowerInvariant();
            var candidates = new[]
            {
                Path.Combine(Source.Location, lid, lver, $"{lid}.{lver}.nupkg"),
                Path.Combine(Source.Location, $"{lid}.{lver}.nupkg"),
                Path.Combine(Source.Location, $"{id}.{version}.nupkg"),
            };
            var file = candidates.FirstOrDefault(File.Exists) ?? FindIgnoringCase($"{lid}.{lver}.nupkg");
            if (file is null) return null;
            var sha = file + ".sha512";
            string? published = File.Exists(sha) && new FileInfo(sha).Length < 1024 ? File.ReadAllText(sha).Trim() : null;
            return new FetchedPackage(file, published, null, Source.Name);
        }

        string? FindIgnoringCase(string name)
        {
            if (!Directory.Exists(Source.Location)) return null;
            return Directory.EnumerateFiles(Source.Location, "*.nupkg").Take(10_000)
                .FirstOrDefault(f => string.Equals(Path.GetFileName(f), name, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// A NuGet v3 feed: the service index names the flat container (PackageBaseAddress) the package is read from
    /// and the registrations whose catalog entry publishes its SHA-512 and size. The source's credentials go only
    /// to URLs on the source's own scheme, host and port (HttpClient drops them on redirects).
    /// </summary>
    sealed class HttpFeed : PackageFeed
    {
        const int MaxJsonBytes = 8 << 20;
        readonly HttpClient _http;
        readonly Uri _index;
        (string? PackageBase, string? Registrations)? _resources;

        public HttpFeed(PackageSource source, HttpClient http)
        {
            Source = source;
            _http = http;
            _index = new Uri(source.Location);
        }

        public override PackageSource Source { get; }

        public override FetchedPackage? TryFetch(string id, string version, string downloadFolder, IProgress<long>? progress, long maxBytes, CancellationToken cancel)
        {
            var (packageBase, registrations) = Resources(cancel);
            if (packageBase is null) throw new InvalidDataException($"Package source {Source.Name} ({Source.Location}) names no PackageBaseAddress/3.0.0 resource: is it a NuGet v3 feed?");
            string lid = id.ToLowerInvariant(), lver = version.ToLowerInvariant();
            var url = new Uri($"{packageBase.TrimEnd('/')}/{Uri.EscapeDataString(lid)}/{Uri.EscapeDataString(lver)}/{Uri.EscapeDataString(lid)}.{Uri.EscapeDataString(lver)}.nupkg");
            using var response = Send(url, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            Check(response, url);
            if (response.Content.Headers.ContentLength is long length && length > maxBytes)
                throw new InvalidDataException($"{id} {version} from {Source.Name} is {length} bytes, more than a backend package may be ({maxBytes}).");
            Directory.CreateDirectory(downloadFolder);
            var file = Path.Combine(downloadFolder, $"{lid}.{lver}.nupkg");
            using (var input = response.Content.ReadAsStream(cancel))
            using (var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None))
                Streams.CopyBounded(input, output, maxBytes, $"{id} {version}", progress, cancel);
            var (hash, size) = registrations is null ? (null, null) : PublishedHash(registrations, lid, lver, cancel);
            return new FetchedPackage(file, hash, size, Source.Name);
        }

        (string?, string?) Resources(CancellationToken cancel)
        {
            if (_resources is { } known) return known;
            using var doc = GetJson(_index, cancel) ?? throw new InvalidDataException($"Package source {Source.Name} ({Source.Location}) did not answer with a service index.");
            string? Find(string prefix) => doc.RootElement.TryGetProperty("resources", out var rs) && rs.ValueKind == JsonValueKind.Array
                ? rs.EnumerateArray()
                    .Where(r => r.TryGetProperty("@type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(r => r.TryGetProperty("@id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null)
                    .FirstOrDefault(u => u is not null && Uri.TryCreate(u, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http")
                : null;
            _resources = (Find("PackageBaseAddress/3.0.0"), Find("RegistrationsBaseUrl"));
            return _resources.Value;
        }

        /// <summary>The SHA-512 (base64) and size the feed's catalog publishes; (null, null) when it publishes none.</summary>
        (string?, long?) PublishedHash(string registrations, string lid, string lver, CancellationToken cancel)
        {
            try
            {
                using var leaf = GetJson(new Uri($"{registrations.TrimEnd('/')}/{Uri.EscapeDataString(lid)}/{Uri.EscapeDataString(lver)}.json"), cancel);
                if (leaf is null || !leaf.RootElement.TryGetProperty("catalogEntry", out var entry)) return (null, null);
                if (entry.ValueKind == JsonValueKind.String)
                {
                    using var catalog = GetJson(new Uri(entry.GetString()!), cancel);
                    return catalog is null ? (null, null) : HashOf(catalog.RootElement);
                }
                return HashOf(entry);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidDataException or UriFormatException)
            {
                return (null, null);
            }
        }

        static (string?, long?) HashOf(JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object) return (null, null);
            string? algorithm = e.TryGetProperty("packageHashAlgorithm", out var a) ? a.GetString() : null;
            string? hash = e.TryGetProperty("packageHash", out var h) ? h.GetString() : null;
            long? size = e.TryGetProperty("packageSize", out var s) && s.TryGetInt64(out var n) ? n : null;
            return string.Equals(algorithm, "SHA512", StringComparison.OrdinalIgnoreCase) ? (hash, size) : (null, size);
        }

        JsonDocument? GetJson(Uri url, CancellationToken cancel)
        {
            using var response = Send(url, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            Check(response, url);
            using var input = response.Content.ReadAsStream(cancel);
            using var buffer = new MemoryStream();
            Streams.CopyBounded(input, buffer, MaxJsonBytes, url.ToString(), null, cancel);
            buffer.Position = 0;
            return JsonDocument.Parse(buffer);
        }

        HttpResponseMessage Send(Uri url, HttpCompletionOption completion, CancellationToken cancel)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (Source.Username is not null && SameOrigin(url, _index))
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Source.Username}:{Source.Password}")));
            try
            {
                return _http.Send(request, completion, cancel);
            }
            catch (HttpRequestException e)
            {
                throw new HttpRequestException($"Package source {Source.Name} could not be reached at {url.GetLeftPart(UriPartial.Path)}: {e.Message}", e);
            }
        }

        void Check(HttpResponseMessage response, Uri url)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new UnauthorizedAccessException($"Package source {Source.Name} refused access to {url.GetLeftPart(UriPartial.Path)} ({(int)response.StatusCode}): " +
                    "add its credentials to the packageSourceCredentials of your NuGet.Config.");
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Package source {Source.Name} answered {(int)response.StatusCode} {response.ReasonPhrase} for {url.GetLeftPart(UriPartial.Path)}.");
        }

        internal static bool SameOrigin(Uri a, Uri b) =>
            string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
    }
}

/// <summary>Copies with a byte limit that counts what really arrives, whatever a header or an archive claimed.</summary>
internal static class Streams
{
    public static long CopyBounded(Stream input, Stream output, long maxBytes, string what, IProgress<long>? progress, CancellationToken cancel)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            total += read;
            if (total > maxBytes) throw new InvalidDataException($"{what} is larger than the {maxBytes} bytes allowed for it.");
            output.Write(buffer, 0, read);
            progress?.Report(read);
        }
        return total;
    }
}
