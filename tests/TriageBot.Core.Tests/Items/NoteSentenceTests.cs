using TriageBot.Core.Items;

namespace TriageBot.Core.Tests.Items;

/// <summary>Issue 19: a capability note is at least a sentence, whatever the surface or the script.</summary>
public sealed class NoteSentenceTests
{
    [Theory]
    [InlineData(".")]
    [InlineData("ok")]
    [InlineData("Needs retrieval")]
    [InlineData("a b c d e")]
    [InlineData("… — !!! ???")]
    [InlineData("模型")]
    public void TooShortToBeASentence_IsNotANote(string text) => NoteSentence.IsASentence(text).ShouldBeFalse();

    [Theory]
    [InlineData("Reranker exists; days.")]
    [InlineData("Needs retrieval over the ticket archive; a days-long feature.")]
    [InlineData("Нужен поиск по архиву тикетов, несколько дней работы.")]
    [InlineData("需要对工单存档进行检索，大约几天的工作量。")]
    [InlineData("チケットの検索機能が必要で数日かかります")]
    public void ASentence_InAnyScript_IsANote(string text) => NoteSentence.IsASentence(text).ShouldBeTrue();
}
