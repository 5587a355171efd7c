using System.Text.Json;

namespace TriageBot.Infra.Tests;

/// <summary>infra/main.bicep compiled once to ARM JSON, with helpers to find resources inside the module deployments.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    private JsonDocument? document;
    private BicepResult? build;

    internal BicepResult Build => build ?? throw new InvalidOperationException("The template has not been built yet.");

    public JsonElement Root => (document ?? throw new InvalidOperationException("The template did not compile: " + build)).RootElement;

    public async ValueTask InitializeAsync()
    {
        build = await BicepCli.RunAsync("build", Repository.MainBicep, "--stdout");
        if (build.ExitCode == 0)
        {
            document = JsonDocument.Parse(build.StandardOutput);
        }
    }

    public ValueTask DisposeAsync()
    {
        document?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Every resource, including those in nested module deployments, with the template that declares it.</summary>
    public IEnumerable<(JsonElement Resource, JsonElement Template)> AllResources() => ResourcesOf(Root);

    public IReadOnlyList<JsonElement> Resources(string type) =>
        [.. AllResources().Select(r => r.Resource).Where(r => r.GetProperty("type").GetString() == type)];

    public JsonElement Single(string type)
    {
        var found = Resources(type);
        found.Count.ShouldBe(1, $"expected exactly one {type} in the compiled template");
        return found[0];
    }

    /// <summary>The template (main or a module) that declares the only resource of the given type.</summary>
    public JsonElement TemplateDeclaring(string type) =>
        AllResources().Single(r => r.Resource.GetProperty("type").GetString() == type).Template;

    /// <summary>Every string anywhere in the compiled template: names, values, expressions.</summary>
    public IEnumerable<string> AllStrings() => StringsOf(Root);

    private static IEnumerable<(JsonElement, JsonElement)> ResourcesOf(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            yield break;
        }

        // Bicep emits an array, or an object keyed by symbolic name when it uses language version 2.0.
        var list = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
        foreach (var resource in list)
        {
            yield return (resource, template);
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in ResourcesOf(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<string> StringsOf(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return element.GetString()!;
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    yield return property.Name;
                    foreach (var s in StringsOf(property.Value))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var s in StringsOf(item))
                    {
                        yield return s;
                    }
                }

                break;
            default:
                break;
        }
    }
}
