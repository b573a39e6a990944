#!/bin/sh
# Entry point of the ipnhub container image (Dockerfile: ENTRYPOINT) and of the test that runs
# it without Docker (test/e2e/container-entrypoint.test.ts): runs the ipnhub command line that
# sits next to this script, `serve` when no command is given. `exec` makes node the process
# that receives `docker stop`'s SIGTERM, so ipnhub shuts down gracefully (answers in flight are
# finished, deliveries being attempted complete) before the container ends. MALLOC_ARENA_MAX
# keeps glibc's malloc to two arenas unless the container sets it (src/lib/server-environment.ts).
set -eu
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
if [ "$#" -eq 0 ]; then
  set -- serve
fi
exec node "$here/../bin/ipnhub.js" "$@"
