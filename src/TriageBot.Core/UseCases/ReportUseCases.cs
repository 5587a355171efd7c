using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>Reports and clinics on demand: <c>report</c> and <c>clinic</c> (SPEC §5, §6).</summary>
internal sealed class ReportUseCases(UseCaseContext context, Clinics clinics, Sweeps sweeps) : IUseCase
{
    public void Register(Handlers h)
    {
        h.OnCommand<ReportCommand>(async (c, cmd) =>
        {
            var backlog = c.RequireBacklog();
            Permissions.Require(c.Role, Permission.RunReports, "run reports");
            // One post: the acknowledgement, updated into the report when it is ready (issue 19).
            var place = c.Interaction.Place with { UserId = null };
            if (cmd.Kind == ReportKind.Icebox)
            {
                await sweeps.PostAsync(backlog, [place], c.Now, late: false, c.Ct,
                    acknowledgement: new TextView("Preparing the icebox sweep list (a preview: nothing changes until someone decides a row)…"));
            }
            else
            {
                var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"report:{backlog.Id}:{cmd.Kind}:{c.Now.UtcTicks}:{Guid.NewGuid():N}");
                await OnePost.QueueAsync(context, c, place, new TextView($"Preparing the {cmd.Kind.ToString().ToLowerInvariant()} report…"), new LiveReportView(backlog.Id, cmd.Kind), name);
            }

            return NoOutcome.Instance;
        });
        h.OnCommand<ClinicCommand>(async (c, _) =>
        {
            var backlog = c.RequireBacklog();
            Permissions.Require(c.Role, Permission.StartClinic, "start a clinic");
            var id = LedgerIds.ManualClinic(c.Now).ToString();
            await context.Store.Ledger.TryClaimAsync(new LedgerEntry(backlog.Id, CeremonyKind.TriageClinic, id, c.Now, c.Now, c.Actor.Key, OccurrenceOutcome.Posted), c.Ct);
            var count = await clinics.StartAsync(backlog, [c.Interaction.Place with { UserId = null, ThreadId = null }], id, c.Now, late: false, c.Ct);
            return Answers.Info(count == 0 ? "Clinic started: the agenda is empty." : $"Clinic started with {Plural.Of(count, "item")} on the agenda. Ballots follow in the thread.", Tone.Success);
        });
    }
}
