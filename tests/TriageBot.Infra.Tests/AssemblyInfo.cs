// Compile infra/main.bicep once for the whole test run; every test class reads the same ARM JSON.
[assembly: AssemblyFixture(typeof(TriageBot.Infra.Tests.CompiledTemplate))]
