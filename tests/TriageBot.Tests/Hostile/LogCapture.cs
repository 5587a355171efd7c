using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TriageBot.Tests.Hostile;

/// <summary>One log entry a host wrote at Warning or above.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"[{Level}] {Category}: {Message}" + (Exception is null ? "" : $"\n{Exception}");
}

/// <summary>A logger provider that keeps what the host logs at Warning and above, so tests can assert nothing failed unseen.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    /// <summary>Errors and criticals: unhandled exceptions, failed handlers, anything a person would be paged for.</summary>
    public IReadOnlyList<CapturedLog> Errors => [.. Entries.Where(e => e.Level >= LogLevel.Error)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
