#!/bin/sh
# azd postdeploy hook: waits until the deployed app answers /health (storage reachable, settings valid), for up to about
# five minutes (a first start waits for the role assignments to reach storage), and prints the answer.
set -eu
: "${appUrl:?appUrl is not set: run this through azd (azd deploy / azd up), which exports the deployment outputs}"
url="${appUrl%/}/health"
tries=0
while :; do
  tries=$((tries + 1))
  if answer="$(curl -fsS --max-time 10 "$url" 2>/dev/null)" && [ "$answer" = "Healthy" ]; then
    echo "$url: Healthy"
    break
  fi
  if [ "$tries" -ge 30 ]; then
    echo "$url did not answer Healthy after $tries tries. Its last answer:" >&2
    curl -sS --max-time 10 "$url" >&2 || true
    echo >&2
    echo "See docs/operations.md, Health, and: az webapp log tail -g \"\$AZURE_RESOURCE_GROUP\" -n \"\$webAppName\"" >&2
    exit 1
  fi
  sleep 10
done
echo "Next: upload artifacts/triagebot-teams.zip to Teams; create the Slack app from artifacts/slack-manifest.json (docs/deploy.md)."
