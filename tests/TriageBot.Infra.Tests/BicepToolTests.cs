using System.Text.Json;

namespace TriageBot.Infra.Tests;

/// <summary>The Bicep CLI builds infra/main.bicep and its linter, configured by infra/bicepconfig.json, finds nothing.</summary>
public sealed class BicepToolTests(CompiledTemplate template)
{
    [Fact]
    public void Build_MainTemplate_ExitsZeroWithNoDiagnostics()
    {
        template.Build.ExitCode.ShouldBe(0, template.Build.ToString());
        // Build writes warnings and errors to stderr; the compiled JSON alone goes to stdout.
        template.Build.StandardError.Trim().ShouldBeEmpty(template.Build.ToString());
        (template.Root.GetProperty("$schema").GetString() ?? "").ShouldContain("deploymentTemplate.json");
    }

    [Fact]
    public async Task Lint_MainTemplate_ReportsNoWarningsOrErrors()
    {
        var lint = await BicepCli.RunAsync("lint", Repository.MainBicep, "--diagnostics-format", "Sarif");

        lint.ExitCode.ShouldBe(0, lint.ToString());
        SarifResults(lint).ShouldBeEmpty(lint.ToString());
    }

    [Fact]
    public async Task Lint_WithTheRepositoryConfig_FlagsAnUnusedParameterAsAWarning()
    {
        // Proves the lint test above can fail: the same config on a file with a known problem reports it.
        var folder = Directory.CreateTempSubdirectory("triagebot-lint-");
        try
        {
            File.Copy(Path.Combine(Repository.Infra, "bicepconfig.json"), Path.Combine(folder.FullName, "bicepconfig.json"));
            var file = Path.Combine(folder.FullName, "bad.bicep");
            await File.WriteAllTextAsync(file, "param notUsed string = 'x'\n");

            var lint = await BicepCli.RunAsync("lint", file, "--diagnostics-format", "Sarif");

            var results = SarifResults(lint);
            results.ShouldContain(r => r.RuleId == "no-unused-params" && r.Level == "warning", lint.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void BicepConfig_EnablesTheCoreAnalyzer_WithEveryListedRuleAtWarning()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "bicepconfig.json")));
        var core = config.RootElement.GetProperty("analyzers").GetProperty("core");

        core.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        var rules = core.GetProperty("rules").EnumerateObject().ToList();
        rules.Count.ShouldBeGreaterThanOrEqualTo(20);
        rules.ShouldAllBe(r => r.Value.GetProperty("level").GetString() == "warning");
        rules.Select(r => r.Name).ShouldContain("outputs-should-not-contain-secrets");
        rules.Select(r => r.Name).ShouldContain("secure-parameter-default");
        rules.Select(r => r.Name).ShouldContain("use-recent-api-versions");
    }

    [Fact]
    public async Task Lint_WithTheRepositoryConfig_FlagsAnOldApiVersion()
    {
        // The recent-API-version rule is on and finds an outdated version (it is off in Bicep's defaults).
        var folder = Directory.CreateTempSubdirectory("triagebot-lint-");
        try
        {
            File.Copy(Path.Combine(Repository.Infra, "bicepconfig.json"), Path.Combine(folder.FullName, "bicepconfig.json"));
            var file = Path.Combine(folder.FullName, "old.bicep");
            await File.WriteAllTextAsync(file, """
                param location string = resourceGroup().location
                resource st 'Microsoft.Storage/storageAccounts@2021-01-01' = {
                  name: 'stold${uniqueString(resourceGroup().id)}'
                  location: location
                  kind: 'StorageV2'
                  sku: {
                    name: 'Standard_LRS'
                  }
                }
                """);

            var lint = await BicepCli.RunAsync("lint", file, "--diagnostics-format", "Sarif");

            SarifResults(lint).ShouldContain(r => r.RuleId == "use-recent-api-versions" && r.Level == "warning", lint.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void LinterSuppressions_AreOnlyForDiagnosticSettings_WhoseNewestVersionIsAPreview()
    {
        var suppressions = Directory.EnumerateFiles(Repository.Infra, "*.bicep", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i, Text: line.Trim())))
            .Where(l => l.Text.StartsWith("#disable", StringComparison.Ordinal))
            .ToList();

        suppressions.Count.ShouldBe(4, "one per diagnostic setting: App Service, Key Vault, storage account, table service");
        foreach (var (file, line, text) in suppressions)
        {
            text.ShouldBe("#disable-next-line use-recent-api-versions");
            File.ReadAllLines(file)[line + 1].ShouldContain("'Microsoft.Insights/diagnosticSettings@2021-05-01-preview'");
        }
    }

    [Fact]
    public void Template_UsesNoRegistryModules_SoBuildingNeedsNoNetwork()
    {
        var sources = Directory.EnumerateFiles(Repository.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(f => (File: f, Text: File.ReadAllText(f)))
            .ToList();

        sources.Count.ShouldBeGreaterThan(1);
        sources.ShouldAllBe(s => !s.Text.Contains("'br:") && !s.Text.Contains("'br/") && !s.Text.Contains("'ts:") && !s.Text.Contains("'ts/"));
    }

    private static List<(string RuleId, string Level)> SarifResults(BicepResult lint)
    {
        using var sarif = JsonDocument.Parse(lint.StandardOutput);
        return
        [
            .. sarif.RootElement.GetProperty("runs").EnumerateArray()
                .SelectMany(run => run.GetProperty("results").EnumerateArray())
                .Select(r => (
                    r.GetProperty("ruleId").GetString() ?? "",
                    r.TryGetProperty("level", out var level) ? level.GetString() ?? "" : "warning")),
        ];
    }
}
