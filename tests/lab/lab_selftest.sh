# tests/lab/lab_selftest.sh - the lab checks itself against its catalogue.
#
# For every row of lab/scenarios.tsv: each DNS fact of the dns column,
# with dig +dnssec through the lab's validating resolvers (or straight to
# a nameserver), and each expected per-address outcome with posttls-finger
# -l dane inside the namespace (or the row's documented override). Run by
# tests/run between lab/up and lab/down.
. "$TOP/tests/lib.sh"
. "$TOP/lab/lib.sh"

cat=$TOP/lab/scenarios.tsv
servers=$TOP/lab/servers.tsv
env=$LAB_VAR/lab.env
if [ ! -f "$env" ]; then
	not_ok "lab.env exists (is the lab up?)"
	t_done
fi
# shellcheck disable=SC1090
. "$env"

for f in root.key root.hints resolver lab.env libunbound.conf certs/ca.pem; do
	if [ -s "$LAB_VAR/$f" ]; then
		ok "state folder has $f"
	else
		not_ok "state folder has $f"
	fi
done
t_grep "root.key is a DS or DNSKEY record for the root" \
    '^\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+(DS|DNSKEY)[[:space:]]' \
    "$LAB_VAR/root.key"

# rows - the catalogue's data rows
rows() {
	grep -v '^#' "$cat" | tail -n +2
}

# The catalogue itself: well-formed, and consistent with the lab.
bad=""
while IFS=$'\t' read -r name domain setup dane addrs decision rfc dns ptf \
    notes rest; do
	[ -n "$rest" ] && bad="$bad $name:columns"
	[ -n "$notes$ptf" ] || bad="$bad $name:columns"
	[ -f "$TOP/lab/zones/$name.zone" ] || bad="$bad $name:template"
	[ "$domain" = "$name.test" ] || bad="$bad $name:domain"
	case "$dane" in
	verified|partial|failed|unusable|bogus|none) ;;
	*) bad="$bad $name:dane" ;;
	esac
	case "$decision" in
	authenticated-tls|unauthenticated-tls|opportunistic|defer|no-delivery) ;;
	*) bad="$bad $name:decision" ;;
	esac
	case "$rfc" in RFC\ *) ;; *) bad="$bad $name:rfc" ;; esac
	if [ "$addrs" != - ]; then
		for a in $addrs; do
			v=${a##*=}
			ad=${a%=*}
			ad=${ad#*/}
			case "$v" in
			pass|fail|none|unusable) ;;
			*) bad="$bad $name:verdict" ;;
			esac
			cut -f1 "$servers" | grep -qxF "$ad" ||
			    bad="$bad $name:address-$ad"
		done
	fi
	for d in $dns; do
		case "${d##*=}" in
		secure|insecure|bogus|nxdomain|nodata|data) ;;
		*) bad="$bad $name:dns" ;;
		esac
	done
