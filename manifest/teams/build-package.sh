#!/usr/bin/env bash
# Builds the Teams app package (manifest.json + icons in a zip) with the placeholders filled in.
# Usage: MICROSOFT_APP_ID=<bot app id> BOT_DOMAIN=<host of the bot> [TEAMS_APP_ID=<guid>] manifest/teams/build-package.sh [out.zip]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../../artifacts/triagebot-teams.zip}"

: "${MICROSOFT_APP_ID:?set MICROSOFT_APP_ID to the Microsoft App ID of the Azure Bot, a GUID}"
: "${BOT_DOMAIN:?set BOT_DOMAIN to the host name the bot is served from, e.g. triagebot.contoso.com}"
# The Teams app id is its own GUID; reusing the bot's app id is allowed and keeps one id to track.
TEAMS_APP_ID="${TEAMS_APP_ID:-$MICROSOFT_APP_ID}"

guid='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
host='^[A-Za-z0-9.-]+$'
[[ "$MICROSOFT_APP_ID" =~ $guid ]] || { echo "MICROSOFT_APP_ID must be a GUID" >&2; exit 1; }
[[ "$TEAMS_APP_ID" =~ $guid ]] || { echo "TEAMS_APP_ID must be a GUID" >&2; exit 1; }
[[ "$BOT_DOMAIN" =~ $host ]] || { echo "BOT_DOMAIN must be a bare host name (no scheme, no path)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s/\${{MICROSOFT_APP_ID}}/$MICROSOFT_APP_ID/g" \
    -e "s/\${{TEAMS_APP_ID}}/$TEAMS_APP_ID/g" \
    -e "s/\${{BOT_DOMAIN}}/$BOT_DOMAIN/g" \
    "$here/manifest.json" > "$work/manifest.json"
if grep -q '\${{' "$work/manifest.json"; then
  echo "manifest.json still has an unfilled placeholder:" >&2
  grep -o '\${{[A-Z_]*}}' "$work/manifest.json" | sort -u >&2
  exit 1
fi
cp "$here/color.png" "$here/outline.png" "$work/"
mkdir -p "$(dirname "$out")"
rm -f "$out"
if command -v zip >/dev/null 2>&1; then
  (cd "$work" && zip -q -X "$out.tmp.zip" manifest.json color.png outline.png)
else
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED); [z.write(f"{sys.argv[2]}/{n}", n) for n in ("manifest.json", "color.png", "outline.png")]' "$out.tmp.zip" "$work"
fi
mv "$out.tmp.zip" "$out"
echo "Teams app package: $out"
