#!/usr/bin/env bash
# Installs everything shelfcast needs on a fresh machine and is quick when it is all there already:
# Debian packages, npm packages, the Python .venv (from requirements.txt), and the compiled CLI in dist/.
#   bash scripts/setup.sh          what the main job needs
#   bash scripts/setup.sh --test   plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { printf 'setup: %s\n' "$*" >&2; }

# --- Debian packages --------------------------------------------------------------------------------------
# libgomp1: OpenMP runtime that lib_lightgbm.so links against.
debs=(libgomp1)
# time: GNU time, which the benchmarks use to read peak memory of child processes.
if (( want_test )); then debs+=(time); fi
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if (( ${#missing[@]} )); then
  say "installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- npm packages -----------------------------------------------------------------------------------------
# Only when the lock file changed since the last install. Install scripts stay off: DuckDB, koffi and
# onnxruntime-node ship prebuilt binaries, and onnxruntime-node's postinstall would try to download.
# `npm install` rather than `npm ci`: the lock omits DuckDB's binaries for other platforms when a registry
# mirror does not carry them, which `npm ci` rejects; `npm install` still installs the locked versions.
if [[ ! -f node_modules/.package-lock.json ]] || ! cmp -s package-lock.json node_modules/.shelfcast-lock; then
  say "installing npm packages"
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.shelfcast-lock
fi

# --- Python virtual environment ---------------------------------------------------------------------------
# One fully pinned requirements file; the venv is rebuilt only when that file changes.
req_hash=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -x .venv/bin/python ]] || [[ "$(cat .venv/.requirements.sha256 2>/dev/null)" != "$req_hash" ]]; then
  py=${SHELFCAST_PYTHON:-python3}
  "$py" -c 'import sys; assert sys.version_info >= (3, 10), sys.version' \
    || { say "Python 3.10+ is required (set SHELFCAST_PYTHON to one)"; exit 1; }
  say "creating .venv from requirements.txt (a few minutes the first time)"
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --no-deps -r requirements.txt
  .venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check; exit 1; }
  .venv/bin/python -c 'import lightgbm, mlflow, onnx, prefect, evidently, moto, pandas' \
    || { say "the Python environment does not import cleanly"; exit 1; }
  echo "$req_hash" > .venv/.requirements.sha256
fi

# --- test tools -------------------------------------------------------------------------------------------
# hadolint, checkov and schemathesis, in a venv of their own (requirements-tools.txt says why), for the tests.
if (( want_test )); then
  tools_hash=$(sha256sum requirements-tools.txt | cut -d' ' -f1)
  if [[ ! -x .venv-tools/bin/python ]] || [[ "$(cat .venv-tools/.requirements.sha256 2>/dev/null)" != "$tools_hash" ]]; then
    say "creating .venv-tools from requirements-tools.txt"
    rm -rf .venv-tools
    "${SHELFCAST_PYTHON:-python3}" -m venv .venv-tools
    .venv-tools/bin/python -m pip install -q --upgrade pip
    .venv-tools/bin/python -m pip install -q --no-deps -r requirements-tools.txt
    .venv-tools/bin/python -m pip check >/dev/null || { .venv-tools/bin/python -m pip check; exit 1; }
    for tool in hadolint checkov schemathesis; do
      [[ -x .venv-tools/bin/$tool ]] || { say ".venv-tools lacks $tool"; exit 1; }
    done
    echo "$tools_hash" > .venv-tools/.requirements.sha256
  fi
fi

# --- compiled CLI -----------------------------------------------------------------------------------------
npx tsc -p tsconfig.build.json --incremental --tsBuildInfoFile dist/.tsbuildinfo
