using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;

namespace TriageBot.Teams.Cards;

/// <summary>Where a card is shown, which decides how its buttons and submit work.</summary>
public enum CardHost
{
    /// <summary>A message anywhere Universal Actions work (the playground): every button is <c>Action.Execute</c> with verb = action id.</summary>
    Message,
    /// <summary>A Teams dialog (task module), where <c>Action.Execute</c> is not supported: submit is <c>Action.Submit</c>.</summary>
    Dialog,
    /// <summary>
    /// A message the bot posts in Teams: like <see cref="Message"/>, except that a button that opens a form opens it as a
    /// private dialog (<see cref="DialogButtons"/>), so no fillable form is ever shown in a conversation.
    /// </summary>
    TeamsMessage,
}

/// <summary>
/// Renders every Core <see cref="View"/> as an Adaptive Card 1.5 (Teams' ceiling). Pure: the same view gives the same card.
/// Message buttons are <c>Action.Execute</c> with <c>verb</c> = the <see cref="ButtonIds"/> constant and <c>data: { arg }</c>;
/// forms submit <c>data: { formId, arg }</c> plus their inputs (<c>Action.Execute</c> verb <see cref="SubmitVerb"/> in messages,
/// <c>Action.Submit</c> in dialogs). People's text is escaped; cards stay under <see cref="MaxCardBytes"/>, except that a
/// form never loses typed text to stay under it (it says so instead).
/// </summary>
public static class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SubmitVerb = "submit";
    /// <summary>Budget for one card, counted on the JSON as sent (see <see cref="SizeOf"/>).</summary>
    public const int MaxCardBytes = 80 * 1024;
    public const int MaxListItems = 20;
    public const int MaxReportLines = 25;
    public const int MaxCardActions = 6;

    public static JsonObject Render(View view) => Render(view, CardHost.Message);

    public static JsonObject Render(View view, CardHost host)
    {
        var card = RenderWithLimits(view, host, CardLimits.Normal);
        if (SizeOf(card) <= MaxCardBytes) return card;
        card = RenderWithLimits(view, host, CardLimits.Tight);
        var size = SizeOf(card);
        if (size <= MaxCardBytes) return card;
        if (view is FormView form)
        {
            // What people typed is never cut to fit: the form keeps every value and says why it is large.
            card = RenderWithLimits(form with { Intro = FormCard.TooLarge(size) + (form.Intro is null ? "" : "\n" + form.Intro) }, host, CardLimits.Tight);
            return card;
        }
        return RenderWithLimits(new TextView("This message was too large to show in Teams. Open the dashboard for the full list.", Tone.Warning), host, CardLimits.Tight);
    }

    /// <summary>
    /// The size of a card as Teams counts it: the JSON as it is sent (UTF-8, non-ASCII text not <c>\u</c>-escaped — see
    /// <see cref="TeamsJson.Wire(JsonNode)"/>), taking the larger of its UTF-8 bytes and its UTF-16 bytes, since Teams documents
    /// its message limit in UTF-16 and the wire carries UTF-8.
    /// </summary>
    public static int SizeOf(JsonObject card)
    {
        var json = TeamsJson.Wire(card);
        return Math.Max(Encoding.UTF8.GetByteCount(json), json.Length * 2);
    }

    private static JsonObject RenderWithLimits(View view, CardHost host, CardLimits limits)
    {
        var b = new CardBuilder(host, limits);
        switch (view)
        {
            case TextView v: MessageCards.TextView(b, v); break;
            case HelpView v: MessageCards.Help(b, v); break;
            case RubricView v: MessageCards.Rubric(b, v); break;
            case ItemCardView v: ItemCards.ItemCard(b, v); break;
            case ItemListView v: ItemListCard.Render(b, v); break;
            case ItemCreatedView v: ItemCards.ItemCreated(b, v); break;
            case CapabilityNoteRequestView v: ItemCards.NoteRequest(b, v); break;
            case BallotView v: BallotCard.Render(b, v); break;
            case WelcomeView v: MessageCards.Welcome(b, v); break;
            case FormView v: FormCard.Render(b, v); break;
            case ReportView v: MessageCards.Report(b, v); break;
            default: b.Text($"(A {view.GetType().Name} cannot be shown here yet.)", subtle: true); break;
        }
        return b.Build();
    }
}