done < <(rows)
t_eq "catalogue rows are well-formed and match the lab" "${bad:-none}" none
bad=""
for tpl in "$TOP"/lab/zones/*.zone; do
	grep -q '^;! *auxiliary' "$tpl" && continue
	n=$(basename "$tpl" .zone)
	rows | cut -f1 | grep -qxF "$n" || bad="$bad $n"
done
t_eq "every scenario zone has a catalogue row" "${bad:-none}" none
n=$(rows | wc -l)
if [ "$n" -ge 30 ]; then
	ok "catalogue has $n scenarios"
else
	not_ok "catalogue has $n scenarios (at least 30 wanted)"
fi

# dig_check NAME TYPE WHERE WANT - one DNS fact
dig_check() {
	local name=$1 type=$2 where=$3 want=$4 server opts=() out st ad nans
	case "$where" in
	'') server=$LAB_RESOLVER ;;
	noqmin) server=$LAB_RESOLVER_NOQMIN ;;
	*) server=$where; opts=(+norec) ;;
	esac
	out=$T/dig.out
	timeout -k 2 15 ip netns exec "$LAB_NS" dig +dnssec +time=3 +tries=2 \
	    "${opts[@]}" @"$server" "$name" "$type" > "$out" 2>&1
	st=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' "$out" | head -n 1)
	ad=no
	grep -Eq '^;; flags:[a-z ]* ad[ ;]' "$out" && ad=yes
	nans=$(sed -n 's/.* ANSWER: \([0-9]*\),.*/\1/p' "$out" | head -n 1)
	got="$st ad=$ad answers=${nans:-?}"
	case "$want" in
	secure) [ "$st" = NOERROR ] && [ "$ad" = yes ] && [ "${nans:-0}" -gt 0 ] ;;
	insecure) [ "$st" = NOERROR ] && [ "$ad" = no ] && [ "${nans:-0}" -gt 0 ] ;;
	bogus) [ "$st" = SERVFAIL ] ;;
	nxdomain) [ "$st" = NXDOMAIN ] && [ "$ad" = yes ] ;;
	nodata) [ "$st" = NOERROR ] && [ "$ad" = yes ] && [ "${nans:-1}" = 0 ] ;;
	data) [ "$st" = NOERROR ] && [ "${nans:-0}" -gt 0 ] ;;
	*) false ;;
	esac
}

while IFS=$'\t' read -r name domain setup dane addrs decision rfc dns rest; do
	for d in $dns; do
		want=${d##*=}
		q=${d%=*}
		where=""
		case "$q" in *@*) where=${q#*@}; q=${q%@*} ;; esac
		qname=${q%/*}
		qtype=${q##*/}
		if dig_check "$qname" "$qtype" "$where" "$want"; then
			ok "$name: dig $qname $qtype${where:+ @$where} is $want"
		else
			not_ok "$name: dig $qname $qtype${where:+ @$where} is $want (got $got)"
		fi
	done
done < <(rows)

# The lab is closed: a name outside it does not resolve.
if dig_check example.com A "" secure || dig_check example.com A "" insecure
then
	not_ok "no name outside the lab resolves (example.com did: $got)"
else
	ok "no name outside the lab resolves"
fi

# The secondary nameserver's TLSA RRsets differ from the primary's, where
# the template gives each server its own lines.
for tpl in "$TOP"/lab/zones/*.zone; do
	grep -q '^;! *secondary' "$tpl" || continue
	grep -q ';@secondary$' "$tpl" || continue
	z=$(basename "$tpl" .zone).test
	q=$(awk '$2 == "TLSA" || $3 == "TLSA" {print $1; exit}' "$tpl").$z
	a=$(ip netns exec "$LAB_NS" dig +short +norec +time=3 @"$LAB_NS_PRIMARY" \
	    "$q" TLSA 2>&1)
	b=$(ip netns exec "$LAB_NS" dig +short +norec +time=3 \
	    @"$LAB_NS_SECONDARY" "$q" TLSA 2>&1)
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then
		ok "$z: the two nameservers serve different TLSA RRsets"
	else
		not_ok "$z: the two nameservers serve different TLSA RRsets"
		printf '#   primary: %s\n#   secondary: %s\n' "$a" "$b"
	fi
done

# posttls-finger, all at once (bounded by its own timeouts and timeout).
ptf_dir=$T/ptf
mkdir -p "$ptf_dir"
ptf_opts=(-l dane -P /etc/ssl/certs -t 5 -T 8)
pids=()
# ptf_start TAG ARGS... - run posttls-finger in the background
ptf_start() {
	local tag=$1
	shift
	timeout -k 2 40 ip netns exec "$LAB_NS" posttls-finger \
	    "${ptf_opts[@]}" "$@" > "$ptf_dir/$tag" 2>&1 &
	pids+=($!)
}

# server_of ADDR - the server column of servers.tsv
server_of() {
	awk -F'\t' -v a="$1" '$1 == a {print $2; exit}' "$servers"
}

jobs_list=$T/ptf.jobs
: > "$jobs_list"
while IFS=$'\t' read -r name domain setup dane addrs decision rfc dns ptf \
    rest; do
	[ "$ptf" = skip ] && continue
	if [ "$dane" = bogus ] || [ "$addrs" = - ]; then
		ptf_start "$name" "$domain"
		printf '%s\t%s\t-\t-\t%s\n' "$name" "$name" "$dane" \
		    >> "$jobs_list"
		continue
	fi
	i=0
	for a in $addrs; do
		i=$((i + 1))
		host=${a%%/*}
		ad=${a%=*}
		ad=${ad#*/}
		want=${a##*=}
		for o in $ptf; do
			[ "${o%=*}" = "${a%=*}" ] && want=${o##*=}
		done
		if [ "$(server_of "$ad")" = labsmtpd ] &&
		    [ "${LAB_LABSMTPD:-0}" != 1 ]; then
			printf '%s\t-\t%s\t%s\tlabsmtpd\n' "$name" "$host" "$ad" \
			    >> "$jobs_list"
			continue
		fi
		fam=ipv4
		case "$ad" in *:*) fam=ipv6 ;; esac
		case "$want" in
		trusted | nullmx)
			# What it makes of the MX RRset: ask for the domain.
			ptf_start "$name.$i" -a "$fam" "$domain" ;;
		*)
			ptf_start "$name.$i" -a "$fam" "[$host]" ;;
		esac
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$name.$i" "$host" "$ad" \
		    "$want" >> "$jobs_list"
	done
