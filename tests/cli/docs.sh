# tests/cli/docs.sh - every long option a subcommand's parser accepts is
# documented in its man page source (docs/mxdane-NAME.1.scd), and every
# page builds with scdoc (STYLE.md section 8: one source for the man page
# and --help, so that they cannot drift).
. "$TOP/tests/lib.sh"

# long_opts FILE - the names in the "struct option" tables of a C file
long_opts() {
	awk '
	/struct[ \t]+option[ \t]+[A-Za-z_0-9]+[ \t]*\[\][ \t]*=/ { inside = 1; next }
	inside && /^[ \t]*};/ { inside = 0 }
	inside {
		while (match($0, /\{[ \t]*"[^"]+"/)) {
			s = substr($0, RSTART, RLENGTH)
			sub(/^\{[ \t]*"/, "", s)
			sub(/"$/, "", s)
			print s
			$0 = substr($0, RSTART + RLENGTH)
		}
	}' "$1"
}

# documented SCD - the options with an entry of their own ("*--name*" at
# the start of a line) in the OPTIONS section, which --help prints too
documented() {
	awk '/^# / { sec = substr($0, 3); next }
	sec == "OPTIONS" && match($0, /^\*--[A-Za-z0-9-]+\*/) {
		print substr($0, RSTART + 3, RLENGTH - 4)
	}' "$1"
}

# missing_opts CFILE SCD - the options of CFILE that SCD does not document
missing_opts() {
	local o have
	have=$(documented "$2")
	for o in $(long_opts "$1"); do
		printf '%s\n' "$have" | grep -qx -- "$o" || echo "$o"
	done
}

# The checker itself must catch a missing option.
cat > "$T/cmd_fake.c" <<'EOF'
static const struct option longopts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "frobnicate",	required_argument,	NULL, 'f' },
	{ NULL,		0,			NULL, 0 },
};
EOF
printf '# SYNOPSIS\n\n*x* [*--frobnicate*]\n\n# OPTIONS\n\n*--json*\n\tJSON.\n' \
    > "$T/fake.scd"
t_eq "the checker finds an option only in the synopsis" \
    "$(missing_opts "$T/cmd_fake.c" "$T/fake.scd")" "frobnicate"
t_eq "the checker reads every option of the table" \
    "$(long_opts "$T/cmd_fake.c" | tr '\n' ' ')" "json frobnicate "

n=0
for c in "$TOP"/cli/cmd_*.c; do
	[ -f "$c" ] || continue
	name=$(basename "$c" .c)
	name=${name#cmd_}
	page="$TOP/docs/mxdane-$name.1.scd"
	n=$((n + 1))
	if [ ! -f "$page" ]; then
		not_ok "$name: no docs/mxdane-$name.1.scd"
		continue
	fi
	opts=$(long_opts "$c")
	if [ -z "$opts" ]; then
		not_ok "$name: no long options found in cli/cmd_$name.c"
		continue
	fi
	miss=$(missing_opts "$c" "$page")
	t_eq "$name: every long option is in its man page" "$miss" ""
done
[ "$n" -gt 0 ] || not_ok "no cli/cmd_*.c found"

for page in "$TOP"/docs/*.scd; do
	t_cmd "$(basename "$page"): builds with scdoc" 0 \
	    sh -c 'scdoc < "$1"' sh "$page"
	t_eq "$(basename "$page"): scdoc printed no warning" "$(cat "$ERR")" ""
done

t_done
