using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using TriageBot.Slack.Tests;

namespace TriageBot.Tests.Browser;

/// <summary>
/// The dashboard looks as it did: Chromium screenshots at 1280 and 390 px, on a clock stopped at one instant and the
/// demo data, compared with checked-in baselines (half-size PNGs in <c>Browser/Baselines/</c>) with a tolerance for
/// anti-aliasing. A deliberate change of the pages is recorded by running the tests once with
/// <c>TRIAGEBOT_UPDATE_BASELINES=1</c> and committing the new PNGs after looking at them.
/// </summary>
public sealed class DashboardBaselineTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    /// <summary>A pixel differs when a colour channel moved by more than this (0–255).</summary>
    private const int ChannelTolerance = 48;

    /// <summary>At most this share of the pixels may differ.</summary>
    private const double PixelTolerance = 0.01;

    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 30, 0, TimeSpan.Zero);

    private readonly KestrelHost _host = new(clock: new FixedClock(Now));

    private static string BaselineDirectory => Path.Combine(RepoTools.Root, "tests", "TriageBot.Tests", "Browser", "Baselines");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData("dashboard", "", 1280, 900)]
    [InlineData("dashboard", "", 390, 844)]
    [InlineData("item", "/items/2", 1280, 900)]
    [InlineData("item", "/items/2", 390, 844)]
    public async Task ThePage_MatchesItsBaselineScreenshot_WithinTolerance(string name, string path, int width, int height)
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, width, height);
        (await page.GotoAsync(dashboard + path))!.Status.ShouldBe(200);
        await page.EvaluateAsync("() => document.fonts.ready");

        var shot = await page.ScreenshotAsync(new() { Animations = ScreenshotAnimations.Disabled, Caret = ScreenshotCaret.Hide });
        var file = $"{name}-{width}.png";
        var baselinePath = Path.Combine(BaselineDirectory, file);
        var baseline = File.Exists(baselinePath) ? await File.ReadAllBytesAsync(baselinePath, TestContext.Current.CancellationToken) : null;

        var result = await CompareAsync(page, shot, baseline);
        var actual = Convert.FromBase64String(result.Png["data:image/png;base64,".Length..]);
        Directory.CreateDirectory(ChromiumFixture.ScreenshotDirectory);
        await File.WriteAllBytesAsync(Path.Combine(ChromiumFixture.ScreenshotDirectory, "baseline-actual-" + file), actual, TestContext.Current.CancellationToken);
        if (Environment.GetEnvironmentVariable("TRIAGEBOT_UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(BaselineDirectory);
            await File.WriteAllBytesAsync(baselinePath, actual, TestContext.Current.CancellationToken);
            return;
        }

        baseline.ShouldNotBeNull($"No baseline {baselinePath}: run once with TRIAGEBOT_UPDATE_BASELINES=1, look at it, commit it.");
        result.SameSize.ShouldBeTrue($"{file}: the page is {result.Width}×{result.Height} at half size, the baseline is not");
        result.Differing.ShouldBeLessThanOrEqualTo(PixelTolerance, $"{file}: {result.Differing:P2} of the pixels differ; see TestResults/screenshots/baseline-actual-{file}");
    }

    [Fact]
    public async Task TheComparison_NoticesAChangedPage()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, 1280, 900);
        await page.GotoAsync(dashboard);
        var before = await page.ScreenshotAsync();
        await page.EvaluateAsync("() => { document.querySelector('h1').textContent = 'Someone else\\'s backlog, renamed'; document.body.style.padding = '3rem'; }");
        var after = await page.ScreenshotAsync();

        var half = await CompareAsync(page, before, null);
        var same = await CompareAsync(page, before, Convert.FromBase64String(half.Png["data:image/png;base64,".Length..]));
        var changed = await CompareAsync(page, after, Convert.FromBase64String(half.Png["data:image/png;base64,".Length..]));

        same.Differing.ShouldBe(0);
        changed.Differing.ShouldBeGreaterThan(PixelTolerance);
    }

    private sealed record Comparison(string Png, int Width, int Height, bool SameSize, double Differing);

    /// <summary>In the browser: the screenshot scaled to half size, and the share of its pixels that differ from the baseline's.</summary>
    private static async Task<Comparison> CompareAsync(IPage page, byte[] screenshot, byte[]? baseline)
    {
        // On a blank page of its own: the dashboard's Content-Security-Policy rightly refuses data: images.
        var blank = await page.Context.NewPageAsync();
        try
        {
            return await CompareOnAsync(blank, screenshot, baseline);
        }
        finally
        {
            await blank.CloseAsync();
        }
    }

    private static async Task<Comparison> CompareOnAsync(IPage page, byte[] screenshot, byte[]? baseline)
    {
        var json = await page.EvaluateAsync<JsonElement>("""
            async ([shot, base, tolerance]) => {
              const load = (src) => new Promise((ok, fail) => { const i = new Image(); i.onload = () => ok(i); i.onerror = fail; i.src = src; });
              const pixels = (img, w, h) => { const c = document.createElement('canvas'); c.width = w; c.height = h; const x = c.getContext('2d'); x.imageSmoothingQuality = 'high'; x.drawImage(img, 0, 0, w, h); return [c, x.getImageData(0, 0, w, h).data]; };
              const a = await load(shot);
              const w = Math.round(a.naturalWidth / 2), h = Math.round(a.naturalHeight / 2);
              const [canvas, mine] = pixels(a, w, h);
              const png = canvas.toDataURL('image/png');
              if (!base) return { png, width: w, height: h, sameSize: false, differing: 1 };
              const b = await load(base);
              if (b.naturalWidth !== w || b.naturalHeight !== h) return { png, width: w, height: h, sameSize: false, differing: 1 };
              const [, theirs] = pixels(b, w, h);
              let differing = 0;
              for (let i = 0; i < mine.length; i += 4) {
                if (Math.abs(mine[i] - theirs[i]) > tolerance || Math.abs(mine[i + 1] - theirs[i + 1]) > tolerance || Math.abs(mine[i + 2] - theirs[i + 2]) > tolerance) differing++;
              }
              return { png, width: w, height: h, sameSize: true, differing: differing / (w * h) };
            }
            """, new object?[] { "data:image/png;base64," + Convert.ToBase64String(screenshot), baseline is null ? null : "data:image/png;base64," + Convert.ToBase64String(baseline), ChannelTolerance });
        return new Comparison(json.GetProperty("png").GetString()!, json.GetProperty("width").GetInt32(), json.GetProperty("height").GetInt32(),
            json.GetProperty("sameSize").GetBoolean(), json.GetProperty("differing").GetDouble());
    }

    private async Task<string> SeedAsync()
    {
        using var http = _host.Http();
        var seeded = await (await http.PostAsJsonAsync("/playground/api/seed", new { })).Content.ReadFromJsonAsync<JsonElement>();
        return seeded.GetProperty("dashboard").GetString()!;
    }
}
