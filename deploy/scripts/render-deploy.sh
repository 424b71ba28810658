#!/usr/bin/env bash
# Starts Render deploys through deploy hooks, one service after the other, and (when a Render API
# key is available) waits until each new deploy is live before starting the next.
#
#   deploy/scripts/render-deploy.sh [HOOK_URL...]
#
# Without arguments the hooks come from RENDER_DEPLOY_HOOK: one or more hook URLs separated by
# spaces, commas or newlines, in the order to deploy (genesis-bus first: it provisions the topics;
# the gateway last). A hook URL is a secret (it carries a key): only its service id is ever printed.
#
# Environment:
#   RENDER_API_KEY    optional; with it, each deploy is followed until Render reports it live and a
#                     failed build or update fails this script. Without it the script only triggers.
#   RENDER_API        Render's REST API base (default https://api.render.com/v1)
#   DEPLOY_TIMEOUT_S  how long one deploy may take (default 1800)
#   POLL_S            seconds between status checks (default 10)
set -euo pipefail

RENDER_API="${RENDER_API:-https://api.render.com/v1}"
DEPLOY_TIMEOUT_S="${DEPLOY_TIMEOUT_S:-1800}"
POLL_S="${POLL_S:-10}"

say() { echo "render-deploy: $*"; }
die() { echo "render-deploy: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl is required"
command -v jq >/dev/null || die "jq is required"

hooks=("$@")
if [ ${#hooks[@]} -eq 0 ]; then
  [ -n "${RENDER_DEPLOY_HOOK:-}" ] || die "give hook URLs as arguments or in RENDER_DEPLOY_HOOK"
  read -r -a hooks <<<"$(tr ',\n' '  ' <<<"$RENDER_DEPLOY_HOOK")"
fi
[ ${#hooks[@]} -gt 0 ] || die "no deploy hook given"

# srv-… from https://api.render.com/deploy/srv-…?key=…
service_of() { sed -n 's|.*/deploy/\([^/?]*\).*|\1|p' <<<"$1"; }

wait_live() {
  local service="$1" deploy="$2" deadline status
  deadline=$(( $(date +%s) + DEPLOY_TIMEOUT_S ))
  while :; do
    status="$(curl -fsS -H "Authorization: Bearer $RENDER_API_KEY" -H 'Accept: application/json' \
      "$RENDER_API/services/$service/deploys/$deploy" | jq -r '.status // empty' || true)"
    case "$status" in
      live) say "$service: deploy $deploy is live"; return 0 ;;
      build_failed|update_failed|pre_deploy_failed|canceled|deactivated)
        die "$service: deploy $deploy ended as $status" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || die "$service: deploy $deploy not live after ${DEPLOY_TIMEOUT_S}s (last status: ${status:-unknown})"
    sleep "$POLL_S"
  done
}

for hook in "${hooks[@]}"; do
  service="$(service_of "$hook")"
  [ -n "$service" ] || die "not a Render deploy hook URL (expected …/deploy/srv-…?key=…)"
  say "$service: triggering a deploy"
  body="$(curl -fsS -X POST "$hook")" || die "$service: the deploy hook was refused"
  deploy="$(jq -r '.deploy.id // empty' <<<"$body" 2>/dev/null || true)"
  if [ -z "${RENDER_API_KEY:-}" ]; then
    say "$service: deploy ${deploy:-?} started (no RENDER_API_KEY: not waiting for it)"
  elif [ -z "$deploy" ]; then
    say "$service: the hook's answer names no deploy id; not waiting for it"
  else
    wait_live "$service" "$deploy"
  fi
done
