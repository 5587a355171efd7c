// Compile infra/main.bicep once for the whole test run; every test class reads the same ARM JSON.
[assembly: AssemblyFixture(typeof(TriageBot.Infra.Tests.CompiledTemplate))]

// The infra tests run the linux-x64 Bicep CLI and POSIX shell scripts: Linux only (BicepCli says so on other systems).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
