#!/usr/bin/env bash
# Back up a PostgreSQL database, restore the backup into a new database, and check that every
# table holds the same rows; then remove the copy. Run it after changing how backups are made,
# and now and then on a real backup: a backup is only as good as its last restore.
#
#   deploy/backup-restore-check.sh "$DATABASE_URL" [backup-file]
#
# DATABASE_URL as the app reads it (postgresql+psycopg://user@host:5432/name works). With a
# backup file, the dump is kept there (pg_dump's custom format; restore with pg_restore).
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"

url="${1:?usage: $0 DATABASE_URL [backup-file]}"
url="${url/postgresql+psycopg:/postgresql:}"
base="${url%/*}"
name="${url##*/}"
name="${name%%\?*}"
copy="${name}_restore_check"
keep="${2:-}"
dump="${keep:-$(mktemp)}"

cleanup() {
  psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS \"$copy\"" >/dev/null 2>&1 || true
  if [ -z "$keep" ]; then rm -f "$dump"; fi
}
trap cleanup EXIT

counts() {
  psql -At "$1" <<'SQL' | sort
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I;', table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
\gexec
SQL
}

echo "backing up $name"
pg_dump --format=custom --no-owner --no-privileges --file="$dump" "$url"
echo "restoring into $copy"
psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS \"$copy\"" -c "CREATE DATABASE \"$copy\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$base/$copy" "$dump"

before="$(counts "$url")"
after="$(counts "$base/$copy")"
if [ "$before" != "$after" ]; then
  echo "restore check FAILED: row counts differ" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
echo "restore check passed: $(echo "$after" | wc -l) tables, $(echo "$after" | awk '{s+=$2} END {print s}') rows"
