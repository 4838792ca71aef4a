#!/bin/sh
# pg.sh: a throwaway PostgreSQL 15 cluster for tests and CI.
#
#   scripts/pg.sh start DIR    initialise DIR (if needed), start the server and
#                              print the libpq URL to use, e.g.
#                              postgresql:///postgres?host=DIR&user=postgres
#   scripts/pg.sh stop DIR     stop it (fast shutdown); DIR is kept
#   scripts/pg.sh url DIR      print the URL again
#
# The server listens only on a Unix socket inside DIR (listen_addresses is
# empty, so there is no TCP port at all), trusts every local connection and
# runs with fsync off: it is for tests, never for data anyone keeps.  The
# data lives in DIR/data and the server log in DIR/postgres.log.  When run
# as root, DIR is handed to the "postgres" user and the server runs as that
# user, because initdb and postgres refuse to run as root.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

usage() {
	echo "usage: scripts/pg.sh start|stop|url DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

[ -x "$PGBIN/pg_ctl" ] || {
	echo "pg.sh: no PostgreSQL 15 server in $PGBIN (apt-get install postgresql-15)" >&2
	exit 1
}

# As root, run the server tools as postgres; otherwise as ourselves.
if [ "$(id -u)" -eq 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

url() {
	echo "postgresql:///postgres?host=$dir&user=postgres"
}

case $cmd in
start)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	# The folder goes into a URL and a config file unquoted.
	case $dir in
	*[!A-Za-z0-9/._-]*)
		echo "pg.sh: '$dir' has characters a URL would need escaped; use a plain folder name" >&2
		exit 1
		;;
	esac
	# A Unix socket path is limited to 107 bytes.
	if [ ${#dir} -gt 90 ]; then
		echo "pg.sh: '$dir' is too long for a Unix socket path; use a shorter folder" >&2
		exit 1
	fi
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$dir"
		chmod 755 "$dir"	# others may reach the socket
		if ! as_pg test -w "$dir"; then
			echo "pg.sh: user postgres cannot reach '$dir' (check the modes of its parent folders)" >&2
			exit 1
		fi
	fi
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust \
			-E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
		cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/pg.sh: Unix socket only, no durability (tests).
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
	fi
	if ! as_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
			-w -t 60 start >/dev/null || {
			tail -n 20 "$dir/postgres.log" >&2
			exit 1
		}
	fi
	url
	;;
stop)
	dir=$(cd "$dir" && pwd)
	if as_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	fi
	;;
url)
	dir=$(cd "$dir" && pwd)
	url
	;;
*)
	usage
	;;
esac
