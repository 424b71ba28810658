#!/usr/bin/env bash
# Blue/green release of the gateway and the planner on Render (deploy/render.blue-green.yaml).
#
#   deploy/scripts/blue-green.sh [all|deploy|wait|switch|drain|retire|resume]
#
# "all" (the default) runs every step in order; a single step can be re-run after fixing what
# stopped it. "Blue" is whatever serves the custom domain now, "green" the colour being released;
# for the next release swap the BLUE_* and GREEN_* values.
#
#   deploy  trigger green's deploy hooks (deploy/scripts/render-deploy.sh; waits until each deploy is
#           live when RENDER_API_KEY is set), after resuming green's services if they were suspended
#   wait    poll green's GET /api/hxo/status and GET /api/hxo/links/health until every link is healthy
#   switch  move the custom domain from blue's gateway to green's (Render API: remove it from one
#           service, add it to the other), or run SWITCH_COMMAND instead
#   drain   POST /api/hxo/graceful-shutdown through blue's gateway and poll blue's /api/hxo/status
#           until every planner instance reports "drained" (in-flight shards finished, checkpointed)
#   retire  suspend blue's planner (Render API); on SIGTERM it leaves its consumer groups and the
#           green planner takes over its partitions, resuming their plans from the checkpoints
#   resume  the drain command goes to every planner reading the shared command topic, green ones
#           included: POST HXO_RESUME_PATH on green's gateway when the gateway offers such a route,
#           otherwise restart green's planner (Render API), which starts undrained; then poll green's
#           /api/hxo/status until no instance is draining
#
# Environment (required for the steps that use them):
#   ADMIRAL_TOKEN        bearer token for the gateways (the same in both colours: hxo-gateway-secrets)
#   BLUE_URL, GREEN_URL  each gateway's own address, e.g. https://federation-gateway.onrender.com
#   GREEN_DEPLOY_HOOK    green's deploy hook URL(s), planner first, separated by spaces or commas
#   RENDER_API_KEY       Render API key (switch, retire, resume). The deploy step waits with it until
#                        green's new deploys are live; without it, the wait step may see the previous
#                        green release, still healthy, and go on.
#   HXO_DOMAIN           the custom domain that moves, e.g. hxo.example.com
#   BLUE_GATEWAY_ID, GREEN_GATEWAY_ID, BLUE_PLANNER_ID, GREEN_PLANNER_ID   Render service ids (srv-…)
# Optional:
#   SWITCH_COMMAND       shell command that moves traffic instead of the Render custom-domain calls
#                        (another DNS or load balancer); it runs with this environment
#   DOMAIN_URL           after the switch, poll DOMAIN_URL/health until it answers 200
#   HXO_RESUME_PATH      gateway route that lifts a drain, if the gateway has one
#   RENDER_API           Render REST API base (default https://api.render.com/v1)
#   TIMEOUT_S            limit of each waiting step in seconds (default 900)
#   POLL_S               seconds between polls (default 5)
set -euo pipefail

RENDER_API="${RENDER_API:-https://api.render.com/v1}"
TIMEOUT_S="${TIMEOUT_S:-900}"
POLL_S="${POLL_S:-5}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { echo "blue-green: $*"; }
die() { echo "blue-green: $*" >&2; exit 1; }
need() { local v; for v in "$@"; do [ -n "${!v:-}" ] || die "$v is required for this step"; done; }

command -v curl >/dev/null || die "curl is required"
command -v jq >/dev/null || die "jq is required"

# hxo GET PATH on a gateway: prints the JSON body; fails on a non-2xx answer.
hxo_get() { curl -fsS -H "Authorization: Bearer $ADMIRAL_TOKEN" -H 'Accept: application/json' "$1$2"; }
hxo_post() { curl -fsS -X POST -H "Authorization: Bearer $ADMIRAL_TOKEN" -H 'Accept: application/json' "$1$2"; }

# render METHOD PATH [JSON]: a Render API call; prints the HTTP status, body to $RENDER_OUT.
RENDER_OUT="$(mktemp)"
trap 'rm -f "$RENDER_OUT"' EXIT
render() {
  local args=(-sS -o "$RENDER_OUT" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $RENDER_API_KEY"
    -H 'Accept: application/json')
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "$RENDER_API$2"
}
render_ok() {
  local code
  code="$(render "$@")"
  case "$code" in
    2??) return 0 ;;
    *) die "Render API $1 $2 answered $code: $(head -c 300 "$RENDER_OUT")" ;;
  esac
}

# wait_until DESCRIPTION COMMAND...: runs COMMAND every POLL_S seconds until it succeeds.
wait_until() {
  local what="$1" deadline
  shift
  deadline=$(( $(date +%s) + TIMEOUT_S ))
  say "waiting until $what"
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || die "gave up after ${TIMEOUT_S}s waiting until $what"
    sleep "$POLL_S"
  done
  say "$what: yes"
}

