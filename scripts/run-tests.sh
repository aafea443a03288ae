#!/usr/bin/env bash
# Run the suite; start the project's local Neo4j for the Neo4j tests and stop it after.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"
# The browser tests drive Debian's Chromium (Playwright cannot fetch its own browser here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
      || echo "note: could not install chromium: browser tests will be skipped" >&2
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
      || echo "note: could not install chromium: browser tests will be skipped" >&2
  else
    echo "note: /usr/bin/chromium missing and no root or sudo: browser tests will be skipped" \
         "(install it with: apt-get install -y chromium)" >&2
  fi
fi
started=0
if [ -z "${NEO4J_URI:-}" ]; then
  if command -v java >/dev/null && command -v mvn >/dev/null; then
    if orgraph neo4j status | grep -q '^running'; then
      echo "note: using the local Neo4j that is already running; it is left running" >&2
    elif orgraph neo4j start; then started=1; else echo "error: could not start local Neo4j" >&2; [ "${CI:-}" = "true" ] && exit 1; fi
  else
    echo "note: java or mvn missing: Neo4j tests will be skipped" >&2
  fi
fi
python -m pytest "$@"
rc=$?
[ "$started" = 1 ] && orgraph neo4j stop
exit $rc
