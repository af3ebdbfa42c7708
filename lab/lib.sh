# lab/lib.sh - shared settings of the lab scripts; sourced, not run.
#
# Environment:
#   MXD_LAB_NS   network namespace name            (default mxdane-lab)
#   MXD_LAB_VAR  state folder                       (default lab/var)
#   MXD_BUILD    build folder holding tools/labsmtpd (default build)

lab_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_dir=$(cd "$lab_dir/.." && pwd)
LAB_NS=${MXD_LAB_NS:-mxdane-lab}
LAB_VAR=${MXD_LAB_VAR:-$lab_dir/var}
case "$LAB_VAR" in
/*) ;;
*) LAB_VAR=$(pwd)/$LAB_VAR ;;
esac
LAB_BUILD=${MXD_BUILD:-$top_dir/build}
case "$LAB_BUILD" in
/*) ;;
*) LAB_BUILD=$top_dir/$LAB_BUILD ;;
esac

# Address plan, all on the namespace's loopback.
LAB_RESOLVER=127.0.0.53		# validating unbound, QNAME minimisation on
LAB_RESOLVER_NOQMIN=127.0.0.54	# validating unbound, QNAME minimisation off
LAB_NS_ROOT=127.0.1.1		# NSD: the root zone
LAB_NS_TLD=127.0.1.2		# NSD: test.
LAB_NS_PRIMARY=127.0.1.3	# NSD: every scenario zone
LAB_NS_SECONDARY=127.0.1.4	# NSD: second server of some scenario zones
LAB_NS_KNOT=127.0.1.5		# Knot DNS: the ENT NXDOMAIN scenario zone

# Binaries the lab needs on the host.
LAB_BINS="ip unshare runuser nsd knotd unbound ldns-keygen ldns-signzone ldns-key2ds openssl
postfix postconf posttls-finger dig"

lab_log() {
	printf 'lab: %s\n' "$*" >&2
}

lab_die() {
	printf 'lab: %s\n' "$*" >&2
	exit 1
}

# lab_in CMD... - run CMD inside the namespace
lab_in() {
	ip netns exec "$LAB_NS" "$@"
}

# lab_ns_exists - the namespace is there
lab_ns_exists() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$LAB_NS"
}

# lab_pid_ours PID - PID is alive and runs inside our namespace
lab_pid_ours() {
	local pid=$1 id
	[ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	id=$(ip netns identify "$pid" 2>/dev/null) || return 1
	[ "$id" = "$LAB_NS" ]
}

# lab_stop_pids PID... - TERM them all, wait up to 5 s, then KILL
lab_stop_pids() {
	local pid i alive
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null || true
	for i in $(seq 1 50); do
		alive=""
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $alive 2>/dev/null || true
	return 0
}

# lab_stop_all - stop every server of this lab instance, by PID: first
# those in the pidfiles, then anything still running in the namespace
# (only this lab's up starts processes there), then drop the namespace.
lab_stop_all() {
	local f pid pids=()
	if [ -d "$LAB_VAR/run" ]; then
		for f in "$LAB_VAR"/run/*.pid; do
			[ -f "$f" ] || continue
			pid=$(head -n 1 "$f" | tr -dc 0-9)
			if lab_pid_ours "$pid"; then
				pids+=("$pid")
			fi
		done
		lab_stop_pids "${pids[@]}"
		rm -f "$LAB_VAR"/run/*.pid
	fi
	if lab_ns_exists; then
		# shellcheck disable=SC2046
		lab_stop_pids $(ip netns pids "$LAB_NS" 2>/dev/null)
		ip netns del "$LAB_NS" 2>/dev/null || true
	fi
	rm -rf "/etc/netns/$LAB_NS"
}
