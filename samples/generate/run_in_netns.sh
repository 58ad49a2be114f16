#!/bin/sh
# Runs a command inside a fresh network + mount namespace whose only interface is loopback,
# with /etc/resolv.conf replaced (bind mount, namespace-local) by "nameserver 127.0.0.1" and the
# stub DNS server (lib/stub_dns.py) answering NXDOMAIN / SERVFAIL on 127.0.0.1:53.
# So name lookups of made-up names fail for real, and no packet can leave the machine.
# Needs root (unshare). Usage: run_in_netns.sh COMMAND [ARGS...]
set -e
HERE="$(cd "$(dirname "$0")" && pwd)"
RESOLV="$(mktemp /tmp/rca-stub-resolv.XXXXXX)"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$RESOLV"
export RCA_STUB_RESOLV="$RESOLV" RCA_STUB_DNS="$HERE/lib/stub_dns.py"
rc=0
unshare -n -m sh -c '
  set -e
  ip link set lo up
  # refuse to run if anything but loopback exists in this namespace
  if ip -o link show | grep -v ": lo:" | grep -q .; then echo "run_in_netns: non-loopback link present" >&2; exit 97; fi
  mount --bind "$RCA_STUB_RESOLV" /etc/resolv.conf
  python3 "$RCA_STUB_DNS" 2>/dev/null &
  dns_pid=$!
  sleep 0.5
  set +e
  "$@"
  rc=$?
  kill $dns_pid
  exit $rc
' run_in_netns "$@" || rc=$?
rm -f "$RESOLV"
exit $rc
