# tests/lab/lab_rootless.sh - the lab without root: lab/up, lab/exec and
# lab/down run by an unprivileged user (nobody when the suite runs as
# root, else the caller) on a lab instance of its own, in user namespaces.
#
# Checks --check, validation through the lab resolver (AD for a signed
# name, SERVFAIL for a bogus one), `mxdane check` verdicts and exit
# statuses, that every lab process runs as that user in the lab's own
# network namespace, that a crashed run is cleaned by the next up, and
# that down leaves no process of the user and no namespace. Skipped when
# the kernel does not let users make user namespaces, or when the user
# cannot read the source tree or the build.
. "$TOP/tests/lib.sh"
T_TIMEOUT=120

if [ "$(id -u)" -eq 0 ]; then
	uid=65534
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	who=nobody
else
	uid=$(id -u)
	as=()
	who=$(id -un)
fi

if ! timeout 10 "${as[@]}" unshare --user --map-root-user --net --mount \
    true 2>/dev/null; then
	t_skip "the lab without root" \
	    "this kernel does not let $who make user namespaces"
	t_done
fi
# shellcheck disable=SC2016
if ! timeout 10 "${as[@]}" sh -c 'test -r "$1/lab/lib.sh" &&
    test -x "$1/lab/up" && ls "$1/lab/zones" >/dev/null &&
    test -r "$1/lab/servers.tsv" && test -x "$2" && test -x "$3"' \
    check "$TOP" "$MXDANE" "$BUILD/tools/labsmtpd" 2>/dev/null; then
	t_skip "the lab without root" "$who cannot read the source tree" \
	    "or run the build (a checkout under a private folder?)"
	t_done
fi

main_var=${MXD_LAB_VAR:-$TOP/lab/var}
ns=mxdane-rl-$$
# Not under $T: that folder belongs to the suite's user.
var=$(mktemp -d /tmp/mxdane-rl.XXXXXX)
chmod 0755 "$var"
# Reuse the main instance's certificates and keys: making them is slow.
# Without root its private keys may not be readable: then make them.
for d in certs keys; do
	if [ -d "$main_var/$d" ] && ! cp -a "$main_var/$d" "$var/" 2>/dev/null
	then
		rm -rf "${var:?}/certs" "${var:?}/keys"
		break
	fi
done
# An unshare that fails, as on a kernel that does not let users make user
# namespaces.
mkdir -p "$var/nouserns"
printf '#!/bin/sh\nexit 1\n' > "$var/nouserns/unshare"
chmod 0755 "$var/nouserns/unshare"
[ "$(id -u)" -eq 0 ] && chown -R "$uid:$uid" "$var"
asu=("${as[@]}" env MXD_LAB_NS="$ns" MXD_LAB_VAR="$var" MXD_BUILD="$BUILD"
    HOME="$var")
up=$TOP/lab/up
down=$TOP/lab/down
labexec=$TOP/lab/exec
net=""
userns=""

# in_net - the PIDs of every process in the lab's network and user
# namespaces ($net and $userns, from the holder's record)
in_net() {
	local p
	[ -n "$net" ] || return 0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$net" ] &&
		    [ "$(readlink "$p/ns/user" 2>/dev/null)" = "$userns" ] &&
		    echo "${p#/proc/}"
	done
	return 0
}

# lab_procs_of_user - the user's processes that run in a user namespace
# other than this script's, or that name the state folder
lab_procs_of_user() {
	local p mine
	mine=$(readlink /proc/$$/ns/user)
	for p in $(ps -u "$uid" -o pid= 2>/dev/null); do
		[ -d "/proc/$p" ] || continue
		if [ "$(readlink "/proc/$p/ns/user" 2>/dev/null)" != "$mine" ] ||
		    tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null |
		    grep -qF "$var"; then
			echo "$p"
		fi
	done
	return 0
}

