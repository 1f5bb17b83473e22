#!/bin/sh
# Runs `pancake-sync sync` (or SYNC_COMMAND, e.g. `enqueue` when workers do the work) every
# SYNC_EVERY seconds (default a day) until stopped. A run that fails is logged and retried at the
# next tick; the watermarks make the next run pick up where it stopped.
set -u
every="${SYNC_EVERY:-86400}"
command="${SYNC_COMMAND:-sync}"
while true; do
  node dist/src/cli.js "$command" || echo "pancake-sync: $command failed with exit code $?; next in ${every}s" >&2
  sleep "$every"
done
