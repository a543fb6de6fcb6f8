#!/bin/sh
# Entrypoint of the Flow image.
#   (no args) / node dist/apps/api/main.js …   → the api (serve)
#   serve | worker | migrate | tenant | token | seed …   → node dist/apps/api/main.js <args>
#   help | -flags (--help)                               → node dist/apps/api/main.js <args>
#   anything else (sh, node -e …)                        → executed as given
# The image ships no embedded PostgreSQL, so every Flow command needs DATABASE_URL.
set -eu

MAIN=/app/dist/apps/api/main.js

require_database_url() {
  if [ -z "${DATABASE_URL:-}" ]; then
    echo "flow: DATABASE_URL is required in the container image (the embedded PostgreSQL is not included)." >&2
    echo "flow: e.g. DATABASE_URL=postgres://flow:secret@postgres:5432/flow" >&2
    exit 64
  fi
}

case "${1:-}" in
  "")
    require_database_url
    exec node "$MAIN"
    ;;
  serve)
    # `serve` is main.js's default command
    shift
    require_database_url
    exec node "$MAIN" "$@"
    ;;
  worker|migrate|tenant|token|seed)
    require_database_url
    exec node "$MAIN" "$@"
    ;;
  help|-*)
    exec node "$MAIN" "$@"
    ;;
  node)
    case "${2:-}" in
      dist/apps/api/main.js|"$MAIN") require_database_url ;;
    esac
    exec "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
