using System.Globalization;
using System.Net;
using FocusFlow.Core.IO.Safetensors;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FocusFlow.Core.IO.Hub;

/// <summary>A revision of a repository as the hub API lists it.</summary>
/// <param name="Commit">The commit hash the revision points to ("sha").</param>
/// <param name="Files">Every file of that commit ("siblings" / "rfilename").</param>
public sealed record HubRevision(string Commit, IReadOnlyList<string> Files);

/// <summary>
/// The few hub requests a download needs, made as huggingface_hub makes them: the revision API, a HEAD on the
/// resolve address for a file's hash and size, and a GET (with Range when resuming) where the bytes are.
/// Every failure becomes a <see cref="HubException"/> that says what to do.
/// </summary>
public sealed class HubClient : IDisposable
{
    const int MaxRedirects = 10;
    readonly HttpClient _http;
    readonly HubOptions _options;
    readonly string _repoId;

    public HubClient(HubOptions options, string repoId)
    {
        _options = options;
        _repoId = repoId;
        // Redirects are followed by hand: the hub's redirect answer carries the file's hash and size, and the
        // token must not travel to the CDN it redirects to.
        _http = options.HttpHandler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None }, disposeHandler: true)
            : new HttpClient(options.HttpHandler, disposeHandler: false);
        _http.Timeout = System.Threading.Timeout.InfiniteTimeSpan; // our own timeouts cover answers and stalled reads
    }

    string Endpoint => _options.Endpoint.TrimEnd('/');

    /// <summary>The browser address of the repository, for messages.</summary>
    public static string RepoPage(HubOptions options, string repoId) => $"{options.Endpoint.TrimEnd('/')}/{repoId}";

    /// <summary><c>GET {endpoint}/api/models/{repo}/revision/{revision}</c>: the commit and the file list.</summary>
    public async Task<HubRevision> GetRevisionAsync(string revision, CancellationToken ct)
    {
        var url = new Uri($"{Endpoint}/api/models/{_repoId}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendAsync(HttpMethod.Get, url, from: 0, ct).ConfigureAwait(false);
        ThrowIfFailed(response, revision, null);
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            throw new HubException(HubErrorKind.Network, $"{url} did not answer with the repository's details ({e.Message}). Check HF_ENDPOINT ({Endpoint}).", _repoId, inner: e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            string? sha = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("sha", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (sha is null || !ModelReference.CommitHash().IsMatch(sha))
                throw new HubException(HubErrorKind.Network, $"{url} answered without a commit hash ('sha'). Check HF_ENDPOINT ({Endpoint}): it must be a Hugging Face hub.", _repoId);
            var files = new List<string>();
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
                foreach (var sibling in siblings.EnumerateArray())
                    if (sibling.ValueKind == JsonValueKind.Object && sibling.TryGetProperty("rfilename", out var f) && f.ValueKind == JsonValueKind.String)
                        files.Add(f.GetString()!);
            return new HubRevision(sha, files);
        }
    }

    /// <summary>
    /// <c>HEAD {endpoint}/{repo}/resolve/{commit}/{file}</c>, following only relative redirects (a renamed repository),
    /// as huggingface_hub does: a redirect to another host is where the bytes are, and its answer holds
    /// X-Linked-Etag and X-Linked-Size. The answer is checked before any of it names a file: the ETag must be a
    /// digest, a large (LFS) file must have a sha256, the size a plain number.
    /// </summary>
    public async Task<HubFileMetadata> GetFileMetadataAsync(string commit, string file, CancellationToken ct)
    {
        var url = new Uri($"{Endpoint}/{_repoId}/resolve/{Uri.EscapeDataString(commit)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");
        for (int hop = 0; ; hop++)
        {
            using var response = await SendAsync(HttpMethod.Head, url, from: 0, ct).ConfigureAwait(false);
            var location = response.Headers.Location;
            bool redirect = IsRedirect(response);
            if (redirect && IsRelative(location!))
            {
                if (hop >= MaxRedirects) throw RedirectLoop(url, file);
                url = new Uri(url, location!);
                continue;
            }
            if (!redirect) ThrowIfFailed(response, commit, file);

            var repoCommit = Header(response, "X-Repo-Commit");
            var linkedEtag = Header(response, "X-Linked-Etag");
            var etag = HubFileMetadata.NormalizeEtag(linkedEtag ?? response.Headers.ETag?.ToString() ?? Header(response, "ETag"));
            var sizeText = Header(response, "X-Linked-Size") ?? (redirect ? null : response.Content.Headers.ContentLength?.ToString(CultureInfo.InvariantCulture));
            long size = -1;
            if (repoCommit is null || etag is null || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size))
                throw new HubException(HubErrorKind.Network,
                    $"{url} answered without {(repoCommit is null ? "X-Repo-Commit" : etag is null ? "an ETag" : "a valid size")}: it does not look like a Hugging Face hub. " +
                    $"Check HF_ENDPOINT ({Endpoint}) and any proxy between here and the hub.", _repoId, file);
            if (!ModelReference.CommitHash().IsMatch(repoCommit))
                throw Unsafe(url, file, $"X-Repo-Commit '{repoCommit}', which is not a 40-digit commit hash");
            if (!HubRepoCache.IsBlobName(etag))
                throw Unsafe(url, file, $"ETag '{etag}', which is not a git or sha256 digest (40 or 64 lowercase hex digits), so it cannot name a file in the cache");
            var metadata = new HubFileMetadata(file, repoCommit, etag, size, redirect ? new Uri(url, location!) : url);
            // Large files are the ones worth verifying, and the hub always gives them a sha256: one without is refused.
            bool large = linkedEtag is not null || redirect || WeightFileLocator.IsWeightsFile(file);
            if (large && metadata.Sha256 is null)
                throw Unsafe(url, file, $"ETag '{etag}' for a large (LFS) file, which has no sha256 to verify the download against");
            return metadata;
        }
    }

    /// <summary>
    /// Starts the GET of a file's bytes from <paramref name="from"/> on (a Range request when above 0), following
    /// redirects; the token is only sent to the hub's own host. The answer is 200 (all bytes) or 206 (from the offset).
    /// </summary>
    public async Task<HttpResponseMessage> OpenDownloadAsync(HubFileMetadata file, long from, CancellationToken ct)
    {
        var url = file.Location;
        for (int hop = 0; ; hop++)
        {
            var response = await SendAsync(HttpMethod.Get, url, from, ct).ConfigureAwait(false);
            if (IsRedirect(response))
            {
                response.Dispose();
                if (hop >= MaxRedirects) throw RedirectLoop(url, file.FileName);
                url = new Uri(url, response.Headers.Location!);
                continue;
            }
            try
            {
                ThrowIfFailed(response, file.Commit, file.FileName);
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }

    static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is not null;

    /// <summary>
    /// A redirect within the hub: no scheme and no authority. <c>//host/x</c> (and <c>\\host/x</c>, which browsers
    /// and some stacks read the same way) names another host, though it has no scheme.
    /// </summary>
    static bool IsRelative(Uri location) =>
        !location.IsAbsoluteUri && !(location.OriginalString.TrimStart() is [ '/' or '\\', '/' or '\\', ..]);

    /// <summary>The token goes to the exact scheme, host and port of HF_ENDPOINT, and nowhere else.</summary>
    bool IsHub(Uri url) =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var hub) && url.IsAbsoluteUri
        && string.Equals(url.Scheme, hub.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(url.IdnHost, hub.IdnHost, StringComparison.OrdinalIgnoreCase)
        && url.Port == hub.Port;

    HubException RedirectLoop(Uri url, string file) =>
        new(HubErrorKind.Network,
            $"{file} of {_repoId}: the server redirected more than {MaxRedirects} times (last to {url.GetLeftPart(UriPartial.Path)}), a redirect loop. " +
            $"Check HF_ENDPOINT ({Endpoint}) and any proxy between here and the hub.", _repoId, file);

    HubException Unsafe(Uri url, string file, string what) =>
        new(HubErrorKind.UnsafeAnswer,
            $"{url.GetLeftPart(UriPartial.Path)} answered for {file} with {what}. It was refused and nothing was written for it: " +
            $"a real Hugging Face hub does not answer so. Check HF_ENDPOINT ({Endpoint}) and any proxy between here and the hub.", _repoId, file);

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, long from, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.UserAgent.ParseAdd("focusflow/1.0");
        // Identity encoding: sizes and byte ranges must be those of the file itself.
        request.Headers.AcceptEncoding.ParseAdd("identity");
        if (IsHub(url) && !string.IsNullOrEmpty(_options.Token))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        if (from > 0)
            request.Headers.Range = new RangeHeaderValue(from, null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new HubException(HubErrorKind.Network, $"{url.GetLeftPart(UriPartial.Authority)} did not answer within {_options.Timeout.TotalSeconds:0} s.", _repoId, inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new HubException(HubErrorKind.Network, $"Could not reach {url.GetLeftPart(UriPartial.Authority)} ({e.Message}).", _repoId, inner: e);
        }
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    /// <summary>Turns an error answer into the advice for it (the hub says which case in X-Error-Code).</summary>
    void ThrowIfFailed(HttpResponseMessage response, string revision, string? file)
    {
        int status = (int)response.StatusCode;
        if (status is >= 200 and < 300) return;
        var code = Header(response, "X-Error-Code");
        var hubMessage = Header(response, "X-Error-Message");
        var detail = $"{status} {response.ReasonPhrase}{(string.IsNullOrEmpty(hubMessage) ? "" : ": " + hubMessage)}";
        var what = file is null ? _repoId : $"{file} of {_repoId}";
        switch (status)
        {
            case 401 or 403:
                var tokenNote = string.IsNullOrEmpty(_options.Token)
                    ? "No token was sent."
                    : hubMessage == "Invalid credentials in Authorization header"
                        ? "The token was rejected: it may be mistyped or revoked."
                        : "The token that was sent has no access to it yet.";
                throw new HubException(HubErrorKind.AccessDenied,
                    $"The hub refused access to {what} ({detail}). The model is gated or private (or the id is misspelt): " +
                    $"accept the licence on {RepoPage(_options, _repoId)} with your account and set HF_TOKEN " +
                    $"(a read token from https://huggingface.co/settings/tokens). {tokenNote}",
                    _repoId, file, status);
            case 404 when code == "RevisionNotFound":
                throw new HubException(HubErrorKind.NotFound,
                    $"{_repoId} has no revision '{revision}' ({detail}). Give an existing branch, tag or commit after '@', or leave '@…' out for main.",
                    _repoId, file, status);
            case 404 when code == "EntryNotFound" || (file is not null && code != "RepoNotFound"):
                throw new HubException(HubErrorKind.NotFound,
                    $"{what} was not found at commit {revision} ({detail}), although the repository lists it. Run again; if it persists the repository is inconsistent.",
                    _repoId, file, status);
            case 404:
                throw new HubException(HubErrorKind.NotFound,
                    $"Repository {_repoId} was not found on {Endpoint} ({detail}). Check the id: it is org/name as in the address {RepoPage(_options, "org/name")}.",
                    _repoId, file, status);
            default:
                throw new HubException(HubErrorKind.Network,
                    $"The hub answered {detail} for {response.RequestMessage?.RequestUri}. It may be down or rate-limiting: wait and run again.",
                    _repoId, file, status);
        }
    }

    public void Dispose() => _http.Dispose();
}
