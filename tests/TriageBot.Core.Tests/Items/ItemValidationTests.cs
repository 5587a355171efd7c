using TriageBot.Core.Items;

namespace TriageBot.Core.Tests.Items;

public class ItemValidationTests
{
    private static Dictionary<string, string> Values(params (string Id, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Id, p => p.Value);

    private static Dictionary<string, string> Titled(params (string Id, string Value)[] pairs) =>
        Values([(FieldIds.Title, "Answers cite the wrong document"), .. pairs]);

    [Theory]
    [InlineData(WorkStream.Model)]
    [InlineData(WorkStream.Bug)]
    [InlineData(WorkStream.Feature)]
    public void Validate_WithOnlyATitle_IsAccepted(WorkStream stream)
    {
        ItemValidation.Validate(stream, Titled()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ab", 2)]
    [InlineData("   ab   ", 2)]
    [InlineData("", 0)]
    public void Validate_TitleUnderThreeCharactersAfterTrimming_IsRefusedSayingHowLongItWas(string title, int length)
    {
        ItemValidation.Validate(WorkStream.Bug, Values((FieldIds.Title, title)))
            .ShouldBe([new FieldError(FieldIds.Title, $"Title must be 3–150 characters (you wrote {length}).")]);
    }

    [Fact]
    public void Validate_TitleOf150Characters_IsAccepted_And151IsRefused()
    {
        ItemValidation.Validate(WorkStream.Bug, Values((FieldIds.Title, new string('t', 150)))).ShouldBeEmpty();
        ItemValidation.Validate(WorkStream.Bug, Values((FieldIds.Title, new string('t', 151))))
            .ShouldBe([new FieldError(FieldIds.Title, "Title must be 3–150 characters (you wrote 151).")]);
    }

    [Fact]
    public void Validate_CountsAnEmojiAsOneCharacter()
    {
        ItemValidation.Validate(WorkStream.Bug, Values((FieldIds.Title, "🔥🔥🔥"))).ShouldBeEmpty();
        ItemValidation.Validate(WorkStream.Bug, Values((FieldIds.Title, "🔥🔥")))
            .ShouldHaveSingleItem().Message.ShouldContain("(you wrote 2)");
    }

    [Fact]
    public void Validate_TitleOnTwoLines_IsRefused()
    {
        ItemValidation.Validate(WorkStream.Bug, Values((FieldIds.Title, "first line\nsecond line")))
            .ShouldBe([new FieldError(FieldIds.Title, "Title must be one line.")]);
    }

    [Theory]
    [InlineData(WorkStream.Bug, FieldIds.Description, "Description")]
    [InlineData(WorkStream.Bug, FieldIds.ImpactEvidence, "Impact evidence")]
    [InlineData(WorkStream.Model, FieldIds.AffectedSlice, "Affected slice")]
    [InlineData(WorkStream.Model, FieldIds.Examples, "Examples")]
    [InlineData(WorkStream.Bug, FieldIds.ReproSteps, "Reproduction steps")]
    [InlineData(WorkStream.Bug, FieldIds.Expected, "Expected behaviour")]
    [InlineData(WorkStream.Bug, FieldIds.Actual, "Actual behaviour")]
    [InlineData(WorkStream.Feature, FieldIds.Problem, "Problem statement")]
    [InlineData(WorkStream.Feature, FieldIds.SuccessMetric, "Success metric")]
    public void Validate_FreeTextOver3000Characters_IsRefusedNamingTheField(WorkStream stream, string field, string label)
    {
        ItemValidation.Validate(stream, Titled((field, new string('x', 3000)))).ShouldBeEmpty();
        ItemValidation.Validate(stream, Titled((field, "  " + new string('x', 3001) + "  ")))
            .ShouldBe([new FieldError(field, $"{label} must be at most 3000 characters (you wrote 3001).")]);
    }

    [Theory]
    [InlineData(WorkStream.Model, FieldIds.QualityFlag, "Quality flag")]
    [InlineData(WorkStream.Feature, FieldIds.RequestedBy, "Requested by")]
    public void Validate_ShortNamesOver150Characters_AreRefused(WorkStream stream, string field, string label)
    {
        ItemValidation.Validate(stream, Titled((field, new string('x', 151))))
            .ShouldBe([new FieldError(field, $"{label} must be at most 150 characters (you wrote 151).")]);
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("prompt")]
    [InlineData("fineTune")]
    [InlineData("Fine-tune")]
    [InlineData("RETRIEVAL")]
    [InlineData("evaluation")]
    [InlineData("guardrail")]
    [InlineData("")]
    public void Validate_KnownLevers_AreAccepted(string lever)
    {
        ItemValidation.Validate(WorkStream.Model, Titled((FieldIds.Lever, lever))).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_UnknownLever_IsRefusedListingTheChoices()
    {
        ItemValidation.Validate(WorkStream.Model, Titled((FieldIds.Lever, "magic")))
            .ShouldBe([new FieldError(FieldIds.Lever,
                "Suspected lever must be one of: unknown, prompt, fineTune, retrieval, evaluation, guardrail (you chose \"magic\").")]);
    }

    [Fact]
    public void Validate_UnknownFrequency_IsRefusedListingTheChoices()
    {
        ItemValidation.Validate(WorkStream.Bug, Titled((FieldIds.Frequency, "weekly")))
            .ShouldBe([new FieldError(FieldIds.Frequency, "Frequency must be one of: always, often, sometimes, rarely (you chose \"weekly\").")]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("12.5")]
    [InlineData("7 %")]
    [InlineData("")]
    public void Validate_AffectedShareFrom0To100_IsAccepted(string value)
    {
        ItemValidation.Validate(WorkStream.Bug, Titled((FieldIds.AffectedWauPercent, value))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100.5")]
    [InlineData("a lot")]
    [InlineData("12,5")]
    [InlineData("NaN")]
    public void Validate_AffectedShareOutOfRangeOrNotANumber_IsRefused(string value)
    {
        ItemValidation.Validate(WorkStream.Bug, Titled((FieldIds.AffectedWauPercent, value)))
            .ShouldBe([new FieldError(FieldIds.AffectedWauPercent,
                $"Affected share of weekly active users must be a number from 0 to 100 (you wrote \"{value}\").")]);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("model,bug")]
    [InlineData(" Model , bug, feature ")]
    public void Validate_IncidentTouchingAtLeastOneStream_IsAccepted(string touches)
    {
        ItemValidation.Validate(WorkStream.Incident, Titled((FieldIds.Touches, touches))).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_IncidentTouchingNoStream_IsRefused()
    {
        ItemValidation.Validate(WorkStream.Incident, Titled())
            .ShouldBe([new FieldError(FieldIds.Touches, "Touches must name at least one stream the incident touches: model, bug, feature.")]);
    }

    [Fact]
    public void Validate_IncidentTouchingAnUnknownStream_IsRefused()
    {
        ItemValidation.Validate(WorkStream.Incident, Titled((FieldIds.Touches, "model,incident")))
            .ShouldBe([new FieldError(FieldIds.Touches, "Touches must list only model, bug, feature (you wrote \"incident\").")]);
    }

    [Theory]
    [InlineData("https://grafana.example.com/d/abc")]
    [InlineData("http://a.example https://b.example")]
    [InlineData("")]
    public void Validate_WebAddressLinks_AreAccepted(string link)
    {
        ItemValidation.Validate(WorkStream.Bug, Titled((FieldIds.Link, link))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("grafana/d/abc")]
    [InlineData("https://ok.example ftp://files.example")]
    public void Validate_LinksThatAreNotWebAddresses_AreRefused(string link)
    {
        ItemValidation.Validate(WorkStream.Bug, Titled((FieldIds.Link, link)))
            .ShouldHaveSingleItem().Message.ShouldStartWith("Link must be web addresses starting with http:// or https://");
    }

    [Fact]
    public void Validate_ReturnsEveryErrorAtOnce_InFormOrder()
    {
        var values = Values(
            (FieldIds.Title, "x"),
            (FieldIds.Description, new string('d', 3001)),
            (FieldIds.Frequency, "daily"),
            (FieldIds.AffectedWauPercent, "200"));

        ItemValidation.Validate(WorkStream.Bug, values).Select(e => e.Field)
            .ShouldBe([FieldIds.Title, FieldIds.Description, FieldIds.Frequency, FieldIds.AffectedWauPercent]);
    }

    [Fact]
    public void Validate_IgnoresFieldsOfOtherStreams()
    {
        ItemValidation.Validate(WorkStream.Feature, Titled((FieldIds.Lever, "magic"), (FieldIds.Frequency, "daily"))).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_EchoesALongBadValueShortened()
    {
        var error = ItemValidation.Validate(WorkStream.Model, Titled((FieldIds.Lever, new string('z', 500)))).ShouldHaveSingleItem();

        error.Message.Length.ShouldBeLessThan(200);
        error.Message.ShouldContain("…");
    }

    [Fact]
    public void ValidateField_ForAFieldTheStreamDoesNotHave_IsRefused()
    {
        ItemValidation.ValidateField(WorkStream.Bug, FieldIds.Lever, "prompt")
            .ShouldBe([new FieldError(FieldIds.Lever, "A bug item has no field \"lever\".")]);
    }

    [Fact]
    public void Parse_ReadsChoicesNumbersAndLists()
    {
        ItemValidation.ParseLever("fine tune").ShouldBe(ModelLever.FineTune);
        ItemValidation.ParseLever("").ShouldBe(ModelLever.Unknown);
        ItemValidation.ParseFrequency("Often").ShouldBe(BugFrequency.Often);
        ItemValidation.ParseFrequency("").ShouldBe(BugFrequency.Sometimes);
        ItemValidation.ParsePercent("7.5%").ShouldBe(7.5);
        ItemValidation.ParseTouches("feature, model, model").ShouldBe([WorkStream.Model, WorkStream.Feature]);
        ItemValidation.ParseLinks("https://a.example\nhttps://b.example").ShouldBe(["https://a.example", "https://b.example"]);
    }

    [Fact]
    public void FieldIds_AreTheFixedIdsTheFormsUse()
    {
        FieldIds.ForStream(WorkStream.Model).ShouldBe(["title", "description", "impactEvidence", "link", "affectedSlice", "examples", "lever", "qualityFlag"]);
        FieldIds.ForStream(WorkStream.Bug).ShouldBe(["title", "description", "impactEvidence", "link", "reproSteps", "expected", "actual", "frequency", "affectedWauPercent"]);
        FieldIds.ForStream(WorkStream.Feature).ShouldBe(["title", "description", "impactEvidence", "link", "problem", "requestedBy", "successMetric"]);
        FieldIds.ForStream(WorkStream.Incident).ShouldBe(["title", "description", "impactEvidence", "link", "touches"]);
    }
}
