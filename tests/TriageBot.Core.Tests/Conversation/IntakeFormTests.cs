using TriageBot.Core.Conversation;
using TriageBot.Core.Items;

namespace TriageBot.Core.Tests.Conversation;

public class IntakeFormTests
{
    [Fact]
    public void FeatureForm_WithoutTheRightToSetAMetric_HasNoSuccessMetricField()
    {
        Forms.Intake(WorkStream.Feature, successMetric: false).Fields.ShouldNotContain(f => f.Id == FieldIds.SuccessMetric);
        Forms.Intake(WorkStream.Feature, successMetric: true).Fields.ShouldContain(f => f.Id == FieldIds.SuccessMetric);
    }

    [Fact]
    public void FeatureForm_WithoutTheRight_StillShowsAMetricAlreadyTyped_SoNothingTypedDisappears()
    {
        var values = new Dictionary<string, string> { [FieldIds.SuccessMetric] = "Exports +10%" };

        var form = Forms.Intake(WorkStream.Feature, values, successMetric: false);

        form.Fields.ShouldContain(f => f.Id == FieldIds.SuccessMetric);
        form.Values[FieldIds.SuccessMetric].ShouldBe("Exports +10%");
    }
}
