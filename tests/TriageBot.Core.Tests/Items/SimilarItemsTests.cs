using System.Globalization;
using TriageBot.Core.Items;

namespace TriageBot.Core.Tests.Items;

/// <summary>
/// The duplicate suggestions, measured on a realistic backlog (Items/DuplicateSet.txt: 100 open items and 25 later reports
/// that each duplicate one of them). The numbers are reported in docs/rules.md.
/// </summary>
public sealed class SimilarItemsTests
{
    private static readonly (List<Item> Backlog, List<(int Original, string Title, string Description)> Duplicates) Set = Load();

    [Fact]
    public void OnTheTestSet_TheDuplicateIsAmongTheTopThree_ForNearlyEveryReport_AndMostSuggestionsAreRight()
    {
        var found = 0;
        var shown = 0;
        var right = 0;
        var misses = new List<string>();
        foreach (var (original, title, description) in Set.Duplicates)
        {
            var suggestions = SimilarItems.Rank(title, description, Set.Backlog);
            shown += suggestions.Count;
            if (suggestions.Any(s => s.Item.Number == original))
            {
                found++;
                right++;
            }
            else
            {
                misses.Add($"{original}: {title} → {string.Join(", ", suggestions.Select(s => s.Item.Number))}");
            }
        }

        var recall = (double)found / Set.Duplicates.Count;
        var precision = shown == 0 ? 0 : (double)right / shown;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reports {Set.Duplicates.Count}, recall@3 {recall:0.00}, precision@3 {precision:0.00} ({right} of {shown} suggestions); misses: {string.Join(" | ", misses)}"));

        Set.Backlog.Count.ShouldBeGreaterThanOrEqualTo(100);
        Set.Duplicates.Count.ShouldBe(25);
        recall.ShouldBeGreaterThanOrEqualTo(0.9, string.Join(" | ", misses));
        precision.ShouldBeGreaterThanOrEqualTo(0.8);
    }

    [Fact]
    public void OnTheTestSet_AReportLikeNothingElse_GetsFewSuggestions()
    {
        // Each original item, reported again as if new, against the 99 others (none of which duplicates it).
        var suggested = Set.Backlog.Sum(item => SimilarItems.Rank(item.Title, item.Description, Set.Backlog.Where(i => i.Number != item.Number)).Count);
        var perReport = (double)suggested / Set.Backlog.Count;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"false suggestions per non-duplicate report: {perReport:0.00}"));

        perReport.ShouldBeLessThan(0.5);
    }

    [Fact]
    public void ATitleSharingOnlyCommonWords_GetsNoSuggestions_AndAnEmptyReportGetsNone()
    {
        var backlog = Set.Backlog.Take(20).ToList();

        SimilarItems.Rank("the and of", null, backlog).ShouldBeEmpty();
        SimilarItems.Rank("", "", backlog).ShouldBeEmpty();
        SimilarItems.Rank("Quantum teleportation of llamas", "Entirely unrelated words", backlog).ShouldBeEmpty();
    }

    [Fact]
    public void SuggestsAtMostThree_BestFirst_AndWordFormsMeet()
    {
        var items = new[] { "Upload fails for Excel files", "Excel upload failing again", "Uploads of Excel files failed", "Excel uploading fails" }
            .Select((t, i) => TestData.Item(number: 201 + i) with { Title = t, Description = "" }).Concat(Set.Backlog).ToList();

        var ranked = SimilarItems.Rank("Excel file upload failed", null, items);

        ranked.Count.ShouldBe(3);
        ranked.Select(r => r.Score).ShouldBeInOrder(SortDirection.Descending);
        ranked.ShouldAllBe(r => r.Item.Title.Contains("Excel", StringComparison.Ordinal));
    }

    private static (List<Item>, List<(int, string, string)>) Load()
    {
        var backlog = new List<Item>();
        var duplicates = new List<(int, string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Items", "DuplicateSet.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('|');
            if (parts[0].StartsWith("dup:", StringComparison.Ordinal))
            {
                duplicates.Add((int.Parse(parts[0][4..], CultureInfo.InvariantCulture), parts[1], parts[2]));
            }
            else
            {
                var number = int.Parse(parts[0], CultureInfo.InvariantCulture);
                backlog.Add(TestData.Item(number: number) with { Title = parts[1], Description = parts[2] });
            }
        }

        return (backlog, duplicates);
    }
}
