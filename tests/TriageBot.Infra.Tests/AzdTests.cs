using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace TriageBot.Infra.Tests;

/// <summary>
/// azure.yaml has the shape azd reads (checked against the keys of azd's azure.yaml v1.0 schema: azd is not installable
/// here), points at files that exist, and its hooks run: the postprovision hook is run for real on a copy of the repository.
/// </summary>
public sealed partial class AzdTests(CompiledTemplate template)
{
    // Keys of azd's schemas/v1.0/azure.yaml.json (Azure/azure-dev).
    private static readonly string[] TopLevelKeys = ["name", "resourceGroup", "metadata", "infra", "services", "pipeline", "hooks", "requiredVersions", "state", "platform", "workflows", "cloud", "resources"];
    private static readonly string[] ProjectHooks = ["preprovision", "postprovision", "predeploy", "postdeploy", "prerestore", "postrestore", "prepackage", "postpackage", "preup", "postup", "predown", "postdown"];
    private static readonly string[] HookKeys = ["shell", "run", "continueOnError", "interactive", "windows", "posix", "secrets"];

    private static YamlMappingNode AzureYaml()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repository.File("azure.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : throw new ShouldAssertException($"azure.yaml: '{key}' is missing");

    private static YamlMappingNode Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (YamlMappingNode)value : throw new ShouldAssertException($"azure.yaml: '{key}' is missing");

    [Fact]
    public void AzureYaml_HasOnlyKeysAzdKnows_AndAValidName()
    {
        var root = AzureYaml();

        root.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ShouldAllBe(k => TopLevelKeys.Contains(k));
        Scalar(root, "name").ShouldMatch("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
        File.ReadLines(Repository.File("azure.yaml")).First().ShouldContain("schemas/v1.0/azure.yaml.json");
    }

    [Fact]
    public void AzureYaml_ProvisionsInfraMainBicep_WithItsAzdParametersFile()
    {
        var infra = Mapping(AzureYaml(), "infra");

        Scalar(infra, "provider").ShouldBe("bicep");
        var folder = Repository.File(Scalar(infra, "path"));
        var module = Scalar(infra, "module");
        File.Exists(Path.Combine(folder, module + ".bicep")).ShouldBeTrue();
        // azd reads <module>.parameters.json next to the module and substitutes ${NAME} from the azd environment.
        File.Exists(Path.Combine(folder, module + ".parameters.json")).ShouldBeTrue();
        Path.GetFullPath(Path.Combine(folder, module + ".bicep")).ShouldBe(Path.GetFullPath(Repository.MainBicep));
    }

    [Fact]
    public void AzureYaml_DeploysTheAppProjectToAppService_TheWebAppTaggedWithTheServiceName()
    {
        var services = Mapping(AzureYaml(), "services");
        var (name, service) = services.Children.Single();
        var serviceName = ((YamlScalarNode)name).Value!;
        var body = (YamlMappingNode)service;

        Scalar(body, "host").ShouldBe("appservice");
        Scalar(body, "language").ShouldBe("dotnet");
        File.Exists(Path.Combine(Repository.File(Scalar(body, "project")), "TriageBot.csproj")).ShouldBeTrue();
        // azd deploy finds the resource by the tag azd-service-name=<service>.
        (template.Single("Microsoft.Web/sites").GetProperty("tags").GetString() ?? "").ShouldContain($"createObject('azd-service-name', '{serviceName}')");
    }

    [Fact]
    public void AzureYaml_Hooks_AreKnownEvents_RunningExecutableShScripts_ThatParse()
    {
        var hooks = Mapping(AzureYaml(), "hooks");

        hooks.Children.Count.ShouldBeGreaterThanOrEqualTo(2);
        foreach (var (eventName, hook) in hooks.Children)
        {
            ProjectHooks.ShouldContain(((YamlScalarNode)eventName).Value);
            var posix = Mapping((YamlMappingNode)hook, "posix");
            posix.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ShouldAllBe(k => HookKeys.Contains(k));
            Scalar(posix, "shell").ShouldBe("sh");
            var script = Repository.File(Scalar(posix, "run"));
            File.Exists(script).ShouldBeTrue(script);
            (File.GetUnixFileMode(script) & UnixFileMode.UserExecute).ShouldNotBe(UnixFileMode.None, $"{script} must be executable");
            File.ReadLines(script).First().ShouldBe("#!/bin/sh");
            Run("sh", ["-n", script], Repository.Root, []).ExitCode.ShouldBe(0, $"sh -n {script}");
        }
    }

    [Fact]
    public void Hooks_ReadOnlyDeploymentOutputsTheTemplateHas()
    {
        var outputs = template.Root.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToHashSet();
        var required = Directory.EnumerateFiles(Repository.File("infra", "hooks"), "*.sh")
            .SelectMany(f => RequiredVariable().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value))
            .Distinct()
            .ToList();

        required.ShouldContain("appUrl");
        required.ShouldContain("identityClientId");
        required.Where(n => !outputs.Contains(n)).ShouldBeEmpty();
    }

    [Fact]
    public void PostprovisionHook_BuildsTheTeamsPackage_TheToolkitEnvironment_AndTheSlackManifest_ForThisApp()
    {
        var copy = Directory.CreateTempSubdirectory("triagebot-azd-");
        try
        {
            CopyFolder(Repository.File("manifest"), Path.Combine(copy.FullName, "manifest"));
            CopyFolder(Repository.File("infra", "hooks"), Path.Combine(copy.FullName, "infra", "hooks"));
            const string clientId = "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c";
            const string host = "app-triagebot-abc123.azurewebsites.net";

            var run = Run("sh", [Path.Combine(copy.FullName, "infra", "hooks", "postprovision.sh")], copy.FullName, new()
            {
                ["appUrl"] = $"https://{host}",
                ["identityClientId"] = clientId,
                ["AZURE_ENV_NAME"] = "prod",
                ["slackEnabled"] = "false",
                ["githubEnabled"] = "true",
            });

            run.ExitCode.ShouldBe(0, run.Output);
            run.Output.ShouldContain("Slack is off. To turn it on: azd env set SLACK_SIGNING_SECRET");
            run.Output.ShouldContain("Trackers: GitHub true, Jira false (docs/trackers.md");
            using (var zip = ZipFile.OpenRead(Path.Combine(copy.FullName, "artifacts", "triagebot-teams.zip")))
            {
                using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
                manifest.RootElement.GetProperty("bots")[0].GetProperty("botId").GetString().ShouldBe(clientId);
                manifest.RootElement.GetProperty("developer").GetProperty("privacyUrl").GetString().ShouldBe($"https://{host}/privacy");
            }

            var env = File.ReadAllLines(Path.Combine(copy.FullName, "manifest", "teams", "env", ".env.prod"));
            env.ShouldContain($"MICROSOFT_APP_ID={clientId}");
            env.ShouldContain($"BOT_DOMAIN={host}");
            env.ShouldContain("TEAMSFX_ENV=prod");

            var slack = File.ReadAllText(Path.Combine(copy.FullName, "artifacts", "slack-manifest.json"));
            slack.ShouldContain($"https://{host}/slack/commands");
            slack.ShouldContain($"https://{host}/slack/events");
            slack.ShouldContain($"https://{host}/slack/interactivity");
            slack.ShouldNotContain("YOUR-HOST");
            JsonDocument.Parse(slack).RootElement.GetProperty("features").GetProperty("unfurl_domains")[0].GetString().ShouldBe(host.ToLowerInvariant());
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void PostprovisionHook_ForASlackOnlyDeployment_BuildsNoTeamsPackage()
    {
        var copy = Directory.CreateTempSubdirectory("triagebot-azd-");
        try
        {
            CopyFolder(Repository.File("manifest"), Path.Combine(copy.FullName, "manifest"));
            CopyFolder(Repository.File("infra", "hooks"), Path.Combine(copy.FullName, "infra", "hooks"));

            var run = Run("sh", [Path.Combine(copy.FullName, "infra", "hooks", "postprovision.sh")], copy.FullName, new()
            {
                ["appUrl"] = "https://app-triagebot-abc123.azurewebsites.net",
                ["identityClientId"] = "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c",
                ["teamsEnabled"] = "false",
                ["slackEnabled"] = "true",
            });

            run.ExitCode.ShouldBe(0, run.Output);
            run.Output.ShouldContain("Teams is off (enableTeams=false): no Teams package.");
            run.Output.ShouldNotContain("Slack is off");
            File.Exists(Path.Combine(copy.FullName, "artifacts", "triagebot-teams.zip")).ShouldBeFalse();
            File.Exists(Path.Combine(copy.FullName, "artifacts", "slack-manifest.json")).ShouldBeTrue();
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    [Fact]
    public void PostprovisionHook_OutsideAzd_StopsSayingToRunItThroughAzd()
    {
        var run = Run("sh", [Repository.File("infra", "hooks", "postprovision.sh")], Path.GetTempPath(), []);

        run.ExitCode.ShouldNotBe(0);
        run.Output.ShouldContain("appUrl is not set: run this through azd");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    internal static (int ExitCode, string Output) Run(string program, string[] arguments, string workingDirectory, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "appUrl", "identityClientId", "AZURE_ENV_NAME", "slackEnabled", "teamsEnabled", "MICROSOFT_APP_ID", "BOT_DOMAIN", "TEAMS_APP_ID" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within a minute.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    [GeneratedRegex(@"\$\{(?<name>\w+):\?")]
    private static partial Regex RequiredVariable();
}
