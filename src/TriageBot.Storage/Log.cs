using Microsoft.Extensions.Logging;

namespace TriageBot.Storage;

/// <summary>Storage log events. Never logs keys' values, bodies or connection strings.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "SQLite store ready at {Path}")]
    public static partial void SqliteReady(ILogger logger, string path);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Azure Table store ready with table prefix {Prefix} for account {Account}")]
    public static partial void TablesReady(ILogger logger, string prefix, string account);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Store operation {Operation} failed: {ErrorType} (status {Status})")]
    public static partial void StoreFailed(ILogger logger, string operation, string errorType, int status);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Item number counter contended; attempt {Attempt}")]
    public static partial void CounterContended(ILogger logger, int attempt);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "SQLite store: schema migration {Version} ({Name}) applied, {Rows} rows changed")]
    public static partial void SqliteMigrationApplied(ILogger logger, int version, string name, int rows);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Finishing the restore of backlog {BacklogId} that an earlier run committed but did not finish moving into place")]
    public static partial void RestoreFinished(ILogger logger, string backlogId);
}
