using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Playground;

/// <summary>A person the playground can act as, with the role the demo backlog gives them.</summary>
public sealed record SamplePerson(UserRef User, Role Role, string Description);

/// <summary>The people of the playground: one of each role and enough members to hold a clinic alone.</summary>
public static class SamplePeople
{
    public static SamplePerson Priya { get; } = new(new UserRef(Platform.Playground, "priya", "Priya (PM)"), Role.Facilitator, "facilitator");
    public static SamplePerson Arjun { get; } = new(new UserRef(Platform.Playground, "arjun", "Arjun (Engineer)"), Role.Engineer, "engineer");
    public static SamplePerson Mei { get; } = new(new UserRef(Platform.Playground, "mei", "Mei (Design)"), Role.Member, "member");
    public static SamplePerson Tom { get; } = new(new UserRef(Platform.Playground, "tom", "Tom (Support)"), Role.Member, "member");
    public static SamplePerson Sofia { get; } = new(new UserRef(Platform.Playground, "sofia", "Sofia (Data)"), Role.Member, "member");

    public static IReadOnlyList<SamplePerson> All { get; } = [Priya, Arjun, Mei, Tom, Sofia];

    public static SamplePerson? Find(string? id) => All.FirstOrDefault(p => string.Equals(p.User.UserId, id, StringComparison.Ordinal));
}

/// <summary>The playground's two channels.</summary>
public static class PlaygroundChannels
{
    public const string Workspace = "local";
    public const string Triage = "triage";
    public const string Clinic = "clinic";

    public static IReadOnlyList<string> All { get; } = [Triage, Clinic];
}
