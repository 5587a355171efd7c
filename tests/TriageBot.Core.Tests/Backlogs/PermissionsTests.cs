using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Backlogs;

public class PermissionsTests
{
    // The full role × permission table, written out by hand: M = member, E = engineer, F = facilitator.
    private static readonly Dictionary<Permission, string> Table = new()
    {
        [Permission.Report] = "MEF",
        [Permission.Vote] = "MEF",
        [Permission.Comment] = "MEF",
        [Permission.View] = "MEF",
        [Permission.RunReports] = "MEF",
        [Permission.RequestRescore] = "MEF",
        [Permission.WriteCapabilityNote] = "EF",
        [Permission.SetTimebox] = "EF",
        [Permission.ChangeState] = "EF",
        [Permission.EditItem] = "EF",
        [Permission.Reveal] = "F",
        [Permission.Finalize] = "F",
        [Permission.Close] = "F",
        [Permission.ChangeSettings] = "F",
        [Permission.StartClinic] = "F",
        [Permission.SetSuccessMetric] = "F",
        [Permission.Sweep] = "F",
        [Permission.ManageMembers] = "F",
        [Permission.OverrideWip] = "F",
    };

    public static TheoryData<Role, Permission, bool> EveryRoleAndPermission()
    {
        var data = new TheoryData<Role, Permission, bool>();
        foreach (var role in Enum.GetValues<Role>())
        {
            foreach (var permission in Enum.GetValues<Permission>())
            {
                var letter = role switch { Role.Member => 'M', Role.Engineer => 'E', _ => 'F' };
                data.Add(role, permission, Table[permission].Contains(letter, StringComparison.Ordinal));
            }
        }

        return data;
    }

    [Fact]
    public void Table_CoversEveryPermission()
    {
        Table.Keys.ShouldBe(Enum.GetValues<Permission>(), ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(EveryRoleAndPermission))]
    public void Allows_FollowsTheRoleTable(Role role, Permission permission, bool allowed)
    {
        Permissions.Allows(role, permission).ShouldBe(allowed);
    }

    [Theory]
    [MemberData(nameof(EveryRoleAndPermission))]
    public void Require_ThrowsExactlyWhenNotAllowed(Role role, Permission permission, bool allowed)
    {
        if (allowed)
        {
            Should.NotThrow(() => Permissions.Require(role, permission));
        }
        else
        {
            Should.Throw<NotAllowedException>(() => Permissions.Require(role, permission)).Message.ShouldStartWith("Only ");
        }
    }

    [Fact]
    public void Facilitator_MayDoEverything()
    {
        Enum.GetValues<Permission>().ShouldAllBe(p => Permissions.Allows(Role.Facilitator, p));
    }

    [Theory]
    [InlineData(Role.Member, Permission.Close, "close TRI-42", "Only a facilitator can close TRI-42.")]
    [InlineData(Role.Engineer, Permission.ChangeSettings, "change the settings", "Only a facilitator can change the settings.")]
    [InlineData(Role.Member, Permission.SetTimebox, "set a timebox", "Only an engineer or a facilitator can set a timebox.")]
    [InlineData(Role.Member, Permission.WriteCapabilityNote, "write a capability note", "Only an engineer or a facilitator can write a capability note.")]
    public void Require_NamesWhoMayAndWhat(Role role, Permission permission, string what, string message)
    {
        Should.Throw<NotAllowedException>(() => Permissions.Require(role, permission, what)).Message.ShouldBe(message);
    }

    [Fact]
    public void Require_WithoutWhat_DescribesThePermission()
    {
        Should.Throw<NotAllowedException>(() => Permissions.Require(Role.Engineer, Permission.Reveal))
            .Message.ShouldBe("Only a facilitator can reveal votes.");
    }

    [Fact]
    public void NotAllowed_IsARuleViolation_SoHandlersShowItsMessage()
    {
        Should.Throw<RuleViolationException>(() => Permissions.Require(Role.Member, Permission.Finalize));
    }

    [Fact]
    public void CanEdit_TheReporterMayEditTheirOwnItem_OtherMembersMayNot()
    {
        var item = Item() with { Reporter = Max };

        Permissions.CanEdit(Role.Member, item, Max).ShouldBeTrue();
        Permissions.CanEdit(Role.Member, item, Ana).ShouldBeFalse();
        Permissions.CanEdit(Role.Engineer, item, Ana).ShouldBeTrue();
        Permissions.CanEdit(Role.Facilitator, item, Pat).ShouldBeTrue();
    }

    [Fact]
    public void Describe_EveryPermissionHasWords()
    {
        Enum.GetValues<Permission>().ShouldAllBe(p => Permissions.Describe(p).Length > 3);
    }
}
