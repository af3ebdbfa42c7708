# tests/lib.sh - helpers for mxdane's shell tests; sourced, not run.
#
# Each test script prints TAP lines ("ok N - what", "not ok N - what") and
# ends with t_done. tests/run counts them. Every command runs under a time
# limit, so that no test can hang.
#
# Set by tests/run: MXDANE (the binary), T (a fresh scratch folder),
# TOP (the source tree), BUILD (the build folder).

t_n=0
t_failed=0
: "${T:?T must be set by tests/run}"
: "${MXDANE:?MXDANE must be set by tests/run}"
OUT="$T/out"
ERR="$T/err"
T_TIMEOUT=${T_TIMEOUT:-60}

# ok / not_ok - one TAP line
ok() {
	t_n=$((t_n + 1))
	printf 'ok %d - %s\n' "$t_n" "$*"
}
not_ok() {
	t_n=$((t_n + 1))
	t_failed=$((t_failed + 1))
	printf 'not ok %d - %s\n' "$t_n" "$*"
}

# diag FILE - show a file as TAP comments
diag() {
	[ -f "$1" ] && sed -n '1,20s/^/#   /p' "$1"
	return 0
}

# t_run CMD... - run a command with a time limit; $OUT, $ERR, $STATUS
t_run() {
	timeout -k 5 "$T_TIMEOUT" "$@" >"$OUT" 2>"$ERR"
	STATUS=$?
}

# t_cmd DESC STATUS CMD... - the command exits with STATUS
t_cmd() {
	local desc=$1 want=$2
	shift 2
	t_run "$@"
	if [ "$STATUS" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $STATUS, wanted $want)"
		echo "#   command: $*"
		diag "$ERR"
	fi
}

# t_eq DESC GOT WANT - two strings are equal
t_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   got:    %s\n#   wanted: %s\n' "$2" "$3"
	fi
}

# t_grep DESC REGEX FILE - the file has a line matching the extended regex
t_grep() {
	if grep -Eq -- "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1 (no /$2/ in $(basename "$3"))"
		diag "$3"
	fi
}

# t_nogrep DESC REGEX FILE - no line of the file matches
t_nogrep() {
	if grep -Eq -- "$2" "$3"; then
		not_ok "$1 (/$2/ found in $(basename "$3"))"
		diag "$3"
	else
		ok "$1"
	fi
}

# t_lines DESC N FILE - the file has exactly N lines
t_lines() {
	local n
	n=$(wc -l < "$3" | tr -d ' ')
	t_eq "$1" "$n" "$2"
}

# t_oneline_err DESC - stderr is exactly one line and stdout is empty
t_oneline_err() {
	local n
	n=$(wc -l < "$ERR" | tr -d ' ')
	if [ "$n" = 1 ] && [ ! -s "$OUT" ]; then
		ok "$1"
	else
		not_ok "$1 (stderr has $n lines; stdout $(wc -c < "$OUT") bytes)"
		diag "$ERR"
	fi
}

# t_skip DESC REASON - a test that cannot run here
t_skip() {
	t_n=$((t_n + 1))
	printf 'ok %d - %s # SKIP %s\n' "$t_n" "$1" "$2"
}

# t_done - end of the script
t_done() {
	[ "$t_failed" -eq 0 ]
	exit $?
}
