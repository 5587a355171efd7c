using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Storage;

namespace TriageBot.Cli;

/// <summary>Where the command line writes, and what it runs against; tests replace the writers and the clock.</summary>
public sealed class CliContext
{
    public TextWriter Out { get; init; } = Console.Out;
    public TextWriter Error { get; init; } = Console.Error;
    /// <summary>True when the error stream is a terminal: progress is a bar redrawn in place, otherwise periodic lines.</summary>
    public bool ErrorIsTerminal { get; init; } = !Console.IsErrorRedirected;
    /// <summary>Relative paths (files, the SQLite store) resolve against this folder, as in the server.</summary>
    public string ContentRoot { get; init; } = Directory.GetCurrentDirectory();
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;
    /// <summary>Tests only: wraps the configured backend, e.g. to fail it part-way.</summary>
    internal Func<StorageBackend, StorageBackend>? WrapStore { get; init; }
}

/// <summary>Exit codes of the command line.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The data was refused: bad rows, an existing backlog, an unknown backlog.</summary>
    public const int Refused = 1;
    /// <summary>Bad arguments, a missing file, or settings that do not validate.</summary>
    public const int Usage = 2;
    /// <summary>The store failed or could not be reached, or the command failed unexpectedly (one line says why).</summary>
    public const int Failed = 3;
    /// <summary>Someone changed the same data while the command ran (a concurrent writer); run the command again.</summary>
    public const int Conflict = 4;
}

/// <summary>
/// The host's command line: <c>export</c>, <c>import</c>, <c>backup</c>, <c>restore</c> and <c>help</c>, run with the
/// same configuration as the server (so <c>Storage__Provider=AzureTables</c> works on Azure).
/// </summary>
public static class Cli
{
    public static IReadOnlyList<string> Commands { get; } = ["export", "import", "backup", "restore", "help", "reseal-installations"];

    /// <summary>True when the arguments ask for a command rather than the web server.</summary>
    public static bool IsCommand(string[] args) =>
        args is [var first, ..] && (Commands.Contains(first, StringComparer.Ordinal) || first is "--help" or "-h");

    public const string Usage = """
        Usage: TriageBot <command> [options]      (dotnet run --project src/TriageBot -- <command> …)

          export  --backlog ID [--out FILE.csv]          items as CSV (to stdout without --out)
          import  FILE.csv --backlog ID [--dry-run]      create or update items from CSV; checks every row first
          backup  --backlog ID --out FILE.json           the whole backlog as one JSON document
          restore FILE.json [--backlog NEW-ID] [--replace]
                                                         restore a backup (refused over an existing backlog unless --replace)
          help                                           this text
          reseal-installations                           after rotating Slack:InstallationKey: seal every stored Slack
                                                         installation again with it (Slack:PreviousInstallationKeys open the old ones)

        Storage comes from the same settings as the server (Storage__Provider, Storage__SqlitePath,
        Storage__ConnectionString, Storage__TableServiceUri, Storage__TablePrefix, …).
        Exit codes: 0 done, 1 refused (bad rows or backup, existing or unknown backlog, a rule), 2 usage or settings,
        3 storage failed (or an unexpected error), 4 changed by someone else meanwhile (run it again).
        """;

