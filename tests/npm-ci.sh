#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs the npm packages of a test or benchmark, once per build directory, from its committed
# package-lock.json with `npm ci`, npm's cache under the build directory too. Exits 77 (skip),
# saying why on standard output, without node 20 or npm, or when npm ci fails (no registry).
#
#   npm-ci.sh NPM_SOURCE_DIR NPM_BUILD_DIR
set -eu

source_dir=$1
build_dir=$2

skip() {
  echo "$*"
  exit 77
}

command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || skip "node is older than 20"

mkdir -p "$build_dir"
if ! cmp -s "$source_dir/package-lock.json" "$build_dir/package-lock.json" ||
   [ ! -d "$build_dir/node_modules" ]; then
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$build_dir/"
  rm -rf "$build_dir/node_modules"
  if ! (cd "$build_dir" && npm ci --no-audit --no-fund --cache "$build_dir/.npm-cache" \
          >"$build_dir/npm-ci.log" 2>&1); then
    rm -f "$build_dir/package-lock.json"
    cat "$build_dir/npm-ci.log" >&2
    skip "npm ci failed (is the npm registry reachable?)"
  fi
fi