# Every link the gateway reports is healthy (and there is at least one).
links_healthy() {
  local status links
  status="$(hxo_get "$1" /api/hxo/status 2>/dev/null)" || return 1
  links="$(hxo_get "$1" /api/hxo/links/health 2>/dev/null)" || return 1
  jq -e '(.links | length) > 0 and all(.links[]; . == "healthy")' >/dev/null <<<"$status" || return 1
  jq -e '(.links | length) > 0 and all(.links[]; .state == "healthy")' >/dev/null <<<"$links"
}

# Every planner instance the gateway sees is in STATE (and there is at least one).
planners_in() {
  local status
  status="$(hxo_get "$1" /api/hxo/status 2>/dev/null)" || return 1
  jq -e --arg s "$2" '(.instances | length) > 0 and all(.instances[]; .state == $s)' >/dev/null <<<"$status"
}

domain_answers() { curl -fsS -o /dev/null "$DOMAIN_URL/health"; }

step_deploy() {
  need GREEN_DEPLOY_HOOK
  if [ -n "${RENDER_API_KEY:-}" ]; then
    local id
    for id in ${GREEN_PLANNER_ID:-} ${GREEN_GATEWAY_ID:-}; do
      # Green may have been suspended after the previous release; resuming a running service is refused
      # by the API, which is fine here.
      render POST "/services/$id/resume" >/dev/null || true
    done
  fi
  RENDER_DEPLOY_HOOK="$GREEN_DEPLOY_HOOK" RENDER_API="$RENDER_API" "$HERE/render-deploy.sh"
}

step_wait() {
  need GREEN_URL ADMIRAL_TOKEN
  wait_until "green ($GREEN_URL) reports every link healthy" links_healthy "$GREEN_URL"
}

step_switch() {
  if [ -n "${SWITCH_COMMAND:-}" ]; then
    say "switching with SWITCH_COMMAND"
    bash -c "$SWITCH_COMMAND"
  else
    need RENDER_API_KEY HXO_DOMAIN BLUE_GATEWAY_ID GREEN_GATEWAY_ID
    local code
    # A custom domain belongs to one service at a time: take it off blue, then give it to green.
    code="$(render DELETE "/services/$BLUE_GATEWAY_ID/custom-domains/$HXO_DOMAIN")"
    case "$code" in
      2??|404) ;;
      *) die "Render API refused to remove $HXO_DOMAIN from $BLUE_GATEWAY_ID ($code): $(head -c 300 "$RENDER_OUT")" ;;
    esac
    render_ok POST "/services/$GREEN_GATEWAY_ID/custom-domains" "$(jq -cn --arg n "$HXO_DOMAIN" '{name: $n}')"
    say "$HXO_DOMAIN now points at $GREEN_GATEWAY_ID"
  fi
  if [ -n "${DOMAIN_URL:-}" ]; then
    wait_until "$DOMAIN_URL/health answers" domain_answers
  fi
}

step_drain() {
  need BLUE_URL ADMIRAL_TOKEN
  say "draining through blue ($BLUE_URL): POST /api/hxo/graceful-shutdown"
  hxo_post "$BLUE_URL" /api/hxo/graceful-shutdown >/dev/null || die "graceful-shutdown was refused by $BLUE_URL"
  wait_until "blue's /api/hxo/status shows every planner drained" planners_in "$BLUE_URL" drained
}

step_retire() {
  if [ -z "${BLUE_PLANNER_ID:-}" ]; then
    say "BLUE_PLANNER_ID not set: suspend blue's planner yourself (it must stop, or it keeps its partitions drained)"
    return 0
  fi
  need RENDER_API_KEY
  render_ok POST "/services/$BLUE_PLANNER_ID/suspend"
  say "suspended blue's planner ($BLUE_PLANNER_ID)"
}

step_resume() {
  need GREEN_URL ADMIRAL_TOKEN
  if [ -n "${HXO_RESUME_PATH:-}" ]; then
    hxo_post "$GREEN_URL" "$HXO_RESUME_PATH" >/dev/null || die "POST $HXO_RESUME_PATH was refused by $GREEN_URL"
  elif [ -n "${GREEN_PLANNER_ID:-}" ]; then
    need RENDER_API_KEY
    render_ok POST "/services/$GREEN_PLANNER_ID/restart"
    say "restarted green's planner ($GREEN_PLANNER_ID)"
  else
    die "neither HXO_RESUME_PATH nor GREEN_PLANNER_ID is set: green's planners stay drained until restarted"
  fi
  wait_until "green's /api/hxo/status shows every planner running" planners_in "$GREEN_URL" running
}

case "${1:-all}" in
  all) step_deploy; step_wait; step_switch; step_drain; step_retire; step_resume
       say "done: green serves ${HXO_DOMAIN:-the traffic}; blue is drained" ;;
  deploy) step_deploy ;;
  wait) step_wait ;;
  switch) step_switch ;;
  drain) step_drain ;;
  retire) step_retire ;;
  resume) step_resume ;;
  -h|--help|help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) die "unknown step '$1' (all, deploy, wait, switch, drain, retire, resume)" ;;
esac
