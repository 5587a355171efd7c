using System.Text.Json;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using static TriageBot.Core.UseCases.IntakeForms;

namespace TriageBot.Core.UseCases;

/// <summary>Reporting items: the intake form, from a command, a button or a chat message; and capability notes.</summary>
internal sealed class IntakeUseCases(UseCaseContext context, ItemChanges changes) : IUseCase
{
    private readonly DuplicateIntake _duplicates = new(context);

    public void Register(Handlers h)
    {
        h.OnCommand<NewCommand>((c, cmd) =>
        {
            IntakeForms.RequireBacklogOrChoice(c);
            Permissions.Require(c.Role, Permission.Report, "report items");
            if (cmd.Stream is { } stream)
            {
                return Task.FromResult<Outcome>(new OpenFormOutcome(IntakeForm(c, IntakeContext.New(c, null, c.Interaction.Place.ThreadId, stream))));
            }

            return Task.FromResult<Outcome>(new ReplyOutcome(new TextView("What kind of item is it?")
            {
                Actions =
                [
                    new(ButtonIds.NewItem, "Model quality", "model"),
                    new(ButtonIds.NewItem, "Engineering bug", "bug"),
                    new(ButtonIds.NewItem, "Feature request", "feature"),
                    new(ButtonIds.NewItem, "Incident", "incident"),
                ],
            }));
        });
        h.OnAction(ButtonIds.NewItem, (c, arg) =>
        {
            IntakeForms.RequireBacklogOrChoice(c);
            var stream = Enum.TryParse<WorkStream>(arg, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : WorkStream.Bug;
            return Task.FromResult<Outcome>(new OpenFormOutcome(IntakeForm(c, IntakeContext.New(c, null, c.Interaction.Place.ThreadId, stream))));
        });
        h.OnForm(FormIds.Intake, SubmitIntakeAsync);
        h.OnFormRefresh(FormIds.Intake, (c, f) =>
        {
            // Only redraws the form: nothing is stored, so it needs no more than the form itself carries.
            var intake = DecodeIntake(f.Argument) ?? new IntakeContext(null, null, ParseStream(f.Values));
            return Task.FromResult<Outcome>(SwitchedStream(c, intake, f.Values));
        });
        h.OnReportMessage(OpenIntakeFromMessageAsync);

        h.OnCommand<NoteCommand>(async (c, cmd) =>
        {
            Permissions.Require(c.Role, Permission.WriteCapabilityNote, "write capability notes");
            return new OpenFormOutcome(Forms.CapabilityNote(context.Summarize(c, await context.LoadAsync(c, cmd.Key))));
        });
        h.OnAction(ButtonIds.AddCapabilityNote, async (c, arg) =>
        {
            Permissions.Require(c.Role, Permission.WriteCapabilityNote, "write capability notes");
            return new OpenFormOutcome(Forms.CapabilityNote(context.Summarize(c, await context.LoadAsync(c, arg))));
        });
        h.OnForm(FormIds.CapabilityNote, (c, f) => changes.FormChangeAsync(c, f, Permission.WriteCapabilityNote, "write capability notes",
            (item, now) => CapabilityNoteRules.AddCapabilityNote(item, Answers.Value(f, FieldIds.NoteText),
                CapabilityNoteRules.ParseScale(Answers.Value(f, FieldIds.NoteScale)), c.Actor, now),
            (item, errors) => Forms.CapabilityNote(context.Summarize(c, item), f.Values, errors),
            i => i.HeldPlacement is null && i.State is ItemState.Ready or ItemState.Sprint
                ? $"Capability note saved. {i.Key} is now in {i.State}."
                : $"Capability note saved on {i.Key}."));
    }

    private Task<Outcome> OpenIntakeFromMessageAsync(RequestContext c, ReportMessageIntent r)
    {
        IntakeForms.RequireBacklogOrChoice(c);
        Permissions.Require(c.Role, Permission.Report, "report items");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(r.MessageText))
        {
            var text = r.MessageText.Trim();
            var firstLine = text.Split('\n', 2)[0].Trim();
            values[FieldIds.Title] = firstLine.Length > 150 ? firstLine[..149] + "…" : firstLine;
            values[FieldIds.Description] = text.Length > 3000 ? text[..2999] + "…" : text;
        }

        if (r.Source?.Link is { } link)
        {
            values[FieldIds.Link] = link;
        }

        var intake = IntakeContext.New(c, r.Source, c.Interaction.Place.ThreadId ?? r.Source?.MessageId, r.Stream ?? WorkStream.Bug);
        return Task.FromResult<Outcome>(new OpenFormOutcome(IntakeForm(c, intake, values)));
    }

