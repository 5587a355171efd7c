using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Voting;

/// <summary>One person's vote on one item in one scoring round. The last vote a person casts counts.</summary>
public sealed record Vote(
    string BacklogId,
    int ItemNumber,
    int Round,
    UserRef Voter,
    Scores Scores,
    IReadOnlyDictionary<Dimension, string> Reasons,
    DateTimeOffset At);
