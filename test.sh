#!/usr/bin/env bash
# Ferry's one test command: the console's component tests (Vitest), every Go
# test (against the real PostgreSQL and Redis, see README "Test it"), then the
# browser tests (web/e2e: a Ferry built from this checkout, a throwaway
# database and Redis, Debian's Chromium driven by playwright-core). They test
# the console as built in web/dist: after changing web/src, npm run build.
set -euo pipefail
cd "$(dirname "$0")"

# npm ci when web/node_modules is missing or older than the lockfile
# (npm writes node_modules/.package-lock.json on every install).
if [[ ! -f web/node_modules/.package-lock.json || web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
  (cd web && npm ci --no-audit --no-fund)
fi
(cd web && npx vitest run)

go test -count=1 -timeout 15m ./...

if [[ ! -x /usr/bin/chromium ]]; then
  echo "test.sh: installing Chromium for the browser tests (apt-get install -y chromium)"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  if ! { $sudo apt-get install -y chromium || { $sudo apt-get update && $sudo apt-get install -y chromium; }; }; then
    echo "test.sh: the browser tests need Chromium at /usr/bin/chromium and it could not be installed;" >&2
    echo "test.sh: install it (Debian/Ubuntu: apt-get install -y chromium) and run ./test.sh again" >&2
    exit 1
  fi
fi
for tool in psql redis-server; do
  if ! command -v "$tool" >/dev/null; then
    echo "test.sh: the browser tests need $tool on PATH (they make a throwaway database and Redis)" >&2
    exit 1
  fi
done
(cd web && npm run test:e2e)
