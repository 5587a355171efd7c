using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// A command whose answer takes time answers in one post (issue 19): through the real host with real JWTs and the fake
/// Connector, the acknowledgement is one new activity, and the report arrives as an update of that activity.
/// </summary>
public sealed class TeamsOnePostTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    [Theory]
    [InlineData("report weekly", "Weekly stream review")]
    [InlineData("report allocation", "Stream allocation review")]
    [InlineData("report icebox", "Icebox sweep")]
    public async Task AReportCommand_IsOnePost_TheAcknowledgementIsUpdatedIntoTheReport(string command, string title)
    {
        await SetUpAsync(People.Ada);

        var delivered = await CommandAsync(People.Ada, command);

        var posts = delivered.Where(d => d.Call.Method == "POST").ToList();
        var updates = delivered.Where(d => d.Call.Method == "PUT").ToList();
        posts.ShouldHaveSingleItem().Text.ShouldContain("Preparing the ");
        var report = updates.ShouldHaveSingleItem();
        report.Text.ShouldContain(title);
        report.Call.Path.ShouldEndWith("/activities/" + posts[0].ActivityId);
    }
}
