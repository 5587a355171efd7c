using System.Globalization;

namespace TriageBot.Bench.Load;

/// <summary>Command-line settings of the load benchmark.</summary>
internal sealed record BenchOptions(string? Server, int Seconds, int Warmup, int[] Levels, HashSet<string> Only, int IdleSeconds, string? Out, int Settle, string Tool)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var levels = (Arg("--levels") ?? "16,64,256").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var only = (Arg("--only") ?? "startup,slack-vote,slack-submit,slack-click,teams").Split(',').ToHashSet(StringComparer.Ordinal);
        var tool = Arg("--tool") ?? "inproc";
        if (tool is not ("inproc" or "wrk"))
        {
            throw new ArgumentException("--tool is inproc (the built-in closed-loop generator) or wrk (Debian's wrk).");
        }

        return new BenchOptions(Arg("--server"), Int("--seconds", 10), Int("--warmup", 3), levels, only, Int("--idle", 10), Arg("--out"), Int("--settle", 20), tool);
    }
}
