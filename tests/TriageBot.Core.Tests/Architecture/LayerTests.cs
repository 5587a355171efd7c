using System.Reflection;
using System.Text.RegularExpressions;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;

namespace TriageBot.Core.Tests.Architecture;

/// <summary>
/// Core's layers, visible in its folders: the domain (<c>Domain/</c>) returns domain facts and references neither views
/// nor use cases; views (<c>Views/</c>) are pure functions of domain facts and reference no use case or port.
/// </summary>
public sealed partial class LayerTests
{
    /// <summary>The one view that still names a use-case type until <c>ReportKind</c> moves out of Conversation.</summary>
    private static readonly string[] ViewExceptions =
    [
        "Views/Views.cs: public sealed record LiveReportView(string BacklogId, Conversation.ReportKind Kind) : View, ILiveView",
    ];

    [Fact]
    public void DomainFiles_NameNoViewUseCaseOrPort()
    {
        References("Domain", LayerAbove()).ShouldBeEmpty();
    }

    [Fact]
    public void ViewFiles_NameNoUseCaseOrPort_ExceptTheListedOne()
    {
        var offending = References("Views", UseCaseOrPort()).Where(r => !ViewExceptions.Contains(r)).ToList();

        offending.ShouldBeEmpty();
    }

    [Fact]
    public void DomainFolders_HoldTheDomainNamespaces_AndViewsHoldNone()
    {
        var folders = Directory.GetDirectories(Path.Combine(CoreSource(), "Domain")).Select(Path.GetFileName).Order().ToList();

        folders.ShouldBe(["Allocation", "Backlogs", "Ceremonies", "Items", "Reports", "Rubric", "Streams", "Voting"]);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(CoreSource(), "Domain", folder!), "*.cs", SearchOption.AllDirectories))
            {
                File.ReadAllText(file).ShouldContain($"namespace TriageBot.Core.{folder};", customMessage: file);
            }
        }
    }

    private static Regex LayerAbove() => LayerAboveRegex();

    private static Regex UseCaseOrPort() => UseCaseOrPortRegex();

    [GeneratedRegex(@"\b(TriageBot\.Core\.)?(Views|Conversation|UseCases|Ports)\.[A-Z]|using TriageBot\.Core\.(Views|Conversation|UseCases|Ports);")]
    private static partial Regex LayerAboveRegex();

    [GeneratedRegex(@"\b(TriageBot\.Core\.)?(Conversation|UseCases|Ports)\.[A-Z]|using TriageBot\.Core\.(Conversation|UseCases|Ports);")]
    private static partial Regex UseCaseOrPortRegex();

    /// <summary>Every line of the folder's sources (comments left out) that matches, as <c>folder/file: trimmed line</c>.</summary>
    private static IEnumerable<string> References(string folder, Regex pattern)
    {
        var root = CoreSource();
        foreach (var file in Directory.GetFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file).Select(l => l.Trim()).Where(l => !l.StartsWith("//", StringComparison.Ordinal)))
            {
                if (pattern.IsMatch(line))
                {
                    yield return $"{Path.GetRelativePath(root, file).Replace('\\', '/')}: {line}";
                }
            }
        }
    }

    private static string CoreSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var core = Path.Combine(dir.FullName, "src", "TriageBot.Core");
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")) && Directory.Exists(core))
            {
                return core;
            }
        }

        throw new InvalidOperationException("The repository's src/TriageBot.Core was not found above " + AppContext.BaseDirectory);
    }
}