    private async Task<Outcome> SubmitIntakeAsync(RequestContext c, FormSubmitIntent f)
    {
        var intake = DecodeIntake(f.Argument) ?? new IntakeContext(null, null, ParseStream(f.Values));
        if (c.Backlog is null && intake.Backlogs is { Count: > 1 })
        {
            // Someone in several backlogs has not picked one (or picked one they do not belong to).
            return new FormErrorsOutcome(IntakeForm(c, intake, f.Values, [new FieldError(Forms.BacklogField, "Choose one of your backlogs.")]));
        }

        var backlog = c.RequireBacklog();
        Permissions.Require(c.Role, Permission.Report, "report items");
        var formStream = ParseStream(f.Values, intake.Stream);
        if (intake.DuplicatesChecked && intake.SimilarIn is { } suggestedIn && suggestedIn != backlog.Id)
        {
            // Someone in several backlogs chose another one after the suggestions: those numbers name items of the first
            // backlog, so they are forgotten and the report is compared with the items of the backlog now chosen.
            intake = intake with { DuplicatesChecked = false, Similar = null, SimilarIn = null };
        }

        // The stream choice changed: show that stream's fields, keeping everything typed so far.
        if (formStream != intake.Stream)
        {
            return SwitchedStream(c, intake, f.Values);
        }

        var errors = ItemValidation.Validate(formStream, f.Values).ToList();

        // The success metric is the facilitator's (PM's) to set. The form offers it to them only; a metric sent anyway is
        // refused on its field, with everything typed kept, so the person can move it into the description.
        if (formStream == WorkStream.Feature && !Permissions.Allows(c.Role, Permission.SetSuccessMetric)
            && f.Values.TryGetValue(FieldIds.SuccessMetric, out var metric) && !string.IsNullOrWhiteSpace(metric))
        {
            errors.Add(new FieldError(FieldIds.SuccessMetric,
                $"Only {Permissions.WhoMay(Permission.SetSuccessMetric)} can {Permissions.Describe(Permission.SetSuccessMetric)}. Move it into the description or clear it."));
        }

        if (errors.Count > 0)
        {
            return new FormErrorsOutcome(IntakeForm(c, intake, f.Values, errors));
        }

        // Possible duplicates: shown once before filing; then the person files anyway or adds their report to one of them.
        if (DuplicateIntake.Chosen(intake, f.Values) is { } existing)
        {
            await JoinAsync(c, backlog);
            return await _duplicates.AddToAsync(c, intake, f.Values, existing);
        }

        if (!intake.DuplicatesChecked && await _duplicates.SuggestAsync(c, backlog, intake, f.Values) is { } suggestions)
        {
            return suggestions;
        }

        // The form's id names this submission: its retries get the same number and finish the same item. The person is part of
        // the key, so nobody can make someone else's submission look like a retry of theirs.
        var request = intake.Id is { Length: > 0 and <= 64 } formId ? $"intake:{c.Actor.Key}:{formId}" : null;
        var reservation = request is null
            ? new NumberReservation(await context.Store.Items.AllocateNumberAsync(backlog.Id, c.Ct), Repeated: false)
            : await context.Store.Items.ReserveNumberAsync(backlog.Id, request, c.Ct);
        var source = intake.Source;
        var item = ItemFactory.Create(new NewItemRequest(formStream, f.Values), backlog, reservation.Number, c.Actor, source, c.Now).Item;
        var finishing = false;
        if (reservation.Repeated && await context.Store.Items.GetAsync(backlog.Id, reservation.Number, c.Ct) is { } stored)
        {
            // An earlier attempt stored the item and then failed: finish that item as it was reported.
            item = stored.Value;
            finishing = true;
        }
        else
        {
            try
            {
                await context.Store.Writes.WriteAsync(ItemWrite.Created(item, [ItemFactory.CreatedEntry(item)], c.Actor, c.Now), c.Ct);
                context.Metrics?.ItemCreated(item.Stream, c.Actor.Platform.ToString().ToLowerInvariant());
            }
            catch (DuplicateKeyException) when (reservation.Repeated)
            {
                // The same submission, delivered twice at once: the other delivery stored it a moment ago.
                item = (await context.Store.Items.GetAsync(backlog.Id, reservation.Number, c.Ct))?.Value ?? throw new ConcurrencyException($"{item.Key} was stored and then removed.");
                finishing = true;
            }
        }

        if (finishing)
        {
            // Where a backend's write is not one transaction (Azure Tables), the earlier attempt may have stopped after the item
            // row: its history entry has a fixed key, so writing it again completes it without a double.
            await context.Store.History.AppendAsync([ItemFactory.CreatedEntry(item)], c.Ct);
        }

        await JoinAsync(c, backlog);
        var summary = context.Summarize(c, item);
        var (kind, target) = await IntakeTargetAsync(c, backlog, intake);
        var createdRef = $"created:{summary.Ref}";
        await context.EnqueueAsync(c, kind, target, new ItemCreatedView(summary, c.Actor)
        {
            SourceLink = item.Source?.Link,
            Actions = [new(ButtonIds.Show, "Show", summary.Ref), new(ButtonIds.Vote, "Score", summary.Ref)],
        }, messageRef: kind == OutboxKind.Post ? createdRef : null, id: request is null ? null : request + ":created");

        if (item.Stream == WorkStream.Feature && kind == OutboxKind.Post)
        {
            var engineers = await context.EngineersAsync(backlog.Id, c.Ct);
            await context.EnqueueAsync(c, OutboxKind.Post, target with { ThreadId = target.ThreadId }, new CapabilityNoteRequestView(summary, engineers),
                messageRef: LiveItemPostView.Ref(LiveItemPostView.NoteRequest, summary.Ref), threadRef: target.ThreadId is null ? createdRef : null, id: request is null ? null : request + ":note-request");
        }

        return new CloseFormOutcome(new TextView($"Reported {item.Key}: {item.Title}", Tone.Success));
    }

