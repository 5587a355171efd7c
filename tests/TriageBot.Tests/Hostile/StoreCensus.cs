using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Storage;

namespace TriageBot.Tests.Hostile;

/// <summary>
/// Counts the rows of every table of a host's SQLite store (items, bindings, members, votes, history, inbox, outbox…),
/// so a test can prove a refused request left nothing behind, including rows no port lists.
/// </summary>
public static class StoreCensus
{
    public static async Task<string> TakeAsync(IServiceProvider services)
    {
        var path = services.GetRequiredService<IOptions<StorageOptions>>().Value.SqlitePath
            ?? throw new InvalidOperationException("The census reads the SQLite store: set Storage:SqlitePath.");
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var db = new SqliteConnection(connection);
        await db.OpenAsync();
        var tables = new List<string>();
        await using (var list = db.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var census = new StringBuilder();
        foreach (var table in tables)
        {
            await using var count = db.CreateCommand();
            // Table names come from sqlite_master, not from input.
#pragma warning disable CA2100
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
#pragma warning restore CA2100
            census.Append(table).Append('=').Append((long)(await count.ExecuteScalarAsync())!).Append(' ');
        }

        return census.ToString().TrimEnd();
    }
}
