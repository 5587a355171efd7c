using System.Text.RegularExpressions;

namespace TriageBot.Infra.Tests;

/// <summary>The deploy and operations guides only name parameters and outputs the template really has.</summary>
public sealed partial class DocsTests(CompiledTemplate template)
{
    private static readonly string[] Guides = ["deploy.md", "operations.md"];

    [Fact]
    public void DeployGuide_DocumentsEveryTemplateParameter()
    {
        var guide = File.ReadAllText(Repository.File("docs", "deploy.md"));
        var parameters = template.Root.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();

        parameters.Count.ShouldBeGreaterThan(10);
        parameters.Where(p => !guide.Contains($"`{p}`", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void Guides_ReadOnlyOutputsTheTemplateHas()
    {
        var outputs = template.Root.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToHashSet();
        var named = Guides
            .Select(g => File.ReadAllText(Repository.File("docs", g)))
            .SelectMany(text => OutputQuery().Matches(text).Concat(OutHelper().Matches(text)))
            .Select(m => m.Groups["name"].Value)
            .Distinct()
            .ToList();

        named.ShouldContain("webAppName");
        named.ShouldContain("storageAccountName");
        named.Where(n => !outputs.Contains(n)).ShouldBeEmpty();
    }

    [Fact]
    public void DeployGuide_DeploysTheFilesThatExist()
    {
        var guide = File.ReadAllText(Repository.File("docs", "deploy.md"));

        guide.ShouldContain("az deployment group create --resource-group \"$RG\" --name triagebot --template-file infra/main.bicep");
        guide.ShouldContain("azd up");
        File.Exists(Repository.File("azure.yaml")).ShouldBeTrue();
        guide.ShouldContain("az webapp deploy --resource-group \"$RG\" --name \"$APP\" --src-path out.zip --type zip");
    }

    [GeneratedRegex(@"properties\.outputs\.(?<name>\w+)\.value")]
    private static partial Regex OutputQuery();

    [GeneratedRegex(@"\$\(OUT (?<name>\w+)\)")]
    private static partial Regex OutHelper();
}
