#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The official openai and @anthropic-ai/sdk npm clients against `adiuva-cli gateway serve`, whose
# providers are the provider test server replaying recorded traffic. Run through
# build-aux/test-env --keyring; exits 77 (skipped) without node and npm, the fixtures or the
# npm registry.
#
#   test-npm-clients.sh ADIUVA_CLI TEST_PROVIDER FIXTURES_DIR NPM_SOURCE_DIR NPM_BUILD_DIR
set -eu

cli=$1
provider=$2
fixtures=$3
source_dir=$4
build_dir=$5

skip() {
  echo "SKIP: $*"
  exit 77
}

[ -d "$fixtures" ] || skip "no fixtures directory at $fixtures"

# The SDKs once per build directory, from the lock file.
why=$(sh "$(dirname "$0")/../../npm-ci.sh" "$source_dir" "$build_dir") || {
  status=$?
  [ "$status" -eq 77 ] && skip "$why"
  exit "$status"
}
cp "$source_dir/clients.mjs" "$build_dir/"

work=$(mktemp -d "${TMPDIR:-/tmp}/adiuva-npm.XXXXXX")
upstream_pid=
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "$upstream_pid" ] && kill "$upstream_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Waits for a line starting with $2 in file $1 and prints the rest of it.
wait_line() {
  i=0
  while ! grep -q "^$2" "$1" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 200 ] || { echo "no '$2' in $1:" >&2; cat "$1" >&2; exit 1; }
    sleep 0.05
  done
  grep -m1 "^$2" "$1" | sed "s|^$2||"
}

"$provider" --port 0 --fixtures "$fixtures" --idle-timeout 120 >"$work/upstream.out" &
upstream_pid=$!
upstream=$(wait_line "$work/upstream.out" "listening on ")

data="$work/data"
"$cli" --data-dir "$data" init >/dev/null
UPSTREAM_KEY=sk-test-npm-upstream-0001 \
  "$cli" --data-dir "$data" provider add oa --kind openai --base-url "$upstream/v1" \
  --api-key-env UPSTREAM_KEY >/dev/null
UPSTREAM_KEY=test-anthropic-npm-key-0002 \
  "$cli" --data-dir "$data" provider add an --kind anthropic --base-url "$upstream" \
  --api-key-env UPSTREAM_KEY >/dev/null

"$cli" --data-dir "$data" gateway serve --show-token >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
base=$(wait_line "$work/serve.out" "listening on ")
token=$(wait_line "$work/serve.out" "token: ")

node "$build_dir/clients.mjs" "$base" "$token" oa/gpt-4o-mini an/claude-3-5-haiku-latest \
  oa/text-embedding-3-small >"$work/result.json"
cat "$work/result.json"

# The answers, as each SDK read them.
node --input-type=module - "$work/result.json" <<'CHECK'
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
assert.equal(r.openai.object, 'chat.completion');
assert.equal(r.openai.model, 'oa/gpt-4o-mini');
assert.ok(r.openai.text.length > 0);
assert.ok(r.openai_stream.chunks > 1);
assert.ok(r.openai_stream.text.length > 0);
assert.equal(r.openai_wrong_token.status, 401);
assert.equal(r.openai_wrong_token.name, 'AuthenticationError');
assert.equal(r.openai_embeddings.object, 'list');
assert.equal(r.openai_embeddings.model, 'oa/text-embedding-3-small');
assert.equal(r.openai_embeddings.count, 1);
assert.equal(r.openai_embeddings.dimensions, 256);
assert.equal(r.openai_embeddings.usage.prompt_tokens, 2);
assert.equal(r.openai_embeddings.float_count, 1);
// base64 gives the float32 values; their decimal text rounds back to the same float32.
assert.deepEqual(r.openai_embeddings.first, r.openai_embeddings.float_first.map(Math.fround));
assert.ok(Math.abs(r.openai_embeddings.first[0] - -0.0039325873) < 1e-9);
assert.equal(r.anthropic.type, 'message');
assert.ok(r.anthropic.text.length > 0);
assert.ok(r.anthropic_stream.text.length > 0);
assert.equal(r.anthropic_stream.text, r.anthropic_stream.final_text);
CHECK

# The token stays the same for the workspace, and `serve` stops when asked: on SIGTERM, and
# when its standard input is a pipe that closes.
kill -TERM "$serve_pid"
wait "$serve_pid"
serve_pid=
if grep -E "CRITICAL|WARNING" "$work/serve.err" >&2; then
  exit 1
fi
: | timeout 20 "$cli" --data-dir "$data" gateway serve >/dev/null
"$cli" --data-dir "$data" gateway serve --show-token >"$work/serve2.out" 2>&1 </dev/null &
serve_pid=$!
token2=$(wait_line "$work/serve2.out" "token: ")
[ "$token" = "$token2" ] || { echo "the token changed between runs" >&2; exit 1; }

echo "PASS: the openai and @anthropic-ai/sdk clients work against gateway serve"
