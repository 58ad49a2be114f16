"""A tiny stub DNS server for the DNS-failure samples. It is started *inside* a network namespace
that has only a loopback interface (see run_in_netns.sh), listens on 127.0.0.1:53/udp and never
forwards anything: every question gets NXDOMAIN, except names whose first label starts with
"flaky", which get SERVFAIL (so glibc reports "Temporary failure in name resolution")."""
import socket
import sys

NXDOMAIN, SERVFAIL = 3, 2


def qname(packet):
    labels, i = [], 12
    while i < len(packet) and packet[i]:
        n = packet[i]
        labels.append(packet[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    return ".".join(labels), i + 5  # end of the question: zero byte + QTYPE + QCLASS


def answer(packet):
    name, qend = qname(packet)
    rcode = SERVFAIL if name.lower().startswith("flaky") else NXDOMAIN
    flags = 0x8000 | (packet[2] & 0x01) << 8 | 0x0080 | rcode  # QR, copy RD, RA, RCODE
    header = packet[:2] + flags.to_bytes(2, "big") + b"\x00\x01" + b"\x00\x00" * 3
    return header + packet[12:qend]


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 53))
    print("stub dns ready", file=sys.stderr, flush=True)
    while True:
        data, addr = s.recvfrom(4096)
        if len(data) >= 17:
            s.sendto(answer(data), addr)


if __name__ == "__main__":
    main()
