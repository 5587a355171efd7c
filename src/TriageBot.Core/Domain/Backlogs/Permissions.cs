using TriageBot.Core.Items;

namespace TriageBot.Core.Backlogs;

/// <summary>Something a person may or may not do in a backlog, decided by their role (SPEC §7).</summary>
public enum Permission
{
    Report,
    Vote,
    Comment,
    View,
    WriteCapabilityNote,
    SetTimebox,
    /// <summary>Start, done, move between feature columns, extend a timebox, take or assign ownership.</summary>
    ChangeState,
    Reveal,
    Finalize,
    Close,
    ChangeSettings,
    RunReports,
    StartClinic,
    /// <summary>Ask for an item to be re-scored at the next clinic.</summary>
    RequestRescore,
    /// <summary>Edit an item's fields (the reporter may always edit their own item; see <see cref="Permissions.CanEdit"/>).</summary>
    EditItem,
    /// <summary>The success metric is set by the PM.</summary>
    SetSuccessMetric,
    /// <summary>Icebox sweep decisions: promote to Ready, keep in the icebox.</summary>
    Sweep,
    /// <summary>Give people roles in the backlog.</summary>
    ManageMembers,
    /// <summary>Start an item beyond its stream's WIP limit, with a written reason (SPEC §12).</summary>
    OverrideWip,
}

/// <summary>The role × permission table: facilitators may do everything, engineers add the work's mechanics, members report, vote and read.</summary>
public static class Permissions
{
    private static readonly HashSet<Permission> MemberPermissions =
    [
        Permission.Report, Permission.Vote, Permission.Comment, Permission.View, Permission.RunReports,
        Permission.RequestRescore,
    ];

    private static readonly HashSet<Permission> EngineerPermissions =
    [
        .. MemberPermissions,
        Permission.WriteCapabilityNote, Permission.SetTimebox, Permission.ChangeState, Permission.EditItem,
    ];

    public static bool Allows(Role role, Permission permission) => role switch
    {
        Role.Facilitator => Enum.IsDefined(permission),
        Role.Engineer => EngineerPermissions.Contains(permission),
        Role.Member => MemberPermissions.Contains(permission),
        _ => false,
    };

    /// <summary>Throws <see cref="NotAllowedException"/> ("Only a facilitator can reveal votes.") when the role lacks the permission.</summary>
    /// <param name="what">What the person tried, as a verb phrase: "reveal votes".</param>
    public static void Require(Role role, Permission permission, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(what);
        if (!Allows(role, permission))
        {
            throw new NotAllowedException($"Only {WhoMay(permission)} can {what}.");
        }
    }

    /// <summary>Same as <see cref="Require(Role, Permission, string)"/> with the permission's own description.</summary>
    public static void Require(Role role, Permission permission) => Require(role, permission, Describe(permission));

    /// <summary>The reporter may edit their own item whatever their role; others need <see cref="Permission.EditItem"/>.</summary>
    public static bool CanEdit(Role role, Item item, UserRef actor)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(actor);
        return Allows(role, Permission.EditItem) || item.Reporter.Key == actor.Key;
    }

    /// <summary>The roles that hold a permission, in words: "a facilitator", "an engineer or a facilitator", "anyone".</summary>
    public static string WhoMay(Permission permission)
    {
        if (Allows(Role.Member, permission))
        {
            return "anyone in the backlog";
        }

        return Allows(Role.Engineer, permission) ? "an engineer or a facilitator" : "a facilitator";
    }

    /// <summary>What a permission lets a person do, as a verb phrase for refusals.</summary>
    public static string Describe(Permission permission) => permission switch
    {
        Permission.Report => "report items",
        Permission.Vote => "vote",
        Permission.Comment => "comment",
        Permission.View => "view the backlog",
        Permission.WriteCapabilityNote => "write a capability note",
        Permission.SetTimebox => "set a timebox",
        Permission.ChangeState => "start, finish or move work",
        Permission.Reveal => "reveal votes",
        Permission.Finalize => "finalize scores",
        Permission.Close => "close items",
        Permission.ChangeSettings => "change the backlog's settings",
        Permission.RunReports => "run reports",
        Permission.StartClinic => "start a clinic",
        Permission.RequestRescore => "ask for a re-score",
        Permission.EditItem => "edit other people's items",
        Permission.SetSuccessMetric => "set a success metric",
        Permission.Sweep => "promote or keep icebox items",
        Permission.ManageMembers => "change people's roles",
        Permission.OverrideWip => "start work beyond a WIP limit",
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "Unknown permission."),
    };
}
