#!/usr/bin/env bash
# `npm test`: installs the system packages the tests need, starts PostgreSQL, type-checks, and
# runs every test file (API and store suites on SQLite and PostgreSQL, browser suites on SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh

pgdir=$(mktemp -d /tmp/opencheckout-pg.XXXXXX)
pgport=$((20000 + RANDOM % 20000))
trap 'bash scripts/pg.sh stop "$pgdir"' EXIT
export OPENCHECKOUT_TEST_PG_URL=$(bash scripts/pg.sh start "$pgdir" "$pgport")
echo "PostgreSQL for tests: $OPENCHECKOUT_TEST_PG_URL"

npx tsc -p tsconfig.json --noEmit
echo "typecheck: ok"

if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(find test -name '*.test.ts' | sort); fi
node --import tsx --test --test-concurrency=2 --test-reporter=spec "${files[@]}"
