using System.Reflection;
using System.Text.RegularExpressions;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;

namespace TriageBot.Core.Tests.Architecture;

/// <summary>
/// Core's layers, visible in its folders: the domain (<c>Domain/</c>) returns domain facts and references neither views
/// nor use cases; views (<c>Views/</c>) are pure functions of domain facts and reference no use case or port; the ports
/// (<c>Ports/</c>) carry domain and port data only and name no view, conversation type or use case.
/// </summary>
public sealed partial class LayerTests
{
    [Fact]
    public void DomainFiles_NameNoViewUseCaseOrPort()
    {
        References("Domain", LayerAbove()).ShouldBeEmpty();
    }

    [Fact]
    public void ViewFiles_NameNoUseCaseOrPort()
    {
        References("Views", UseCaseOrPort()).ShouldBeEmpty();
    }

    [Fact]
    public void PortFiles_NameNoViewConversationOrUseCase()
    {
        References("Ports", ViewConversationOrUseCase()).ShouldBeEmpty();
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

    private static Regex ViewConversationOrUseCase() => ViewConversationOrUseCaseRegex();

    [GeneratedRegex(@"\b(TriageBot\.Core\.)?(Views|Conversation|UseCases|Ports)\.[A-Z]|using TriageBot\.Core\.(Views|Conversation|UseCases|Ports);")]
    private static partial Regex LayerAboveRegex();

    [GeneratedRegex(@"\b(TriageBot\.Core\.)?(Conversation|UseCases|Ports)\.[A-Z]|using TriageBot\.Core\.(Conversation|UseCases|Ports);")]
    private static partial Regex UseCaseOrPortRegex();

    [GeneratedRegex(@"\b(TriageBot\.Core\.)?(Views|Conversation|UseCases)\.[A-Z]|using TriageBot\.Core\.(Views|Conversation|UseCases);")]
    private static partial Regex ViewConversationOrUseCaseRegex();

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
