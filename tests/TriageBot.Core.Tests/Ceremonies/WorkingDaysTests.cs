using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Tests.Ceremonies;

public class WorkingDaysTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static DateTimeOffset Local(int d, int h) => new(2026, 1, d, h, 0, 0, TimeSpan.FromHours(1));

    [Theory]
    [InlineData(5, 10, 7, 10)]   // Monday 10:00 + 2 → Wednesday 10:00
    [InlineData(9, 16, 13, 16)]  // Friday 16:00 + 2 → Tuesday 16:00
    [InlineData(10, 11, 14, 0)]  // Saturday counts from Monday 00:00 → Wednesday 00:00
    [InlineData(11, 23, 14, 0)]  // Sunday too
    public void AddTwo_SkipsTheWeekend(int startDay, int startHour, int dueDay, int dueHour)
    {
        WorkingDays.Add(Local(startDay, startHour), 2, Berlin).ShouldBe(Local(dueDay, dueHour));
    }

    [Fact]
    public void HavePassed_IsTrueFromTheDueInstantOn()
    {
        var requested = Local(9, 16);

        WorkingDays.HavePassed(requested, 2, Berlin, Local(13, 16).AddTicks(-1)).ShouldBeFalse();
        WorkingDays.HavePassed(requested, 2, Berlin, Local(13, 16)).ShouldBeTrue();
    }
}
