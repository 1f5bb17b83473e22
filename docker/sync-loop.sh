#!/bin/sh
# Runs `pancake-sync sync` every SYNC_EVERY (default 24h) until stopped. A run that fails is logged
# and retried at the next tick; the watermarks make the next run pick up where it stopped.
set -u
every="${SYNC_EVERY:-86400}"
while true; do
  node dist/src/cli.js sync || echo "pancake-sync: run failed with exit code $?; next run in ${every}s" >&2
  sleep "$every"
done
