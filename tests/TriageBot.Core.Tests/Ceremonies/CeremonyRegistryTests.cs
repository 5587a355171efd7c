using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Reports;

namespace TriageBot.Core.Tests.Ceremonies;

/// <summary>Ceremonies as definitions: one registry entry per ceremony; an unknown kind is an error, never a fallback.</summary>
public sealed class CeremonyRegistryTests
{
    [Fact]
    public void EveryCeremonyKind_HasExactlyOneDefinition_AndTheRegistryIsComplete()
    {
        CeremonyRegistry.All.Select(d => d.Kind).ShouldBe(Enum.GetValues<CeremonyKind>(), ignoreOrder: true);
        CeremonyRegistry.Problems(CeremonyRegistry.All).ShouldBeEmpty();
        Should.NotThrow(() => CeremonyRegistry.EnsureComplete());
    }

    [Fact]
    public void EachDefinition_NamesItsChannelRole_AndWhatItPosts()
    {
        CeremonyRegistry.All.Select(d => (d.Kind, d.Name, d.ChannelRole, d.Report)).ShouldBe(
        [
            (CeremonyKind.WeeklyStreamReview, "Weekly stream review", ChannelRoles.Reports, CeremonyReport.WeeklyReview),
            (CeremonyKind.TriageClinic, "Triage clinic", ChannelRoles.Clinic, CeremonyReport.ClinicAgenda),
            (CeremonyKind.AllocationReview, "Stream allocation review", ChannelRoles.Reports, CeremonyReport.AllocationReview),
            (CeremonyKind.IceboxSweep, "Icebox sweep", ChannelRoles.Reports, CeremonyReport.IceboxSweep),
        ]);
    }

    [Fact]
    public void AMissingDefinition_StopsTheStart_NamingTheKind()
    {
        var incomplete = CeremonyRegistry.All.Where(d => d.Kind != CeremonyKind.IceboxSweep).ToList();

        var error = Should.Throw<InvalidOperationException>(() => CeremonyRegistry.EnsureComplete(incomplete));

        error.Message.ShouldContain("Ceremony kind 'IceboxSweep' has no definition.");
    }

    [Fact]
    public void AnUnknownKind_IsAnError_NeverAnotherCeremony()
    {
        var unknown = (CeremonyKind)99;

        Should.Throw<ArgumentOutOfRangeException>(() => CeremonyRegistry.Of(unknown)).Message.ShouldContain("No ceremony is defined for kind '99'");
        Should.Throw<ArgumentOutOfRangeException>(() => CeremonyNames.Of(unknown));
    }

    [Fact]
    public void DuplicateKindsAliasesOrNames_AndInvalidDefaults_AreEachNamed()
    {
        var weekly = CeremonyRegistry.Of(CeremonyKind.WeeklyStreamReview);
        var clinic = CeremonyRegistry.Of(CeremonyKind.TriageClinic);
        var broken = CeremonyRegistry.All
            .Append(weekly)
            .Select(d => d.Kind == CeremonyKind.AllocationReview ? d with { Aliases = ["clinic"], Name = clinic.Name } : d)
            .Select(d => d.Kind == CeremonyKind.IceboxSweep ? d with { DefaultSchedule = a => d.DefaultSchedule(a) with { LengthMinutes = 0 } } : d)
            .ToList();

        var problems = CeremonyRegistry.Problems(broken);

        problems.ShouldContain("Ceremony kind 'WeeklyStreamReview' is defined 2 times.");
        problems.ShouldContain(p => p.StartsWith("The alias 'clinic' names more than one ceremony", StringComparison.Ordinal));
        problems.ShouldContain("The name 'Triage clinic' is used by more than one ceremony.");
        problems.ShouldContain(p => p.StartsWith("Ceremony 'IceboxSweep' default schedule: Length must be between 1 and 1440 minutes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("weekly", CeremonyKind.WeeklyStreamReview)]
    [InlineData("Stream-Review", CeremonyKind.WeeklyStreamReview)]
    [InlineData("triage", CeremonyKind.TriageClinic)]
    [InlineData("alloc", CeremonyKind.AllocationReview)]
    [InlineData("icebox", CeremonyKind.IceboxSweep)]
    [InlineData("IceboxSweep", CeremonyKind.IceboxSweep)]
    public void Find_KnowsEachCeremonyByItsNameOrAnAlias(string word, CeremonyKind kind) => CeremonyRegistry.Find(word)!.Kind.ShouldBe(kind);

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("standup")]
    public void Find_KnowsNothingElse(string? word) => CeremonyRegistry.Find(word).ShouldBeNull();

    [Fact]
    public void TheScheduleCommand_KnowsEveryAliasOfTheRegistry_AsTheSameCeremony()
    {
        foreach (var d in CeremonyRegistry.All)
        {
            foreach (var alias in d.Aliases)
            {
                ScheduleParser.TryCeremony(alias, out var kind).ShouldBeTrue(alias);
                kind.ShouldBe(d.Kind, alias);
            }
        }
    }

    [Fact]
    public void TheDefaults_AreTheRegistrys()
    {
        var anchor = new DateOnly(2026, 3, 2);

        var defaults = CeremonyCalendar.Defaults(anchor);

        defaults.Keys.ShouldBe(CeremonyRegistry.All.Select(d => d.Kind));
        foreach (var d in CeremonyRegistry.All)
        {
            TestData.Json(defaults[d.Kind]).ShouldBe(TestData.Json(d.DefaultSchedule(anchor)));
        }

        ScheduleText.Describe(defaults[CeremonyKind.IceboxSweep]).ShouldBe("First Tuesday of Jan, Apr, Jul, Oct at 15:00, 90 minutes");
    }
}

/// <summary>The report a ceremony posts, read from its registry entry: the three report ceremonies map to their kind, anything else is an error.</summary>
public sealed class CeremonyReportKindsTests
{
    [Fact]
    public void EachReportingCeremony_PostsItsOwnReport_AndNoneFallsBackToTheIceboxSweep()
    {
        CeremonyRegistry.Of(CeremonyKind.WeeklyStreamReview).Report.ToReportKind().ShouldBe(ReportKind.Weekly);
        CeremonyRegistry.Of(CeremonyKind.AllocationReview).Report.ToReportKind().ShouldBe(ReportKind.Allocation);
        CeremonyRegistry.Of(CeremonyKind.IceboxSweep).Report.ToReportKind().ShouldBe(ReportKind.Icebox);
        Should.Throw<ArgumentOutOfRangeException>(() => CeremonyRegistry.Of(CeremonyKind.TriageClinic).Report.ToReportKind());
        Should.Throw<ArgumentOutOfRangeException>(() => ((CeremonyReport)99).ToReportKind());
    }
}
