#!/usr/bin/env bash
# Installs the system programs stepgrad's tests and demos use, if missing: Graphviz's `dot`
# (drawings) and Chromium (the HTML player's browser test). Debian/Ubuntu via apt.
set -euo pipefail
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
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
