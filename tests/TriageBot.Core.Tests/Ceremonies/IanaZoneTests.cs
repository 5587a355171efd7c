using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Tests.Ceremonies;

public class IanaZoneTests
{
    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("UTC")]
    [InlineData("  Asia/Kolkata ")]
    public void KnownIanaIds_AreAccepted(string id)
    {
        IanaZone.Validate(id).ShouldBeNull();
        IanaZone.Find(id).Id.ShouldBe(id.Trim());
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "not a time zone this server knows")]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    [InlineData("W. Europe Standard Time", "use its IANA id 'Europe/Berlin'")]
    public void OtherIds_AreRefusedWithWhatIsExpected(string? id, string reason)
    {
        var error = IanaZone.Validate(id);

        error.ShouldNotBeNull();
        error.ShouldContain(reason);
        error.ShouldContain("Expected an IANA time-zone id such as 'Europe/Berlin'");
        Should.Throw<ArgumentException>(() => IanaZone.Find(id)).Message.ShouldContain(reason);
    }
}
