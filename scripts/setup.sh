#!/usr/bin/env bash
# Installs what Layers needs to build, run and test, only when it is missing. Safe to run again.
# Debian packages: the C libraries we link (libpq, libcurl), PostgreSQL for the ledger, nginx and wrk for the
# benchmarks. Python packages: the official SDKs and strict parsers the conformance tests use as clients.
set -euo pipefail

apt_packages=(pkg-config libpq-dev libcurl4-openssl-dev postgresql postgresql-contrib nginx wrk curl procps)
pip_modules=(openai anthropic httpx h11 jsonschema pytest google.genai)
pip_packages=(openai anthropic httpx h11 jsonschema pytest google-genai)

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts a system cluster; Layers runs its own private one, so leave the service off.
  if command -v service >/dev/null 2>&1; then $sudo_cmd service postgresql stop >/dev/null 2>&1 || true; fi
  if command -v service >/dev/null 2>&1; then $sudo_cmd service nginx stop >/dev/null 2>&1 || true; fi
fi

missing_pip=()
for i in "${!pip_modules[@]}"; do
  python3 -c "import ${pip_modules[$i]}" 2>/dev/null || missing_pip+=("${pip_packages[$i]}")
done
if [ "${#missing_pip[@]}" -gt 0 ]; then
  echo "setup: installing Python packages: ${missing_pip[*]}" >&2
  python3 -m pip install --quiet --disable-pip-version-check "${missing_pip[@]}" >&2
fi
