#!/usr/bin/env bash
# Writes .env for docker compose from deploy/compose.env.example, generating every required secret.
# Refuses to overwrite an existing .env (the broker and the database keep data signed and protected
# with the old values); pass --force to replace it anyway.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
example="$root/deploy/compose.env.example"
target="${1:-}"
out="$root/.env"

if [ -e "$out" ] && [ "$target" != "--force" ]; then
  echo "compose-env: $out exists; keeping it (use --force to replace it)" >&2
  exit 1
fi

secret() { head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-"$1"; }

umask 077
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    SEED_SECRET=|SECRET_KEY=) echo "${line}$(secret 64)" ;;
    ADMIRAL_TOKEN=|CAPTAIN_TOKEN=) echo "${line}$(secret 40)" ;;
    POSTGRES_PASSWORD=) echo "${line}$(secret 32)" ;;
    *) echo "$line" ;;
  esac
done <"$example" >"$out"
echo "compose-env: wrote $out (admiral token: $(sed -n 's/^ADMIRAL_TOKEN=//p' "$out"))"
