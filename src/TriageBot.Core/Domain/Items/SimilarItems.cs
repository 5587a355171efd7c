using System.Globalization;
using System.Text;

namespace TriageBot.Core.Items;

/// <summary>An open item like a new report, with its BM25 score.</summary>
public sealed record SimilarItem(Item Item, double Score);

/// <summary>
/// Finds open items a new report may duplicate: Okapi BM25 over title and description (the title counted twice), with
/// lower-cased word tokens, a short English stop list and light suffix stripping. Pure and local: no network, no model.
/// Only items whose score is at least <see cref="RelativeCutoff"/> of the best and at least <see cref="MinimumScore"/> are
/// suggested, so a report like nothing in the backlog gets no suggestions rather than three random ones.
/// </summary>
public static class SimilarItems
{
    public const int MaxSuggestions = 3;

    /// <summary>Suggestions score at least this share of the best one.</summary>
    public const double RelativeCutoff = 0.5;

    /// <summary>
    /// And at least this much: about 2.6 rare words in common (a rare word's weight grows as ln(1 + items)), so the bar
    /// follows the backlog's size. Chosen on the test set in docs/rules.md.
    /// </summary>
    public static double MinimumScore(int candidates) => 2.6 * Math.Log(1 + candidates);

    private const double K1 = 1.2;
    private const double B = 0.75;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "has", "have", "in", "into",
        "is", "it", "its", "no", "not", "of", "on", "or", "so", "that", "the", "their", "then", "there", "this", "to", "was",
        "we", "were", "when", "which", "while", "with", "after", "before", "again", "our", "you", "your", "i", "me",
        "my", "all", "any", "some", "than", "too", "very", "just", "still", "now", "out", "up", "if", "get", "gets", "got",
    };

    /// <summary>
    /// Up to <paramref name="max"/> items of <paramref name="candidates"/> most like <paramref name="title"/> and
    /// <paramref name="description"/>, best first. The corpus statistics are those of the candidates.
    /// </summary>
    public static IReadOnlyList<SimilarItem> Rank(string title, string? description, IEnumerable<Item> candidates, int max = MaxSuggestions)
    {
        var query = Tokens(title, description).Distinct(StringComparer.Ordinal).ToList();
        var docs = candidates.Select(i => (Item: i, Terms: Counts(Tokens(i.Title, i.Description)))).ToList();
        if (query.Count == 0 || docs.Count == 0)
        {
            return [];
        }

        var averageLength = Math.Max(1.0, docs.Average(d => (double)d.Terms.Length));
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in query)
        {
            documentFrequency[term] = docs.Count(d => d.Terms.Counts.ContainsKey(term));
        }

        var scored = docs.Select(d => new SimilarItem(d.Item, Score(query, d.Terms, documentFrequency, docs.Count, averageLength)))
            .Where(s => s.Score >= MinimumScore(docs.Count))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Item.Number)
            .ToList();
        if (scored.Count == 0)
        {
            return [];
        }

        var best = scored[0].Score;
        return [.. scored.Where(s => s.Score >= best * RelativeCutoff).Take(max)];
    }

    private static double Score(List<string> query, (Dictionary<string, int> Counts, int Length) doc, Dictionary<string, int> df, int n, double averageLength)
    {
        var score = 0.0;
        foreach (var term in query)
        {
            if (!doc.Counts.TryGetValue(term, out var tf))
            {
                continue;
            }

            var idf = Math.Log(1 + ((n - df[term] + 0.5) / (df[term] + 0.5)));
            score += idf * (tf * (K1 + 1)) / (tf + (K1 * (1 - B + (B * doc.Length / averageLength))));
        }

        return score;
    }

    private static (Dictionary<string, int> Counts, int Length) Counts(IEnumerable<string> tokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var length = 0;
        foreach (var t in tokens)
        {
            counts[t] = counts.GetValueOrDefault(t) + 1;
            length++;
        }

        return (counts, length);
    }

    /// <summary>The words of an item's text for ranking; the title is counted twice (it says what the item is about).</summary>
    internal static IEnumerable<string> Tokens(string? title, string? description) =>
        Words(title).Concat(Words(title)).Concat(Words(description));

    private static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        // Long descriptions are bounded: ranking looks at the first few thousand characters.
        var sb = new StringBuilder();
        foreach (var c in text.Length > 4000 ? text[..4000] : text)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
            else if (sb.Length > 0)
            {
                if (Stem(sb.ToString()) is { } w)
                {
                    yield return w;
                }

                sb.Clear();
            }
        }

        if (sb.Length > 0 && Stem(sb.ToString()) is { } last)
        {
            yield return last;
        }
    }

    /// <summary>Drops stop words and one-letter words; strips a plural or verb ending so "fails", "failing", "failed" meet.</summary>
    private static string? Stem(string word)
    {
        if (word.Length < 2 || StopWords.Contains(word))
        {
            return null;
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s"])
        {
            if (word.Length > suffix.Length + 3 && word.EndsWith(suffix, StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal))
            {
                return word[..^suffix.Length];
            }
        }

        return word;
    }
}
