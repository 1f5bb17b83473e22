#!/bin/sh
# One-shot: once Metabase answers, create its admin user and add the warehouse as a database,
# connected as the read-only login. Does nothing when Metabase is already set up.
set -eu
mb="http://metabase:3000"
until curl -sf "$mb/api/health" >/dev/null; do sleep 3; done
token=$(curl -sf "$mb/api/session/properties" | sed -n 's/.*"setup-token":"\([^"]*\)".*/\1/p')
if [ -z "$token" ]; then echo "Metabase is already set up"; exit 0; fi
curl -sf -X POST "$mb/api/setup" -H 'content-type: application/json' -d @- <<JSON
{
  "token": "$token",
  "user": { "email": "$MB_ADMIN_EMAIL", "password": "$MB_ADMIN_PASSWORD", "first_name": "Admin", "last_name": "Pancake" },
  "prefs": { "site_name": "Pancake warehouse", "allow_tracking": false },
  "database": {
    "engine": "postgres",
    "name": "Pancake warehouse",
    "details": { "host": "postgres", "port": 5432, "dbname": "$WAREHOUSE_DB", "user": "$READER_USER", "password": "$READER_PASSWORD", "schema-filters-type": "inclusion", "schema-filters-patterns": "pancake,pancake_analytics" }
  }
}
JSON
echo "Metabase is set up: log in at http://localhost:3000 as $MB_ADMIN_EMAIL"
