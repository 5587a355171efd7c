using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TriageBot.Cli;

/// <summary>
/// The backup document: one JSON object, version 1, whose top-level properties come in this order —
/// <c>format</c>, <c>version</c>, <c>backlogId</c>, <c>exportedAt</c>, <c>backlog</c>, then the arrays <c>members</c>,
/// <c>bindings</c>, <c>items</c>, <c>history</c>, <c>votes</c>, <c>ledger</c>. Records are Core's JSON shapes
/// (<see cref="Core.CoreJson"/>), the same the stores keep, so a backup moves between stores without translation.
/// </summary>
public static class BackupFormat
{
    public const string Format = "triagebot-backup";
    public const int Version = 1;

    public const string Members = "members";
    public const string Bindings = "bindings";
    public const string Items = "items";
    public const string History = "history";
    public const string Votes = "votes";
    public const string Ledger = "ledger";

    /// <summary>
    /// Streams the document's top-level values: a scalar or object property as one value, and each element of an
    /// array property as its own value, so a backlog of any size is read with a small buffer.
    /// </summary>
    public static async IAsyncEnumerable<(string Section, JsonElement Value)> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        var final = false;
        var state = new ParseState();
        var output = new List<(string, JsonElement)>();
        while (!state.Done)
        {
            if (!final && length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                length += read;
                final = read == 0;
            }

            int consumed;
            try
            {
                consumed = Parse(buffer.AsSpan(0, length), final, state, output);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The backup file is not valid JSON; it may be truncated or edited by hand ({e.Message})", e);
            }

            foreach (var value in output)
            {
                yield return value;
            }

            output.Clear();
            if (state.Done)
            {
                yield break;
            }

            if (consumed == 0 && final)
            {
                throw new InvalidDataException("The backup file ends in the middle of a value: it is truncated.");
            }

            if (consumed == 0 && length == buffer.Length)
            {
                // One value is larger than the buffer: grow it (a single item is at most a few hundred KB).
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
        }
    }

    private enum Mode { Start, Property, Value, Array }

    private sealed class ParseState
    {
        public JsonReaderState Reader;
        public Mode Mode;
        public string Section = "";
        public bool Done;
    }

    /// <summary>Reads as many whole values as the data holds; returns the bytes consumed.</summary>
    private static int Parse(ReadOnlySpan<byte> data, bool final, ParseState state, List<(string, JsonElement)> output)
    {
        var reader = new Utf8JsonReader(data, final, state.Reader);
        while (true)
        {
            var checkpoint = reader;
            if (!reader.Read())
            {
                reader = checkpoint;
                break;
            }

            switch (state.Mode)
            {
                case Mode.Start:
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new InvalidDataException("A backup file is one JSON object; this one does not start with '{'.");
                    }

                    state.Mode = Mode.Property;
                    continue;
                case Mode.Property when reader.TokenType == JsonTokenType.EndObject:
                    state.Done = true;
                    state.Reader = reader.CurrentState;
                    return (int)reader.BytesConsumed;
                case Mode.Property:
                    state.Section = reader.GetString()!;
                    state.Mode = Mode.Value;
                    continue;
                case Mode.Value when reader.TokenType == JsonTokenType.StartArray:
                    state.Mode = Mode.Array;
                    continue;
                case Mode.Array when reader.TokenType == JsonTokenType.EndArray:
                    state.Mode = Mode.Property;
                    continue;
            }

            // A whole value (an object, or a scalar) starts here: take it only if all of it is in the buffer.
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            {
                reader = checkpoint;
                break;
            }

            var valueReader = checkpoint;
            valueReader.Read();
            using (var document = JsonDocument.ParseValue(ref valueReader))
            {
                output.Add((state.Section, document.RootElement.Clone()));
            }

            reader = valueReader;
            if (state.Mode == Mode.Value)
            {
                state.Mode = Mode.Property;
            }
        }

        state.Reader = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
