using System.Globalization;
using TriageBot.Core.Allocation;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Dashboard;

/// <summary>
/// The planned-vs-actual allocation chart as inline SVG, drawn on the server so the page needs no script. Colours are
/// presentation attributes (not style attributes), which the dashboard's strict CSP allows.
/// </summary>
internal static class AllocationChart
{
    private const int Width = 640;
    private const int LabelWidth = 130;
    private const int BarHeight = 16;
    private const int RowHeight = 52;
    private const int Top = 30;
    private const string PlannedFill = "#8fa8c8";
    private const string ActualFill = "#1f4e8c";
    private const string OffPlanFill = "#a3320b";

    public static void Write(Html html, AllocationReview review)
    {
        var rows = review.Streams;
        var height = Top + rows.Count * RowHeight + 10;
        var plot = Width - LabelWidth - 70;
        html.Raw(Invariant($"<svg class=\"chart\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-labelledby=\"alloc-title alloc-desc\" xmlns=\"http://www.w3.org/2000/svg\">"));
        html.Raw("<title id=\"alloc-title\">Planned versus actual allocation</title>");
        html.Open("desc", null, ("id", "alloc-desc"));
        html.Text(string.Join("; ", rows.Select(r => $"{Wording.StreamHeading(r.Stream)}: planned {r.Planned}%, actual {Percent(r.Actual)}")));
        html.Close("desc");

        // Legend.
        html.Raw(Invariant($"<rect x=\"{LabelWidth}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{PlannedFill}\"/>"));
        html.Raw(Invariant($"<text x=\"{LabelWidth + 18}\" y=\"16\" font-size=\"13\" fill=\"#1b1b1b\">planned</text>"));
        html.Raw(Invariant($"<rect x=\"{LabelWidth + 90}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{ActualFill}\"/>"));
        html.Raw(Invariant($"<text x=\"{LabelWidth + 108}\" y=\"16\" font-size=\"13\" fill=\"#1b1b1b\">actual</text>"));
        html.Raw(Invariant($"<rect x=\"{LabelWidth + 170}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{OffPlanFill}\"/>"));
        html.Raw(Invariant($"<text x=\"{LabelWidth + 188}\" y=\"16\" font-size=\"13\" fill=\"#1b1b1b\">actual, off plan by more than {AllocationPlan.DeviationLimitPoints} points</text>"));

        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = Top + i * RowHeight;
            var planned = plot * r.Planned / 100.0;
            var actual = plot * (r.Actual ?? 0) / 100.0;
            html.Raw(Invariant($"<text x=\"0\" y=\"{y + BarHeight + 4}\" font-size=\"14\" fill=\"#1b1b1b\">"));
            html.Text(Wording.StreamHeading(r.Stream));
            html.Raw("</text>");
            html.Raw(Invariant($"<rect x=\"{LabelWidth}\" y=\"{y}\" width=\"{planned:0.#}\" height=\"{BarHeight}\" fill=\"{PlannedFill}\"/>"));
            html.Raw(Invariant($"<text x=\"{LabelWidth + planned + 6:0.#}\" y=\"{y + 13}\" font-size=\"12\" fill=\"#1b1b1b\">{r.Planned}%</text>"));
            html.Raw(Invariant($"<rect x=\"{LabelWidth}\" y=\"{y + BarHeight + 4}\" width=\"{actual:0.#}\" height=\"{BarHeight}\" fill=\"{(r.OffPlan ? OffPlanFill : ActualFill)}\"/>"));
            html.Raw(Invariant($"<text x=\"{LabelWidth + actual + 6:0.#}\" y=\"{y + BarHeight + 17}\" font-size=\"12\" fill=\"#1b1b1b\">{Percent(r.Actual)}</text>"));
        }

        html.Raw("</svg>");
    }

    public static string Percent(double? value) =>
        value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) + "%" : "no active work";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
