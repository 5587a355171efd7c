using System.Text.Json.Nodes;
using TriageBot.Core.Items;

namespace TriageBot.Core.Tests.Items;

public class ItemOutlineTests
{
    private static readonly string[] LeftOut =
    [
        "description", "links", "impactEvidence", "source", "closedRationale", "importId",
        "model.affectedSlice", "model.examples", "model.qualityFlag",
        "bug.reproSteps", "bug.expected", "bug.actual",
        "feature.problem", "feature.requestedBy", "feature.capabilityNote.text",
        "score.justifications", "dependencyNote.text",
    ];

    /// <summary>An item of each stream with every free-text field written (a feature with its capability note).</summary>
    private static IEnumerable<Item> Whole() =>
        Enum.GetValues<WorkStream>().Select(stream =>
        {
            var item = TestData.Item(stream, ItemState.Active) with
            {
                Score = TestData.Score(3, 2, 2, 1),
                Owner = TestData.Eve,
                KeepReason = "contract",
                DependencyNote = new CapabilityNote("Depends on ranking.", CapabilityScale.WeeksCapability, TestData.Eve, TestData.T0),
            };
            return (stream == WorkStream.Feature ? item.WithNote() : item).WithFreeText() with { ClosedRationale = "no longer needed" };
        });

    [Fact]
    public void Outline_LeavesOutExactlyTheLongFreeText_AndKeepsEveryOtherField()
    {
        foreach (var item in Whole())
        {
            var whole = Leaves(JsonNode.Parse(TestData.Json(item))!, "");
            var outline = Leaves(JsonNode.Parse(TestData.Json(ItemOutline.Of(item)))!, "");

            foreach (var (path, value) in whole)
            {
                if (LeftOut.Any(p => path == p || path.StartsWith(p + ".", StringComparison.Ordinal) || path.StartsWith(p + "[", StringComparison.Ordinal)))
                {
                    (outline.GetValueOrDefault(path) is null or "\"\"").ShouldBeTrue($"{item.Stream}: {path} is left out");
                }
                else
                {
                    outline.GetValueOrDefault(path).ShouldBe(value, $"{item.Stream}: {path}");
                }
            }

            ItemOutline.Of(item).Title.ShouldBe(item.Title);
        }
    }

    [Fact]
    public void Outline_SummarizesAndRanksLikeTheWholeItem()
    {
        var now = TestData.T0.AddMonths(3);
        foreach (var item in Whole())
        {
            TestData.Json(Core.Views.ItemSummaries.Of(ItemOutline.Of(item), now)).ShouldBe(TestData.Json(Core.Views.ItemSummaries.Of(item, now)));
            ItemReading.Ranking.Compare(ItemOutline.Of(item), item).ShouldBe(0);
        }
    }

    [Fact]
    public void Outline_IsMarked_ButTheMarkIsNeverSerialized()
    {
        var item = TestData.Item();

        ItemOutline.Of(item).IsOutline.ShouldBeTrue();
        item.IsOutline.ShouldBeFalse();
        TestData.Json(ItemOutline.Of(item)).ShouldNotContain("utline");
    }

    /// <summary>Every leaf value of a JSON tree by its dotted path (array entries as [i]).</summary>
    private static Dictionary<string, string> Leaves(JsonNode node, string path)
    {
        var leaves = new Dictionary<string, string>();
        void Walk(JsonNode? n, string p)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, child) in o)
                    {
                        Walk(child, p.Length == 0 ? key : $"{p}.{key}");
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        Walk(a[i], $"{p}[{i}]");
                    }

                    break;
                default:
                    leaves[p] = n?.ToJsonString() ?? "null";
                    break;
            }
        }

        Walk(node, path);
        return leaves;
    }
}
