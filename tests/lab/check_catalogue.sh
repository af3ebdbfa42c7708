#!/usr/bin/env bash
# check_catalogue.sh - `mxdane check --json` inside the lab on every row of
# the scenario catalogue (lab/scenarios.tsv): the domain verdict, the
# verdict of every address the row names, and the exit status. Then the
# whole catalogue in one invocation (all domains concurrently on one loop)
# must give the same verdicts. posttls-finger (-l dane) runs on each
# address mxdane probed too; where the two disagree a line says so (the
# catalogue's posttls column and notes explain why): a record, not a
# failure.
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

# pf_class OUT HOSTPORT - posttls-finger's outcome for one address, in
# the words of an address verdict (the patterns of lab_selftest.sh)
pf_class() {
	local out=$1 hp
	hp=$(printf '%s' "$2" | sed 's/[].[]/\\&/g')
	if grep -Eq "Verified TLS connection established to $hp" "$out"; then
		echo pass
	elif grep -Eq "server certificate verification failed for $hp" \
	    "$out"; then
		echo fail		# required authentication failed
	elif grep -Eq '(unusable|unsupported) TLSA' "$out" &&
	    grep -Eq "(Untrusted|Anonymous) TLS connection established to $hp" \
	    "$out"; then
		echo unusable
	elif grep -Eq "(Untrusted|Anonymous) TLS connection established to $hp" \
	    "$out" && ! grep -q 'TLSA' "$out"; then
		echo none
	elif grep -Eq "Connected to $hp" "$out" &&
	    ! grep -Eq '(Verified|Trusted) TLS connection' "$out"; then
		echo fail
	else
		echo "no-connection"
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
	# posttls-finger on each address mxdane probed, in the background.
	while IFS=$'\t' read -r h a v; do
		fam=ipv4
		case $a in *:*) fam=ipv6 ;; esac
		tag=$T/pf.$domain.$h.$a
		printf '%s\t%s\t%s\t%s\n' "$domain" "$h" "$a" "$v" > "$tag.job"
		timeout -k 2 40 "$TOP/lab/exec" posttls-finger -l dane \
		    -t 5 -T 5 -a "$fam" "[$h]" > "$tag.out" 2>&1 &
	done < <(jq -r '.mx[] | .host as $h | .addresses[] |
	    "\($h)\t\(.address)\t\(if ((.error // "") |
	    startswith("not probed")) then "no-connection" else .dane end)"' \
	    "$json" 2>/dev/null)
done < "$rows"
wait
for job in "$T"/pf.*.job; do
	[ -f "$job" ] || continue
	IFS=$'\t' read -r domain h a v < "$job"
	got=$(pf_class "${job%.job}.out" "$h[$a]:25")
	if [ "$got" = "$v" ]; then
		agree=$((agree + 1))
	else
		disagree=$((disagree + 1))
		echo "# posttls-finger differs on $h[$a] ($domain): it says" \
		    "$got, mxdane $v (the catalogue's posttls column and notes" \
		    "say why)"
	fi
done
echo "# posttls-finger: $agree addresses agree, $disagree differ"

# All of them at once: the same verdicts, one line each, in input order.
if [ "${#domains[@]}" -gt 0 ]; then
	t0=$(date +%s)
	T_TIMEOUT=300 t_run "${check[@]}" --json "${domains[@]}"
	t1=$(date +%s)
	t_lines "all at once: one line per domain" "${#domains[@]}" "$OUT"
	# Stalling, silent and slow servers end within the probe's budget
	# (4 steps of --timeout 5), whatever they do, and all run at once.
	if [ $((t1 - t0)) -le 45 ]; then
		ok "all at once: within 45 s ($((t1 - t0)) s)"
	else
		not_ok "all at once: took $((t1 - t0)) s, more than 45"
	fi
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
