#!/usr/bin/env bash
# Installs the system programs named as arguments, if missing (Debian/Ubuntu, via apt):
#   graphviz  Graphviz's `dot`, for drawings (the demos and the tests)
#   chromium  the browser the player and notebook tests drive (the tests only)
#   node      Node.js and npm, which install Pyodide and Graphviz-wasm for the browser pages
#             (`make play`, and the tests, which build them)
# e.g. `bash scripts/system-deps.sh graphviz chromium`. The Makefile says which target needs which.
set -euo pipefail
declare -A command_of=([graphviz]=dot [chromium]=chromium [node]=npm)
declare -A debian_of=([graphviz]=graphviz [chromium]=chromium [node]="nodejs npm")
missing=()
for package in "$@"; do
    program="${command_of[$package]:-}"
    if [ -z "$program" ]; then
        echo "stepgrad: system-deps.sh knows graphviz, chromium and node, not '$package'" >&2
        exit 2
    fi
    command -v "$program" >/dev/null 2>&1 || missing+=(${debian_of[$package]})
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "stepgrad: please install ${missing[*]} with your system's package manager" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "stepgrad: installing ${missing[*]} (apt)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
