# tests/lab/lab_lifecycle.sh - lab/up, lab/down and lab/exec behave.
#
# Works on a second lab instance of its own (namespace and state folder),
# so that the instance tests/run brought up keeps running: up twice, a
# crashed run cleaned by the next up, down leaving no process and no
# namespace, and nothing of the lab listening outside its namespace.
. "$TOP/tests/lib.sh"
T_TIMEOUT=120

main_ns=${MXD_LAB_NS:-mxdane-lab}
main_var=${MXD_LAB_VAR:-$TOP/lab/var}
ns=mxdane-lc-$$
# Not under $T: Postfix's daemons (user postfix) must reach the folder.
var=$(mktemp -d /tmp/mxdane-lc.XXXXXX)
chmod 0755 "$var"
export MXD_LAB_NS=$ns MXD_LAB_VAR=$var
up=$TOP/lab/up
down=$TOP/lab/down
labexec=$TOP/lab/exec

# Reuse the main instance's certificates and keys: making them is slow.
mkdir -p "$var"
for d in certs keys; do
	[ -d "$main_var/$d" ] && cp -a "$main_var/$d" "$var/"
done

cleanup() {
	MXD_LAB_NS=$ns MXD_LAB_VAR=$var "$down" >/dev/null 2>&1
	rm -rf "$var"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# host_listeners - the host's listening sockets on the lab's ports (25
# and 53, any address) and on the lab's addresses (any port)
host_listeners() {
	ss -Hltnu 2>/dev/null | awk '{print $1, $5}' |
	    grep -E ':(25|53)$|[ ](127\.0\.1\.|127\.0\.10\.|\[fd00:10::)' |
	    sort
}

# ns_pids - the processes in the test instance's namespace
ns_pids() {
	ip netns pids "$ns" 2>/dev/null | sort
}

t_cmd "up --check: the lab can run here" 0 "$up" --check
t_cmd "up with an unknown argument is a usage error" 64 "$up" --bogus
t_cmd "exec with no command is a usage error" 64 "$labexec"
t_cmd "exec before up fails" 1 "$labexec" true
t_cmd "down before up is fine" 0 "$down"

before=$(host_listeners)
t_cmd "up (fresh state folder)" 0 "$up"
t_cmd "the namespace exists" 0 ip netns exec "$ns" true
t_cmd "exec runs inside the namespace" 0 \
    "$labexec" sh -c 'ip -6 addr show dev lo | grep -q fd00:10::1'
t_run "$labexec" cat /etc/resolv.conf
t_grep "exec sees the lab resolver in resolv.conf" \
    '^nameserver 127\.0\.0\.53$' "$OUT"
t_run "$labexec" dig +dnssec +time=3 +tries=2 mx1.dane-ee.test A
t_grep "the resolver validates through lab/exec" 'flags:.* ad[ ;]' "$OUT"
t_eq "nothing of the lab listens on the host" "$(host_listeners)" "$before"
t_run "$labexec" ss -Hltn
t_grep "Postfix listens on 127.0.10.1:25 inside" '127\.0\.10\.1:25 ' "$OUT"
t_grep "NSD listens on 127.0.1.3:53 inside" '127\.0\.1\.3:53 ' "$OUT"
for f in root.key root.hints resolver lab.env; do
	if [ -s "$var/$f" ]; then
		ok "state folder has $f"
	else
		not_ok "state folder has $f"
	fi
done
t_grep "lab.env names the namespace" "^LAB_NS=$ns\$" "$var/lab.env"

first=$(ns_pids)
start=$(date +%s)
t_cmd "up again (idempotent)" 0 "$up"
took=$(($(date +%s) - start))
if [ "$took" -le 20 ]; then
	ok "a second up is quick (${took}s)"
else
	not_ok "a second up is quick (${took}s, wanted <= 20s)"
fi
second=$(ns_pids)
left=$(comm -12 <(echo "$first") <(echo "$second") | grep -c . || true)
t_eq "the second up replaced every process of the first" "$left" 0
t_run "$labexec" dig +time=3 +tries=2 mx1.dane-ee.test A
t_grep "DNS works after the second up" 'status: NOERROR' "$OUT"

# A crash: kill -9 two servers, leave the namespace and pidfiles behind.
nsd_pid=$(tr -dc 0-9 < "$var/run/nsd-primary.pid")
pf_pid=$(tr -dc 0-9 < "$var/run/postfix.pid")
kill -KILL "$nsd_pid" "$pf_pid" 2>/dev/null
sleep 0.5
crashed=$(ns_pids)
t_cmd "up after a crash" 0 "$up"
alive=0
for p in $crashed; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
t_eq "no process of the crashed run is left" "$alive" 0
t_run "$labexec" posttls-finger -c -l dane -t 5 -T 10 \
    "[mx1.dane-ee.test]"
t_grep "mail works after the crash" 'Verified TLS connection' "$OUT"

last=$(ns_pids)
t_cmd "down" 0 "$down"
t_cmd "the namespace is gone" 1 sh -c "ip netns list | awk '{print \$1}' |
    grep -qx '$ns'"
alive=0
for p in $last; do
	kill -0 "$p" 2>/dev/null && alive=$((alive + 1))
done
t_eq "down stopped every process" "$alive" 0
t_eq "no pidfile is left" "$(ls "$var/run" 2>/dev/null | grep -c pid || true)" 0
t_eq "nothing of the lab listens on the host after down" \
    "$(host_listeners)" "$before"
if [ -e "/etc/netns/$ns" ]; then
	not_ok "down removed /etc/netns/$ns"
else
	ok "down removed /etc/netns/$ns"
fi
t_cmd "down twice is fine" 0 "$down"

# The instance tests/run started was left alone.
if ip netns list | awk '{print $1}' | grep -qx "$main_ns"; then
	t_run ip netns exec "$main_ns" dig +time=3 +tries=2 dane-ee.test MX
	t_grep "the main lab instance still answers" 'status: NOERROR' "$OUT"
else
	t_skip "the main lab instance still answers" "it is not up"
fi

t_done