    /// <summary>
    /// Where to confirm a new item: the thread it came from, else this channel if it takes intake, else the backlog's intake
    /// channel; from a place bound to no backlog with no intake channel, the reporter in a direct message.
    /// </summary>
    private async Task<(OutboxKind Kind, ConversationAddress Target)> IntakeTargetAsync(RequestContext c, Backlog backlog, IntakeContext? intake)
    {
        var place = c.Interaction.Place;
        // The thread comes from the form's context; the channel only ever from the verified request.
        if (intake?.Source is not null && c.Binding?.BacklogId == backlog.Id)
        {
            return (OutboxKind.Post, place with { ThreadId = intake.ThreadId, UserId = null });
        }

        if (c.Binding is { } b && b.BacklogId == backlog.Id && b.Roles.HasFlag(ChannelRoles.Intake))
        {
            return (OutboxKind.Post, place with { ThreadId = intake?.ThreadId, UserId = null });
        }

        await foreach (var binding in context.Store.Bindings.ListForBacklogAsync(backlog.Id, c.Ct))
        {
            if (binding.Active && binding.Roles.HasFlag(ChannelRoles.Intake) && binding.Address.Platform == place.Platform)
            {
                return (OutboxKind.Post, binding.Address);
            }
        }

        return c.Binding is null
            ? (OutboxKind.Direct, place with { ChannelId = "", ThreadId = null, UserId = c.Actor.UserId })
            : (OutboxKind.Post, place with { UserId = null });
    }

    /// <summary>
    /// Someone who reports an item becomes a member of its backlog (if they were not one), so a later report from a DM or
    /// a conversation bound to no backlog finds it from their memberships.
    /// </summary>
    private async Task JoinAsync(RequestContext c, Backlog backlog)
    {
        if (await context.Store.Members.GetAsync(backlog.Id, c.Actor.Key, c.Ct) is not null)
        {
            return;
        }

        // Written against the roster's version, so a role given at the same moment is never overwritten by "member".
        var roster = await context.Store.Members.ListVersionedAsync(backlog.Id, c.Ct);
        if (roster.Value.Any(m => m.User.Key == c.Actor.Key))
        {
            return;
        }

        try
        {
            await context.Store.Members.UpsertAsync(new Member(backlog.Id, c.Actor, Role.Member), roster.ETag, c.Ct);
        }
        catch (ConcurrencyException)
        {
            // The roster changed meanwhile (perhaps adding this person): joining waits for their next report.
        }
    }
}
