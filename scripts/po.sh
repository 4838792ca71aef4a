#!/bin/sh
# Translations: extract the English msgids from the source into
# po/cchc.pot and merge them into po/vi.po (for a translator to fill in with
# any gettext tool), or check that vi.po translates every one of them.
#
#   scripts/po.sh update    refresh po/cchc.pot and po/vi.po
#   scripts/po.sh check     exit 1, listing them, if a msgid is untranslated or fuzzy
set -eu
cd "$(dirname "$0")/.."

extract() {	# out.pot
	# shellcheck disable=SC2046
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
		--keyword=err_set:4 --add-comments=TRANSLATORS: \
		--package-name=cchc --msgid-bugs-address=- --sort-by-file \
		-o "$1" $(find src -name '*.c' | sort)
}

case ${1:-} in
update)
	extract po/cchc.pot
	msgmerge --quiet --update --backup=none --no-fuzzy-matching po/vi.po po/cchc.pot
	msgfmt --statistics -o /dev/null po/vi.po
	;;
check)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	extract "$tmp/cchc.pot"
	# Every message of the source must be in po/vi.po as it is (an obsolete
	# "#~" entry does not count: msgfmt leaves it out) …
	if ! msgcmp po/vi.po "$tmp/cchc.pot" 2>"$tmp/msgcmp.log"; then
		echo "po/vi.po lacks messages of the source (run scripts/po.sh update and translate):"
		grep -A1 'used but not defined' "$tmp/msgcmp.log" | head -40
		exit 1
	fi
	# … translated and not fuzzy.  msgattrib writes no file when nothing matches.
	: >"$tmp/untranslated.po"
	: >"$tmp/fuzzy.po"
	msgattrib --no-obsolete --untranslated -o "$tmp/untranslated.po" po/vi.po
	msgattrib --no-obsolete --only-fuzzy -o "$tmp/fuzzy.po" po/vi.po
	n=$(cat "$tmp/untranslated.po" "$tmp/fuzzy.po" | grep -c '^msgid "..*"$' || true)
	if [ "$n" -gt 0 ]; then
		echo "po/vi.po lacks $n translation(s):"
		cat "$tmp/untranslated.po" "$tmp/fuzzy.po" | grep '^msgid "..*"$'
		exit 1
	fi
	echo "po/vi.po translates every message"
	;;
*)
	echo "usage: scripts/po.sh update|check" >&2
	exit 2
	;;
esac
