#!/usr/bin/env bash
# Installs the packed tarball into a fresh project and checks that consumers can use it:
# ESM import and CJS require of every entry point, and a strict TypeScript (nodenext) consumer.
# Usage: bash scripts/check-consumers.sh   (builds first if dist/ is missing)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

# Entry points to check, from the one list in scripts/entries.mjs; override with e.g.
# CONSUMER_ENTRIES="botwire botwire/ws".
ENTRIES="${CONSUMER_ENTRIES:-$(node scripts/entries.mjs)}"
# Entry points a Node-only consumer (no DOM lib) must type-check against: all but those
# marked `dom` in the list.
SERVER_ENTRIES="${CONSUMER_SERVER_ENTRIES:-$(node scripts/entries.mjs --no-dom)}"
# Entry points that export types only: their JavaScript module may be empty.
TYPES_ONLY=" $(node scripts/entries.mjs --types-only) "

TSC="$ROOT/node_modules/.bin/tsc"
NODE_TYPES="$(node -p 'require("./node_modules/@types/node/package.json").version')"

if [ ! -f dist/index.js ]; then
  npm run build
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/botwire-consumer.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "== pack"
TARBALL="$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
echo "$TARBALL"

cd "$WORK"
mkdir consumer && cd consumer
cat > package.json <<'JSON'
{ "name": "botwire-consumer", "version": "0.0.0", "private": true, "type": "module" }
JSON

echo "== install tarball (+ the optional peers: ioredis for botwire/redis, @opentelemetry/api for botwire/otel)"
npm install --prefer-offline --no-audit --no-fund --loglevel=error \
  "../$TARBALL" ioredis @opentelemetry/api "@types/node@$NODE_TYPES"

echo "== ESM import"
for e in $ENTRIES; do
  node --input-type=module -e "
    const m = await import('$e');
    if (Object.keys(m).length === 0 && !'$TYPES_ONLY'.includes(' $e ')) throw new Error('$e: no exports');
    console.log('  import  $e:', Object.keys(m).sort().join(', '));
  "
done

echo "== CJS require"
for e in $ENTRIES; do
  node --input-type=commonjs -e "
    const m = require('$e');
    if (Object.keys(m).length === 0 && !'$TYPES_ONLY'.includes(' $e ')) throw new Error('$e: no exports');
    console.log('  require $e:', Object.keys(m).sort().join(', '));
  "
done

echo "== TypeScript consumer (strict, module nodenext, ESM and CJS)"
: > index.ts
: > index.cts
: > server.ts
i=0
for e in $ENTRIES; do
  echo "import * as m$i from \"$e\"; export const x$i: object = m$i;" >> index.ts
  echo "import m$i = require(\"$e\"); export const x$i: object = m$i;" >> index.cts
  i=$((i + 1))
done
i=0
for e in $SERVER_ENTRIES; do
  echo "import * as m$i from \"$e\"; export const x$i: object = m$i;" >> server.ts
  i=$((i + 1))
done
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "lib": ["ES2022", "DOM"],
    "types": ["node"],
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["index.ts", "index.cts"]
}
JSON
# A Node-only consumer has no DOM lib: the server-side entry points must not need it.
cat > tsconfig.server.json <<'JSON'
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "lib": ["ES2022"] },
  "files": ["server.ts"]
}
JSON
"$TSC" -p tsconfig.json
echo "  ok: all entries (lib ES2022 + DOM)"
"$TSC" -p tsconfig.server.json
echo "  ok: server entries (lib ES2022, no DOM)"

echo "consumer checks passed"