    /// <summary>Runs one command; returns its exit code. Never throws for bad input: it says what is wrong on the error writer.</summary>
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, CliContext? context = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        context ??= new CliContext();
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args);
        }
        catch (CliUsageException e)
        {
            await context.Error.WriteLineAsync(e.Message + Environment.NewLine + Environment.NewLine + Usage);
            return ExitCodes.Usage;
        }

        if (parsed.Command == "help" || parsed.Help)
        {
            await context.Out.WriteLineAsync(Usage);
            return ExitCodes.Ok;
        }

        StorageBackend storage;
        try
        {
            var options = new StorageOptions();
            configuration.GetSection(StorageOptions.Section).Bind(options);
            storage = StorageServiceCollectionExtensions.Open(options, context.ContentRoot, context.Loggers);
            storage = context.WrapStore?.Invoke(storage) ?? storage;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await context.Error.WriteLineAsync("Settings: " + failure);
            }

            return ExitCodes.Usage;
        }

        var store = storage.Store;
        try
        {
            await store.InitializeAsync(ct);
            return parsed.Command switch
            {
                "export" => await new CsvExport(store, context).RunAsync(parsed.Require("--backlog"), parsed.Value("--out"), ct),
                "import" => await new CsvImport(store, storage.Administration, context).RunAsync(parsed.File!, parsed.Require("--backlog"), parsed.Flag("--dry-run"), ct),
                "backup" => await new BackupCommand(store, context).RunAsync(parsed.Require("--backlog"), parsed.Require("--out"), ct),
                "restore" => await new RestoreCommand(store, storage.Administration, context).RunAsync(parsed.File!, parsed.Value("--backlog"), parsed.Flag("--replace"), ct),
                "reseal-installations" => await ResealInstallations.RunAsync(storage.Installations, configuration, context, ct),
                _ => throw new CliUsageException($"Unknown command '{parsed.Command}'."),
            };
        }
        catch (CliUsageException e)
        {
            await context.Error.WriteLineAsync(e.Message);
            return ExitCodes.Usage;
        }
        catch (StoreUnavailableException e)
        {
            await context.Error.WriteLineAsync("The store failed: " + OneLine(e.Message));
            return ExitCodes.Failed;
        }
        catch (DuplicateKeyException e)
        {
            await context.Error.WriteLineAsync("Refused: " + OneLine(e.Message) + " Nothing after this point was written; see docs/operations.md.");
            return ExitCodes.Refused;
        }
        catch (Core.Items.RuleViolationException e)
        {
            await context.Error.WriteLineAsync("Refused: " + OneLine(e.Message));
            return ExitCodes.Refused;
        }
        catch (ConcurrencyException e)
        {
            await context.Error.WriteLineAsync("Changed meanwhile: " + OneLine(e.Message) + " Run the command again.");
            return ExitCodes.Conflict;
        }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"{parsed.Command} failed: {OneLine(e.Message)}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never a stack trace for a person at a terminal: the type and message say enough to report it.
            await context.Error.WriteLineAsync($"{parsed.Command} failed unexpectedly: {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.Failed;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>A path as given, relative to the content root.</summary>
    internal static string PathOf(CliContext context, string path) => Path.GetFullPath(path, context.ContentRoot);
}

/// <summary>Arguments a person got wrong; the message says what was expected.</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>The parsed command line: the command, its one file argument, and its options.</summary>
internal sealed record CliArguments(string Command, string? File, IReadOnlyDictionary<string, string?> Options, bool Help)
{
    private static readonly Dictionary<string, (string? FileName, string[] ValueOptions, string[] Flags)> Shapes = new(StringComparer.Ordinal)
    {
        ["export"] = (null, ["--backlog", "--out"], []),
        ["import"] = ("FILE.csv", ["--backlog"], ["--dry-run"]),
        ["backup"] = (null, ["--backlog", "--out"], []),
        ["restore"] = ("FILE.json", ["--backlog"], ["--replace"]),
        ["help"] = (null, [], []),
        ["reseal-installations"] = (null, [], []),
    };

    public static CliArguments Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            return new("help", null, new Dictionary<string, string?>(), true);
        }

        var command = args[0];
        if (!Shapes.TryGetValue(command, out var shape))
        {
            throw new CliUsageException($"Unknown command '{command}'.");
        }

        string? file = null;
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var help = false;
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h")
            {
                help = true;
            }
            else if (shape.ValueOptions.Contains(arg))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
                {
                    throw new CliUsageException($"{command}: {arg} needs a value.");
                }

                options[arg] = args[++i];
            }
            else if (shape.Flags.Contains(arg))
            {
                options[arg] = null;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CliUsageException($"{command}: unknown option {arg}.");
            }
            else if (shape.FileName is not null && file is null)
            {
                file = arg;
            }
            else
            {
                throw new CliUsageException($"{command}: unexpected argument '{arg}'.");
            }
        }

        if (!help && shape.FileName is not null && file is null)
        {
            throw new CliUsageException($"{command}: give the {shape.FileName} to read.");
        }

        return new(command, file, options, help);
    }

    public string? Value(string option) => Options.GetValueOrDefault(option);

    public string Require(string option) => Value(option) ?? throw new CliUsageException($"{Command}: {option} is required.");

    public bool Flag(string option) => Options.ContainsKey(option);
}
