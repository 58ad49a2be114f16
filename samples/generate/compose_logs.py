#!/usr/bin/env python3
"""Runs a command the way `docker compose up --abort-on-container-exit` shows two services, and
writes what compose would print: each line of each service, as it arrives, after compose's
prefix ("%-*s | " over the longest "service-1" name plus one, as compose's logConsumer pads it),
compose's "Attaching to ..." line first, and "<service>-1 exited with code N" then
"Aborting on container exit..." when the command ends.

  compose_logs.py --out X.log --raw RAW.log --side-log ACCESS.log -- COMMAND...

Service "tests" is COMMAND (its stdout and stderr, one stream, as a container's log); service
"api" is the file ACCESS.log, which the command's servers append to ($RCA_ACCESS_LOG), read as
it grows. RAW.log gets the command's output byte for byte, for the oracle.

  compose_logs.py --strip X.log --raw RAW.log

recovers RAW.log from a committed X.log (the "tests" lines without their prefix).
"""
import argparse
import os
import subprocess
import sys
import threading
import time

TESTS, API = "tests-1", "api-1"
WIDTH = max(len(TESTS), len(API)) + 1


def prefix(name):
    return "%-*s | " % (WIDTH, name)


def strip(path, raw):
    p = prefix(TESTS).encode()
    with open(path, "rb") as f, open(raw, "wb") as out:
        for line in f:
            if line.startswith(p):
                out.write(line[len(p):])


def run(out_path, raw_path, side_log, cmd):
    lock = threading.Lock()
    out = open(out_path, "wb")
    raw = open(raw_path, "wb")

    def emit(name, line):
        with lock:
            out.write(prefix(name).encode() + line)
            out.flush()

    out.write(("Attaching to %s, %s\n" % (API, TESTS)).encode())
    open(side_log, "wb").close()
    done = threading.Event()

    def follow_side():
        # read the access log as it grows; emit whole lines only
        buf = b""
        with open(side_log, "rb") as f:
            while True:
                chunk = f.read()
                if chunk:
                    buf += chunk
                    *lines, buf = buf.split(b"\n")
                    for l in lines:
                        emit(API, l + b"\n")
                elif done.is_set():
                    break
                else:
                    time.sleep(0.01)

    side = threading.Thread(target=follow_side)
    side.start()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for line in proc.stdout:
        raw.write(line)
        emit(TESTS, line if line.endswith(b"\n") else line + b"\n")
    code = proc.wait()
    time.sleep(0.2)  # the last access-log lines
    done.set()
    side.join()
    raw.close()
    out.write(("%s exited with code %d\n" % (TESTS, code)).encode())
    out.write(b"Aborting on container exit...\n")
    out.close()
    return code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--raw", required=True)
    ap.add_argument("--side-log")
    ap.add_argument("--strip")
    ap.add_argument("cmd", nargs="*")
    a = ap.parse_args()
    if a.strip:
        strip(a.strip, a.raw)
        return 0
    run(a.out, a.raw, a.side_log, a.cmd)
    return 0  # like compose without --exit-code-from: the run itself succeeded


if __name__ == "__main__":
    sys.exit(main())
