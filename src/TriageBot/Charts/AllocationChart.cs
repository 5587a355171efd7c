using TriageBot.Core.Allocation;

namespace TriageBot.Charts;

/// <summary>
/// Draws the allocation review as a bar chart: per stream (model, bug, feature, left to right) a planned bar and an
/// actual bar side by side, on a 0–100% scale with a gridline every 10 points. No text: the message carries the labels
/// and the figures, so the picture needs no fonts.
/// </summary>
public static class AllocationChart
{
    public const int Width = 480;
    public const int Height = 240;
    public const int Margin = 20;

    /// <summary>The planned bars' colour (light blue).</summary>
    public static readonly (byte R, byte G, byte B) PlannedColor = (0x9E, 0xC5, 0xEA);
    /// <summary>Actual bars within 10 points of plan (dark blue).</summary>
    public static readonly (byte R, byte G, byte B) ActualColor = (0x1F, 0x4E, 0x8C);
    /// <summary>Actual bars off plan by more than 10 points (red).</summary>
    public static readonly (byte R, byte G, byte B) OffPlanColor = (0xC6, 0x28, 0x28);
    private static readonly (byte R, byte G, byte B) Background = (0xFF, 0xFF, 0xFF);
    private static readonly (byte R, byte G, byte B) Grid = (0xE3, 0xE3, 0xE3);
    private static readonly (byte R, byte G, byte B) Axis = (0x60, 0x60, 0x60);

    /// <summary>The x range of a stream's planned (<paramref name="actual"/> false) or actual bar: <c>[left, right)</c>.</summary>
    public static (int Left, int Right) BarColumns(int streamIndex, bool actual)
    {
        var group = (Width - 2 * Margin) / 3;
        var left = Margin + streamIndex * group + group / 6 + (actual ? group / 3 : 0);
        return (left, left + group / 3);
    }

    /// <summary>The bar height in pixels for a share in percent.</summary>
    public static int BarHeight(double percent) => (int)Math.Round(Math.Clamp(percent, 0, 100) / 100 * (Height - 2 * Margin));

    /// <summary>The y of the chart's baseline (the first row below the bars).</summary>
    public static int Baseline => Height - Margin;

    public static byte[] RenderPng(IReadOnlyList<StreamAllocation> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var pixels = new byte[Width * Height * 3];
        Fill(pixels, 0, 0, Width, Height, Background);
        for (var p = 0; p <= 100; p += 10)
        {
            var y = Baseline - BarHeight(p);
            Fill(pixels, Margin, y, Width - Margin, y + 1, p == 0 ? Axis : Grid);
        }

        for (var i = 0; i < streams.Count && i < 3; i++)
        {
            var s = streams[i];
            var (pl, pr) = BarColumns(i, actual: false);
            Fill(pixels, pl, Baseline - BarHeight(s.Planned), pr, Baseline, PlannedColor);
            if (s.Actual is { } actual)
            {
                var (al, ar) = BarColumns(i, actual: true);
                Fill(pixels, al, Baseline - BarHeight(actual), ar, Baseline, s.OffPlan ? OffPlanColor : ActualColor);
            }
        }

        return PngEncoder.Encode(Width, Height, pixels);
    }

    private static void Fill(byte[] pixels, int x0, int y0, int x1, int y1, (byte R, byte G, byte B) c)
    {
        for (var y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
        {
            for (var x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
            {
                var at = (y * Width + x) * 3;
                pixels[at] = c.R;
                pixels[at + 1] = c.G;
                pixels[at + 2] = c.B;
            }
        }
    }
}