# Stop everything by PID, whatever failed: down as the user, then any
# process left in the lab's network namespace.
cleanup() {
	local left
	timeout -k 5 60 "${asu[@]}" "$down" >/dev/null 2>&1
	left=$(in_net)
	# shellcheck disable=SC2086
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	rm -rf "$var"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# host_listeners - the host's listening sockets on the lab's ports and
# addresses (lab_lifecycle.sh)
host_listeners() {
	ss -Hltnu 2>/dev/null | awk '{print $1, $5}' |
	    grep -E ':(25|53)$|[ ](127\.0\.1\.|127\.0\.10\.|\[fd00:10::)' |
	    sort
}

before_procs=$(lab_procs_of_user)
before_listen=$(host_listeners)
resolv_sum=$(cksum < /etc/resolv.conf)

t_cmd "up --check as $who" 0 "${asu[@]}" "$up" --check
t_cmd "up --check as $who without labsmtpd fails" 1 \
    "${asu[@]}" MXD_BUILD=/nonexistent "$up" --check
t_grep "and says why" 'labsmtpd.*not built' "$ERR"
t_cmd "up --check as $who without user namespaces fails" 1 \
    "${asu[@]}" PATH="$var/nouserns:$PATH" "$up" --check
t_grep "and says why" 'not let users make user namespaces' "$ERR"
t_cmd "up as $who without user namespaces fails" 1 \
    "${asu[@]}" PATH="$var/nouserns:$PATH" "$up"
t_cmd "exec before up fails" 1 "${asu[@]}" "$labexec" true
t_cmd "down before up is fine" 0 "${asu[@]}" "$down"

t_cmd "up as $who" 0 "${asu[@]}" "$up"
t_grep "up says labsmtpd serves Postfix's addresses" \
    'no Postfix: labsmtpd' "$ERR"
holder=$(sed -n 1p "$var/holder.pid" 2>/dev/null | tr -dc 0-9)
net=$(sed -n 2p "$var/holder.pid" 2>/dev/null)
userns=$(sed -n 3p "$var/holder.pid" 2>/dev/null)
if [ -n "$holder" ] && [ -n "$net" ] &&
    [ "$net" = "$(readlink "/proc/$holder/ns/net" 2>/dev/null)" ]; then
	ok "the state folder records the holder and its namespace"
else
	not_ok "the state folder records the holder and its namespace"
	diag "$var/holder.pid"
fi
t_eq "the lab's network namespace is not this one" \
    "$([ "$net" != "$(readlink /proc/$$/ns/net)" ] && echo yes)" yes
t_grep "lab.env says it runs without root" '^LAB_ROOTLESS=1$' "$var/lab.env"

pids=$(in_net)
n=$(echo "$pids" | grep -c . || true)
notuser=0
for p in $pids; do
	[ "$(stat -c %u "/proc/$p" 2>/dev/null)" = "$uid" ] ||
	    notuser=$((notuser + 1))
done
if [ "$n" -ge 10 ] && [ "$notuser" = 0 ]; then
	ok "every lab process runs as $who ($n processes)"
else
	not_ok "every lab process runs as $who ($n processes," \
	    "$notuser as another user)"
fi
t_eq "nothing of the lab listens on the host" "$(host_listeners)" \
    "$before_listen"
t_eq "the host's /etc/resolv.conf is untouched" \
    "$(cksum < /etc/resolv.conf)" "$resolv_sum"
t_run "${asu[@]}" "$labexec" cat /etc/resolv.conf
t_grep "exec sees the lab resolver in resolv.conf" \
    '^nameserver 127\.0\.0\.53$' "$OUT"
t_run "${asu[@]}" "$labexec" ss -Hltn
t_grep "labsmtpd listens on Postfix's address 127.0.10.1:25" \
    '127\.0\.10\.1:25 ' "$OUT"
t_grep "Knot listens on 127.0.1.5:53" '127\.0\.1\.5:53 ' "$OUT"

t_run "${asu[@]}" "$labexec" dig +dnssec +time=3 +tries=2 dane-ee.test MX
t_grep "dig through the lab resolver: dane-ee.test MX is NOERROR" \
    'status: NOERROR' "$OUT"
t_grep "and authenticated (AD)" 'flags:.* ad[ ;]' "$OUT"
t_run "${asu[@]}" "$labexec" dig +dnssec +time=3 +tries=2 \
    _25._tcp.mx1.expired-tlsa.test TLSA
t_grep "the expired TLSA signature is bogus: SERVFAIL" 'status: SERVFAIL' \
    "$OUT"
t_nogrep "and not authenticated" 'flags:.* ad[ ;]' "$OUT"

check=("${asu[@]}" "$labexec" "$MXDANE" check --trust-anchor "$var/root.key"
    --resolver 127.0.0.53 --timeout 5)
t_cmd "mxdane check dane-ee.test: exit 0" 0 "${check[@]}" dane-ee.test
t_grep "dane-ee.test is verified" '^dane-ee\.test: DANE verified' "$OUT"
t_grep "over both addresses" '^    fd00:10::1 +pass' "$OUT"
t_cmd "mxdane check wrong-digest.test: exit 2" 2 "${check[@]}" \
    wrong-digest.test
t_grep "wrong-digest.test failed" '^wrong-digest\.test: DANE failed' "$OUT"

# A crash: kill -9 the holder and a server, leave the pidfiles behind.
crashed=$(in_net)
nsd_pid=$(tr -dc 0-9 < "$var/run/nsd-primary.pid" 2>/dev/null)
kill -KILL "$holder" "$nsd_pid" 2>/dev/null
sleep 0.3
t_cmd "up after a crash" 0 "${asu[@]}" "$up"
alive=0
for p in $crashed; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
t_eq "no process of the crashed run is left" "$alive" 0
# The crashed run's namespace numbers may be reused by the new run's.
net=$(sed -n 2p "$var/holder.pid" 2>/dev/null)
userns=$(sed -n 3p "$var/holder.pid" 2>/dev/null)
t_run "${asu[@]}" "$labexec" dig +time=3 +tries=2 mx1.dane-ee.test A
t_grep "DNS works after the crash" 'status: NOERROR' "$OUT"

last=$(in_net)
t_cmd "down" 0 "${asu[@]}" "$down"
alive=0
for p in $last; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
t_eq "down stopped every process" "$alive" 0
t_eq "no process is in the namespace: it is gone" \
    "$(in_net | grep -c . || true)" 0
t_eq "no lab process of $who is left" \
    "$(comm -13 <(echo "$before_procs" | sort) \
    <(lab_procs_of_user | sort) | grep -c . || true)" 0
t_eq "no holder record is left" "$([ -e "$var/holder.pid" ] && echo yes)" ""
t_eq "no pidfile is left" "$(ls "$var/run" 2>/dev/null | grep -c pid ||
    true)" 0
t_cmd "exec after down fails" 1 "${asu[@]}" "$labexec" true
t_cmd "down twice is fine" 0 "${asu[@]}" "$down"

t_done
