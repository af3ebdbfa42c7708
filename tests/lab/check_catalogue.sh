#!/usr/bin/env bash
# check_catalogue.sh - `mxdane check --json` inside the lab on every row of
# the scenario catalogue (lab/scenarios.tsv): the domain verdict, the
# verdict of every address the row names, and the exit status. Then the
# whole catalogue in one invocation (all domains concurrently on one loop)
# must give the same verdicts. posttls-finger (-l dane) runs on each
# scenario too; where it disagrees the line says so (the catalogue's notes
# explain why): a record, not a failure.
#
# The catalogue's columns are found by their header names: domain,
# verdict (or dane), addresses (host/address=verdict ...), and, when
# present, exit (the expected exit status).
. "$TOP/tests/lib.sh"

T_TIMEOUT=120
cat=$TOP/lab/scenarios.tsv
var=${MXD_LAB_VAR:-$TOP/lab/var}
if [ ! -f "$cat" ] || [ ! -f "$var/lab.env" ]; then
	t_skip "catalogue checks" "no lab catalogue or lab state"
	t_done
fi
if ! command -v jq > /dev/null; then
	t_skip "catalogue checks" "no jq"
	t_done
fi
# shellcheck disable=SC1091
. "$var/lab.env"
in_lab() {
	"$TOP/lab/exec" "$@"
}
check=("$TOP/lab/exec" "$MXDANE" check --trust-anchor "$LAB_TA"
    --resolver "$LAB_RESOLVER" --root-hints "$LAB_HINTS" --timeout 5)

# Column numbers from the header row (first line not starting with #).
header=$(grep -v '^#' "$cat" | head -n 1)
col() {
	printf '%s\n' "$header" | tr '\t' '\n' |
	    grep -n -i -E -x "$1" | head -n 1 | cut -d: -f1
}
c_domain=$(col 'domain')
c_verdict=$(col '(expected[ _-]?)?(domain[ _-]?)?(verdict|dane)')
c_addrs=$(col '(expected[ _-]?)?(address|addresses|addr)([ _-]?verdicts?)?')
c_exit=$(col '(expected[ _-]?)?exit([ _-]?status)?')
c_decision=$(col '(expected[ _-]?)?(sender[ _-]?)?decision')
if [ -z "$c_domain" ] || [ -z "$c_verdict" ]; then
	not_ok "catalogue header names a domain and a verdict column"
	printf '#   header: %s\n' "$header"
	t_done
fi

# The exit status a verdict (and the sender's decision) implies, when the
# catalogue has no column for it: a null MX is no warning.
exit_for() {
	case $1 in
	verified) echo 0 ;;
	none) [ "${2:-}" = no-delivery ] && echo 0 || echo 1 ;;
	partial) echo 1 ;;
	failed | bogus) echo 2 ;;
	*) echo "" ;;		# unusable: the verdict module decides
	esac
}

# posttls-finger's view of a domain, in the catalogue's words.
pf_verdict() {
	local out=$T/pf
	in_lab timeout 40 posttls-finger -c -l dane -t 5 -T 5 \
	    -p '>=TLSv1.2' "$1" > "$out" 2>&1
	if grep -Eq 'TLSA lookup (error|problem)|try again' "$out"; then
		echo bogus
	elif grep -Eq 'no matching DANE|DANE.*(fail|mismatch)' "$out"; then
		echo failed
	elif grep -q 'Verified TLS connection' "$out"; then
		echo verified
	elif grep -Eq 'Failed to establish session' "$out"; then
		echo failed
	else
		echo none
	fi
}

rows=$T/rows
grep -v '^#' "$cat" | tail -n +2 | grep -v '^[[:space:]]*$' > "$rows"
domains=()
agree=0 disagree=0
while IFS= read -r line; do
	domain=$(printf '%s\n' "$line" | cut -f "$c_domain")
	want=$(printf '%s\n' "$line" | cut -f "$c_verdict")
	[ -n "$domain" ] || continue
	domains+=("$domain")
	json=$T/$domain.json
	T_TIMEOUT=120 t_run "${check[@]}" --json "$domain"
	cp "$OUT" "$json"
	st=$STATUS
	got=$(jq -r '.dane' "$json" 2>/dev/null | head -n 1)
	t_eq "$domain: domain verdict" "$got" "$want"
	wexit=""
	decision=""
	if [ -n "$c_decision" ]; then
		decision=$(printf '%s\n' "$line" | cut -f "$c_decision")
	fi
	if [ -n "$c_exit" ]; then
		wexit=$(printf '%s\n' "$line" | cut -f "$c_exit")
	fi
	if [ -z "$wexit" ] || [ "$wexit" = "-" ]; then
		wexit=$(exit_for "$want" "$decision")
		# Findings raise the status to their severity.
		fx=$(jq -r '[.findings[].severity |
		    if . == "critical" then 2 elif . == "warning" then 1
		    else 0 end] | max // 0' "$json" 2>/dev/null | head -n 1)
		if [ -n "$wexit" ] && [ "${fx:-0}" -gt "$wexit" ]; then
			wexit=$fx
		fi
	fi
	if [ -n "$wexit" ]; then
		t_eq "$domain: exit status" "$st" "$wexit"
	else
		jst=$(jq -r '.status' "$json" 2>/dev/null | head -n 1)
		case $jst in
		ok) jx=0 ;; warning) jx=1 ;; critical) jx=2 ;; *) jx=3 ;;
		esac
		t_eq "$domain: exit status matches its status ($jst)" "$st" "$jx"
	fi
	if [ -n "$c_addrs" ]; then
		for spec in $(printf '%s\n' "$line" | cut -f "$c_addrs"); do
			case $spec in
			*/*=*) ;;
			*) continue ;;
			esac
			h=${spec%%/*}
			rest=${spec#*/}
			a=${rest%=*}
			v=${rest##*=}
			g=$(jq -r --arg h "$h" --arg a "$a" '.mx[] |
			    select(.host == $h) | .addresses[] |
			    select(.address == $a) | .dane' "$json" |
			    head -n 1)
			t_eq "$domain: $h/$a verdict" "${g:-missing}" "$v"
		done
	fi
	pf=$(pf_verdict "$domain")
	if [ "$pf" = "$want" ]; then
		agree=$((agree + 1))
		echo "# posttls-finger agrees on $domain ($pf)"
	else
		disagree=$((disagree + 1))
		echo "# posttls-finger differs on $domain: it says $pf," \
		    "the catalogue $want (see the row's notes)"
	fi
done < "$rows"
echo "# posttls-finger: $agree agree, $disagree differ"

# All of them at once: the same verdicts, one line each, in input order.
if [ "${#domains[@]}" -gt 0 ]; then
	T_TIMEOUT=300 t_run "${check[@]}" --json "${domains[@]}"
	t_lines "all at once: one line per domain" "${#domains[@]}" "$OUT"
	same=1
	for d in "${domains[@]}"; do
		a=$(jq -r --arg d "$d" 'select(.domain == $d) | .dane' "$OUT" |
		    head -n 1)
		b=$(jq -r '.dane' "$T/$d.json" 2>/dev/null | head -n 1)
		if [ "$a" != "$b" ]; then
			same=0
			echo "#   $d: $a at once, $b alone"
		fi
	done
	t_eq "all at once: the same verdicts as one by one" "$same" 1
fi
t_done
