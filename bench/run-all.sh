#!/usr/bin/env bash
# Runs every benchmark in bench/ in Release and writes the Markdown results to bench/results/ (not committed).
# Usage: bench/run-all.sh [seconds-per-load-row]   (default 10; the whole set takes about 25 minutes on 2 cores)
# Needs: .NET SDK (global.json), Node 20+. Installs tools/node_modules (Azurite, @slack/bolt) with npm ci when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
out="bench/results"
mkdir -p "$out"

[ -d tools/node_modules/@slack/bolt ] || (cd tools && npm ci)

echo "== machine" | tee "$out/machine.txt"
{ nproc; grep -m1 'model name' /proc/cpuinfo; free -h; dotnet --version; node --version; uptime; } | tee -a "$out/machine.txt"

server="$(mktemp -d)/server"
dotnet publish src/TriageBot -c Release -o "$server" --nologo -v q
dotnet build bench/TriageBot.Bench.Load -c Release --nologo -v q
dotnet build bench/TriageBot.Bench.Reports -c Release --nologo -v q

echo "== load: Slack vote submissions and clicks vs Bolt, Teams invokes, start and idle"
dotnet bench/TriageBot.Bench.Load/bin/Release/net10.0/TriageBot.Bench.Load.dll \
  --server "$server/TriageBot.dll" --seconds "$seconds" --warmup 3 --settle 20 --levels 16,64,256 --out "$out/load.md"

echo "== reports at scale: SQLite, 100,000 items"
dotnet bench/TriageBot.Bench.Reports/bin/Release/net10.0/TriageBot.Bench.Reports.dll sqlite 100000 | tee "$out/reports-sqlite.md"

echo "== reports at scale: Azure Tables (Azurite), 10,000 and 30,000 items"
dotnet bench/TriageBot.Bench.Reports/bin/Release/net10.0/TriageBot.Bench.Reports.dll azure 10000,30000 | tee "$out/reports-azure.md"

echo "== ceremonies at scale: 1,000 workspaces, reports due the same minute, 3 instances"
dotnet run -c Release --project bench/TriageBot.Bench.Ceremonies -- --server "$server/TriageBot.dll" --out "$out/ceremonies.md"

echo "== storage and dashboard"
dotnet run -c Release --project bench/TriageBot.Bench.Storage -- 3 all | tee "$out/storage.md"
dotnet run -c Release --project bench/TriageBot.Bench.Dashboard -- 10000 30 | tee "$out/dashboard.md"

uptime | tee -a "$out/machine.txt"
rm -rf "$(dirname "$server")"
echo "Results in $out/"
