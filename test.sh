#!/usr/bin/env bash
# Ferry's one test command: the console's component tests (Vitest) and every
# Go test (against the real PostgreSQL and Redis, see README "Test it").
set -euo pipefail
cd "$(dirname "$0")"

# npm ci when web/node_modules is missing or older than the lockfile
# (npm writes node_modules/.package-lock.json on every install).
if [[ ! -f web/node_modules/.package-lock.json || web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
  (cd web && npm ci --no-audit --no-fund)
fi
(cd web && npx vitest run)

go test -count=1 -timeout 15m ./...
