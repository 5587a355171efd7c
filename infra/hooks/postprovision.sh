#!/bin/sh
# azd postprovision hook: azd exports the deployment outputs (webAppName, appUrl, identityClientId, ...) as environment
# variables. Builds the Teams app package for this bot, writes the Agents Toolkit environment file for it, and writes the
# Slack app manifest with this app's request URLs. Nothing here changes Azure.
set -eu
root="$(cd "$(dirname "$0")/../.." && pwd)"
: "${appUrl:?appUrl is not set: run this through azd (azd provision / azd up), which exports the deployment outputs}"
: "${identityClientId:?identityClientId is not set: run this through azd}"
host="${appUrl#https://}"
host="${host%/}"
env_name="${AZURE_ENV_NAME:-azure}"

# Teams: the package to upload (docs/deploy.md, B5), and the same values for the Microsoft 365 Agents Toolkit.
if [ "${teamsEnabled:-true}" = "true" ]; then
  MICROSOFT_APP_ID="$identityClientId" BOT_DOMAIN="$host" \
    "$root/manifest/teams/build-package.sh" "$root/artifacts/triagebot-teams.zip"
  mkdir -p "$root/manifest/teams/env"
  cat > "$root/manifest/teams/env/.env.$env_name" <<ENV
# Written by infra/hooks/postprovision.sh for the azd environment $env_name.
TEAMSFX_ENV=$env_name
APP_NAME_SUFFIX=
MICROSOFT_APP_ID=$identityClientId
BOT_DOMAIN=$host
ENV
  echo "Teams package: artifacts/triagebot-teams.zip (bot id $identityClientId, domain $host)"
  echo "Agents Toolkit environment: manifest/teams/env/.env.$env_name"
else
  echo "Teams is off (enableTeams=false): no Teams package."
fi

# Slack: the manifest to paste at api.slack.com/apps (docs/deploy.md, B6).
mkdir -p "$root/artifacts"
# The request URLs, and the unfurl domain (Slack takes it in lower case only).
sed -e "s#https://[^/\"]*/slack/#https://$host/slack/#g" -e "s#\"your-host\"#\"$(printf '%s' "$host" | tr '[:upper:]' '[:lower:]')\"#g" \
  "$root/manifest/slack/manifest.json" > "$root/artifacts/slack-manifest.json"

echo "Slack manifest: artifacts/slack-manifest.json"
if [ "${slackEnabled:-false}" != "true" ]; then
  echo "Slack is off. To turn it on: azd env set SLACK_SIGNING_SECRET <secret>; azd env set SLACK_BOT_TOKEN <xoxb-token>; azd provision"
fi

# The tracker sync (docs/trackers.md): on when its settings were given.
echo "Trackers: GitHub ${githubEnabled:-false}, Jira ${jiraEnabled:-false} (docs/trackers.md, In Azure: TRIAGEBOT_GITHUB_… / TRIAGEBOT_JIRA_… then azd provision)"
