using System.Globalization;
using TriageBot.Core.Allocation;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Dashboard;

/// <summary>
/// The planned-vs-actual allocation chart as inline SVG, drawn on the server so the page needs no script. Narrow on
/// purpose (each stream's name on its own line above its two bars), so on a 390 px phone it is drawn at about its
/// own size and its labels stay at 13–15 px. Colours are presentation attributes (not style attributes), which the
/// dashboard's strict CSP allows; every fill and text colour passes WCAG AA on white.
/// </summary>
internal static class AllocationChart
{
    private const int Width = 360;
    private const int BarHeight = 16;
    private const int RowHeight = 70;
    private const int Top = 52;
    private const int PercentWidth = 110;
    public const string PlannedFill = "#6b7f99";
    public const string ActualFill = "#1f4e8c";
    public const string OffPlanFill = "#a3320b";
    private const string Ink = "#1b1b1b";

    public static void Write(Html html, AllocationReview review)
    {
        var rows = review.Streams;
        var height = Top + rows.Count * RowHeight;
        var plot = Width - PercentWidth;
        html.Raw(Invariant($"<svg class=\"chart\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"alloc-title alloc-desc\" xmlns=\"http://www.w3.org/2000/svg\">"));
        html.Raw("<title id=\"alloc-title\">Planned versus actual allocation</title>");
        html.Open("desc", null, ("id", "alloc-desc"));
        html.Text(string.Join("; ", rows.Select(r => $"{Wording.StreamHeading(r.Stream)}: planned {r.Planned}%, actual {Percent(r.Actual)}")));
        html.Close("desc");

        // Legend, on two lines.
        Swatch(html, 0, 4, PlannedFill, "planned");
        Swatch(html, 100, 4, ActualFill, "actual");
        Swatch(html, 0, 26, OffPlanFill, $"actual, off plan by more than {AllocationPlan.DeviationLimitPoints} points");

        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = Top + i * RowHeight;
            var planned = plot * r.Planned / 100.0;
            var actual = plot * Math.Min(100, r.Actual ?? 0) / 100.0;
            html.Raw(Invariant($"<text x=\"0\" y=\"{y + 14}\" font-size=\"15\" font-weight=\"600\" fill=\"{Ink}\">"));
            html.Text(Wording.StreamHeading(r.Stream));
            html.Raw("</text>");
            var bar1 = y + 20;
            var bar2 = bar1 + BarHeight + 4;
            html.Raw(Invariant($"<rect x=\"0\" y=\"{bar1}\" width=\"{planned:0.#}\" height=\"{BarHeight}\" fill=\"{PlannedFill}\"/>"));
            html.Raw(Invariant($"<text x=\"{planned + 6:0.#}\" y=\"{bar1 + 13}\" font-size=\"14\" fill=\"{Ink}\">{r.Planned}% planned</text>"));
            html.Raw(Invariant($"<rect x=\"0\" y=\"{bar2}\" width=\"{actual:0.#}\" height=\"{BarHeight}\" fill=\"{(r.OffPlan ? OffPlanFill : ActualFill)}\"/>"));
            html.Raw(Invariant($"<text x=\"{actual + 6:0.#}\" y=\"{bar2 + 13}\" font-size=\"14\" fill=\"{Ink}\">{(r.Actual is null ? "no active work" : Percent(r.Actual) + " actual")}</text>"));
        }

        html.Raw("</svg>");
    }

    private static void Swatch(Html html, int x, int y, string fill, string label)
    {
        html.Raw(Invariant($"<rect x=\"{x}\" y=\"{y}\" width=\"14\" height=\"14\" fill=\"{fill}\"/>"));
        html.Raw(Invariant($"<text x=\"{x + 20}\" y=\"{y + 12}\" font-size=\"14\" fill=\"{Ink}\">"));
        html.Text(label);
        html.Raw("</text>");
    }

    public static string Percent(double? value) =>
        value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) + "%" : "no active work";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
