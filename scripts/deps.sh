#!/bin/sh
# Installs the Debian packages cchc needs, if missing.
#
#   scripts/deps.sh          what `make run` needs: build and serve
#   scripts/deps.sh test     also what `make test` needs
#   scripts/deps.sh bench    also what `make bench` needs
#
# Libraries are checked with pkg-config, programs with `command -v`.  As root
# the missing packages are installed with apt-get; otherwise the exact
# command to run is printed and the script exits 1.
set -u
want=${1:-run}
missing=""

need_pc() {	# pkg-config name, Debian package
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
need_cmd() {	# command, Debian package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_file() {	# file, Debian package
	[ -e "$1" ] || missing="$missing $2"
}

need_cmd cc gcc
need_cmd make make
need_cmd pkg-config pkg-config
need_pc libmicrohttpd libmicrohttpd-dev
need_pc jansson libjansson-dev
need_pc sqlite3 libsqlite3-dev
need_pc libpq libpq-dev
need_pc libsodium libsodium-dev
need_pc libcurl libcurl4-openssl-dev
need_pc libqrencode libqrencode-dev
need_pc xlsxwriter libxlsxwriter-dev
need_file /usr/include/hpdf.h libhpdf-dev
need_cmd msgfmt gettext
need_file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core

if [ "$want" = test ]; then
	need_pc criterion libcriterion-dev
	need_cmd node nodejs
	need_cmd npm npm
	need_cmd chromium chromium
	need_cmd psql postgresql-client-15
	need_file /usr/lib/postgresql/15/bin/initdb postgresql-15
	need_cmd pdftotext poppler-utils
	need_cmd xgettext gettext
	need_cmd sqlite3 sqlite3
	need_cmd unzip unzip
	# Real gateways for the notification tests: Kannel, its fake SMS
	# centre, and an SMTP server.
	need_file /usr/sbin/bearerbox kannel
	need_file /usr/lib/kannel/test/fakesmsc kannel-extras
	need_file /usr/lib/python3/dist-packages/aiosmtpd python3-aiosmtpd
fi
if [ "$want" = bench ]; then
	need_cmd wrk wrk
fi

if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
	if [ "$(id -u)" != 0 ]; then
		echo "cchc needs these Debian packages; install them with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
		exit 1
	fi
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y -q $missing >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null && apt-get install -y -q $missing; } ||
		{ echo "error: apt-get install failed" >&2; exit 1; }
fi

# The browser test's one npm package, pinned by tests/package-lock.json.
if [ "$want" = test ] && [ ! -d tests/node_modules/playwright-core ]; then
	(cd tests && npm ci --no-audit --no-fund --loglevel=error) ||
		{ echo "error: npm ci in tests/ failed" >&2; exit 1; }
fi
exit 0
