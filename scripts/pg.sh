#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages if needed and starts a
# throwaway server on 127.0.0.1 for the tests, then prints its URL, e.g.
#
#	export TRIBUTARY_PG_URL=$(scripts/pg.sh)
#
# The data directory is $PGDIR (default /tmp/tributary-pg). Running it again
# while that server is up prints the same URL; `scripts/pg.sh stop` stops it.
# PostgreSQL refuses to run as root, so as root the server runs as the
# package's postgres user.
set -euo pipefail
dir=${PGDIR:-/tmp/tributary-pg}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

if [ "${1:-}" = stop ]; then
	if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast stop >&2; fi
	exit 0
fi

if [ -z "$(bindir)" ]; then
	[ "$(id -u)" = 0 ] || { echo "pg.sh: PostgreSQL is not installed; run as root to install it" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
	# The package starts a cluster of its own; the tests use theirs.
	service postgresql stop >/dev/null 2>&1 || true
fi
bin=$(bindir)

if [ -f "$dir/url" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
	cat "$dir/url"
	exit 0
fi

mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
	rm -rf "$dir/data"
	as_owner "$bin/initdb" -D "$dir/data" -U tributary --auth=trust -E UTF8 --no-locale >&2
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + RANDOM % 20000)))
# fsync off: the data is thrown away, and commits cost a tenth as much.
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >&2
echo "postgres://tributary@127.0.0.1:$port/postgres?sslmode=disable" > "$dir/url"
cat "$dir/url"
