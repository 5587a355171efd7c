using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using TriageBot.Slack.Endpoints;

namespace TriageBot.Slack.Tests;

/// <summary>
/// An interaction's <c>payload</c> field is read straight from the signed body's bytes. It must decode exactly as the
/// framework's form reader does, and refuse what that reader's callers refused.
/// </summary>
public sealed class FormFieldTests
{
    private static byte[]? Read(string body) => new VerifiedBody(Encoding.UTF8.GetBytes(body)).TryReadSingleField("payload"u8);

    public static TheoryData<string> Values => new()
    {
        "{\"type\":\"block_actions\"}",
        "a b+c&d=e%f %% %2 %zz ~!*'()",
        "Привет, 世界 👋🏽 <https://example.com|link> `code` \"quoted\"",
        "",
        new string('x', 10_000),
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void TheValue_DecodesToWhatTheFrameworkFormReaderReads(string value)
    {
        foreach (var body in new[] { "payload=" + Uri.EscapeDataString(value), "payload=" + Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal), "token=x&payload=" + Uri.EscapeDataString(value) + "&other=1" })
        {
            var framework = QueryHelpers.ParseQuery(body)["payload"].ToString();
            Encoding.UTF8.GetString(Read(body).ShouldNotBeNull()).ShouldBe(framework, body.Length > 200 ? body[..200] : body);
        }
    }

    [Fact]
    public void PlusIsASpace_AndBrokenEscapesStayAsTheyAre()
    {
        const string body = "payload=a+b%2Bc%2%zz%";
        Encoding.UTF8.GetString(Read(body).ShouldNotBeNull()).ShouldBe("a b+c%2%zz%");
        QueryHelpers.ParseQuery(body)["payload"].ToString().ShouldBe("a b+c%2%zz%");
    }

    [Theory]
    [InlineData("other=1", "no payload field")]
    [InlineData("payload=1&payload=2", "the field twice")]
    [InlineData("payload=%FF%FE", "a value that is not UTF-8 once decoded")]
    [InlineData("pay%6Coad=1&payload=2", "the field twice, once with an escaped name")]
    public void Refused(string body, string because)
    {
        Read(body).ShouldBeNull(because);
    }

    [Fact]
    public void ABodyThatIsNotUtf8_IsRefused()
    {
        new VerifiedBody([.. "payload="u8, 0xC3, 0x28]).TryReadSingleField("payload"u8).ShouldBeNull();
    }

    [Fact]
    public void AnEscapedFieldName_IsRead()
    {
        Encoding.UTF8.GetString(Read("pay%6Coad=%7B%7D").ShouldNotBeNull()).ShouldBe("{}");
    }
}