done < <(rows)
for p in "${pids[@]}"; do
	wait "$p"
done

while IFS=$'\t' read -r name tag host ad want; do
	if [ "$tag" = - ]; then
		t_skip "$name: posttls-finger ${host}[${ad}]" \
		    "labsmtpd is not built"
		continue
	fi
	out=$ptf_dir/$tag
	what="${host}[${ad}]"
	[ "$host" = - ] && what=$name.test
	hp=$(printf '%s[%s]:25' "$host" "$ad" | sed 's/[].[]/\\&/g')
	okay=0
	if [ "$host" = - ] && [ "$want" = bogus ]; then
		grep -Eq 'lookup (error|failed|problem)|Name service error' \
		    "$out" && ! grep -q 'TLS connection established' "$out" &&
		    okay=1
		want="a DNS lookup error"
	elif [ "$host" = - ]; then
		grep -q 'nullMX' "$out" && okay=1
		want="no mail (null MX)"
	fi
	case "$host:$want" in
	-:*) ;;
	*:pass)
		grep -Eq "Verified TLS connection established to $hp" "$out" &&
		    okay=1 ;;
	*:fail)
		grep -Eq "Connected to $hp" "$out" &&
		    ! grep -Eq '(Verified|Trusted) TLS connection' "$out" &&
		    okay=1 ;;
	*:none)
		grep -Eq "Untrusted TLS connection established to $hp" "$out" &&
		    ! grep -q 'TLSA' "$out" && okay=1 ;;
	*:trusted)
		grep -Eq "Trusted TLS connection established to $hp" "$out" &&
		    okay=1 ;;
	*:nullmx)
		grep -q 'does not accept mail (nullMX)' "$out" &&
		    ! grep -q 'TLS connection established' "$out" && okay=1 ;;
	*:unusable)
		grep -Eq "(Untrusted|Anonymous) TLS connection established to $hp" \
		    "$out" && grep -Eq '(unusable|unsupported) TLSA' "$out" &&
		    okay=1 ;;
	esac
	if [ "$okay" = 1 ]; then
		ok "$name: posttls-finger $what is $want"
	else
		not_ok "$name: posttls-finger $what is $want"
		grep -v -E '^posttls-finger: [<>] ' "$out" | cut -c1-150 |
		    sed -n '1,6s/^/#   /p'
	fi
done < "$jobs_list"

t_done
