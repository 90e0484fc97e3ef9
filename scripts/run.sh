#!/usr/bin/env bash
# Brings the gateway up on this machine: installs what is missing, builds layers-server (release), starts a
# private PostgreSQL when DATABASE_URL is unset, applies migrations, makes sure a local user with a sandbox
# (lyr_test_) key exists, prints the key with a ready-to-paste curl line, and serves on $PORT (default 3700).
#
# Environment: PORT (or LAYERS_PORT), DATABASE_URL (else a private cluster under .pgdata/ via scripts/pg.sh, stopped
# again on exit only if this script started it), LAYERS_SCRATCH_PATH (SwiftPM build directory, default .build),
# and every setting `layers-server --help` lists (provider keys, LAYERS_ADMIN_TOKEN, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/setup.sh
echo "run: building layers-server (release)…" >&2
scratch=(--scratch-path "${LAYERS_SCRATCH_PATH:-.build}")
swift build -c release "${scratch[@]}" --product layers-server >&2
bin="$(swift build -c release "${scratch[@]}" --show-bin-path)/layers-server"

if [ -z "${DATABASE_URL:-}" ]; then
  if ! bash scripts/pg.sh status >/dev/null 2>&1; then
    trap 'bash "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true' EXIT   # stop it again only if we started it
  fi
  eval "$(bash scripts/pg.sh start)"
fi
export DATABASE_URL
export PORT="${LAYERS_PORT:-${PORT:-3700}}"

"$bin" migrate

mkdir -p .run
if [ ! -s .run/local-test-key ] || ! "$bin" check-key "$(cat .run/local-test-key)" >/dev/null 2>&1; then
  user_id=$("$bin" create-user --email "local@localhost" --name "Local developer" --credits 1000 --if-missing)
  "$bin" create-key --user "$user_id" --name "local sandbox" --test > .run/local-test-key
fi
key=$(cat .run/local-test-key)

cat <<MSG

Layers is starting on http://127.0.0.1:${PORT}
Your sandbox key (lyr_test_: answers from the built-in simulator, charges nothing):

  ${key}

Try it:

  curl -s http://127.0.0.1:${PORT}/v1/chat/completions \\
    -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
    -d '{"model":"anthropic/claude-sonnet-4.5","messages":[{"role":"user","content":"Hello!"}]}'

Or with the OpenAI SDK (pip install openai):

  python3 -c 'from openai import OpenAI; c = OpenAI(base_url="http://127.0.0.1:${PORT}/v1", api_key="${key}"); print(c.chat.completions.create(model="openai/gpt-4o", messages=[{"role": "user", "content": "Hello!"}]).choices[0].message.content)'

Set provider keys (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, ...) and create a live key with
  ${bin} create-key --user <user-id>
to reach real providers. Stop with Ctrl-C.

MSG
"$bin" serve
