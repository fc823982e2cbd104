using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FocusFlow.Core.Tests.Browser;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol (a WebSocket, no driver to install): start it
/// with a fresh profile, open one page, evaluate script in it, send real input, take screenshots. Every wait is
/// bounded. The build's test task installs chromium when it is missing (build.ps1); here a missing browser is a
/// failure that says how to get it, never a skip.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    readonly Process _process;
    readonly string _profile;
    readonly StringBuilder _log;
    readonly ClientWebSocket _socket = new();
    string? _session;
    int _id;

    HeadlessChromium(Process process, string profile, StringBuilder log) => (_process, _profile, _log) = (process, profile, log);

    /// <summary>The browser: $FOCUSFLOW_CHROMIUM, else chromium (or chromium-browser, google-chrome) on the PATH.</summary>
    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable("FOCUSFLOW_CHROMIUM") is { Length: > 0 } configured) return configured;
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
            foreach (var dir in path)
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new InvalidOperationException("chromium is not installed. `dotnet pwsh ./build.ps1 -Task Test` installs it (apt-get install -y chromium); " +
                                            "or set FOCUSFLOW_CHROMIUM to a Chromium or Chrome executable.");
    }

    public static async Task<HeadlessChromium> Start(int width, int height)
    {
        var profile = Directory.CreateTempSubdirectory("focusflow-chromium-").FullName;
        var info = new ProcessStartInfo(Executable()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-dev-shm-usage", "--hide-scrollbars",
                     $"--user-data-dir={profile}", "--remote-debugging-port=0", $"--window-size={width},{height}", "about:blank",
                 })
            info.ArgumentList.Add(a);
        var log = new StringBuilder();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start.");
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile, log);
        try
        {
            await browser.Connect();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    async Task Connect()
    {
        // Chromium writes the port it chose, and the browser's endpoint, into the profile once it listens.
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        string[]? lines = null;
        while (lines is null)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited ({_process.ExitCode}) before it listened:\n{Log}");
            if (clock.Elapsed > StartTimeout) throw new TimeoutException($"chromium did not listen within {StartTimeout.TotalSeconds} s:\n{Log}");
            if (File.Exists(portFile) && File.ReadAllLines(portFile) is { Length: >= 2 } l && l[1].StartsWith('/')) lines = l;
            else await Task.Delay(100);
        }
        using (var cts = new CancellationTokenSource(StartTimeout))
            await _socket.ConnectAsync(new Uri($"ws://127.0.0.1:{int.Parse(lines[0])}{lines[1]}"), cts.Token);
        var target = await Send("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await Send("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true });
        _session = attached["sessionId"]!.GetValue<string>();
    }

    string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Opens a URL and waits (bounded) until the document has loaded.</summary>
    public async Task Navigate(string url)
    {
        await Send("Page.enable", new JsonObject());
        var result = await Send("Page.navigate", new JsonObject { ["url"] = url });
        if (result["errorText"] is { } error) throw new InvalidOperationException($"{url}: {error}");
        var clock = Stopwatch.StartNew();
        while (await Evaluate("document.readyState") is var state && state?.GetValue<string>() != "complete")
        {
            if (clock.Elapsed > CommandTimeout) throw new TimeoutException($"{url} did not finish loading within {CommandTimeout.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }

    /// <summary>Evaluates an expression in the page (awaiting a promise) and returns its value as JSON.</summary>
    public async Task<JsonNode?> Evaluate(string expression)
    {
        var result = await Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } e) throw new InvalidOperationException($"The page threw: {e.ToJsonString()}");
        return result["result"]?["value"];
    }

    /// <summary>A real mouse click at a point of the viewport (CSS pixels).</summary>
    public async Task Click(double x, double y)
    {
        foreach (var type in new[] { "mousePressed", "mouseReleased" })
            await Send("Input.dispatchMouseEvent", new JsonObject { ["type"] = type, ["x"] = x, ["y"] = y, ["button"] = "left", ["clickCount"] = 1 });
    }

    /// <summary>A real key press (e.g. ArrowDown) sent to the focused element.</summary>
    public async Task Press(string key, int keyCode)
    {
        foreach (var type in new[] { "rawKeyDown", "keyUp" })
            await Send("Input.dispatchKeyEvent", new JsonObject { ["type"] = type, ["key"] = key, ["code"] = key, ["windowsVirtualKeyCode"] = keyCode, ["nativeVirtualKeyCode"] = keyCode });
    }

    /// <summary>A PNG of the whole page at <paramref name="width"/> CSS pixels (a phone when <paramref name="mobile"/>).</summary>
    public async Task<byte[]> Screenshot(int width, bool mobile)
    {
        await Send("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = 800, ["deviceScaleFactor"] = 1, ["mobile"] = mobile });
        var height = (await Evaluate("Math.ceil(document.documentElement.scrollHeight)"))!.GetValue<double>();
        await Send("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = (int)Math.Min(height, 16000), ["deviceScaleFactor"] = 1, ["mobile"] = mobile });
        var shot = await Send("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    async Task<JsonNode> Send(string method, JsonObject parameters)
    {
        int id = ++_id;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (_session is not null && !method.StartsWith("Target.", StringComparison.Ordinal)) message["sessionId"] = _session;
        using var cts = new CancellationTokenSource(CommandTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await _socket.ReceiveAsync(buffer, cts.Token);
                if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"chromium closed the connection during {method}:\n{Log}");
                text.Write(buffer, 0, part.Count);
                if (text.Length > 256 << 20) throw new InvalidDataException($"A DevTools message over 256 MB during {method}.");
            } while (!part.EndOfMessage);
            var reply = JsonNode.Parse(text.ToArray())!;
            if (reply["id"]?.GetValue<int>() != id) continue;   // an event, or a reply to nothing we wait for
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method} failed: {error.ToJsonString()}");
            return reply["result"] ?? new JsonObject();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                    await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        _socket.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
