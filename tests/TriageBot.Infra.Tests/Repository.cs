using System.Reflection;

namespace TriageBot.Infra.Tests;

/// <summary>Paths the build wrote into this assembly: the repository root and the restored Bicep CLI package.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Infra => Path.Combine(Root, "infra");

    public static string MainBicep => Path.Combine(Infra, "main.bicep");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"The test assembly has no '{key}' metadata: build it with 'dotnet build tests/TriageBot.Infra.Tests' so the csproj can write it.");
}
