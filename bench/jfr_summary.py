#!/usr/bin/env python3
"""Summarises a JFR recording made with JMH's `-prof jfr` (no async-profiler on these machines).

    python3 bench/jfr_summary.py PROFILE.jfr [--thread SUBSTRING] [--top N]

Prints the share of CPU samples whose stack contains each frame (inclusive), the share by the
innermost io.xerv frame (where the engine's time goes, callees outside the engine included), native
samples by thread (where threads wait: epoll, msync, fsync), and the allocation pressure by class and
innermost io.xerv/io.vertx frame (JFR's weights are rough: prefer AllocationHistogram for bytes). Uses the JDK's `jfr` tool (from JAVA_HOME, else the PATH).
"""
import argparse
import collections
import os
import re
import shutil
import subprocess

UNITS = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def jfr_print(jfr_tool, event, depth, path):
    out = subprocess.run([jfr_tool, "print", "--events", event, "--stack-depth", str(depth), path],
                         capture_output=True, text=True, check=True).stdout
    return out.split(event)[1:]


def frames(event_text):
    return re.findall(r"^\s{4}(\S+)\((?:[^)]*)\)(?: line: (\d+))?", event_text, re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jfr")
    ap.add_argument("--thread", default=None, help="only samples of threads whose name contains this")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    java_home = os.environ.get("JAVA_HOME")
    tool = os.path.join(java_home, "bin", "jfr") if java_home else shutil.which("jfr")

    threads = collections.Counter()
    inclusive = collections.Counter()
    innermost = collections.Counter()
    n = 0
    for e in jfr_print(tool, "jdk.ExecutionSample", 64, args.jfr):
        m = re.search(r'sampledThread = "([^"]+)"', e)
        if not m:
            continue
        name = m.group(1)
        threads[re.sub(r"-?\d+$", "", name)] += 1
        if args.thread and args.thread not in name:
            continue
        fs = [f for f, _ in frames(e)]
        n += 1
        for f in set(fs):
            inclusive[f] += 1
        innermost[next((f for f in fs if f.startswith("io.xerv")), "(outside io.xerv) " + (fs[0] if fs else "?"))] += 1

    print("CPU samples by thread:", ", ".join(f"{t} {c}" for t, c in threads.most_common()))
    print(f"\nselected samples: {n}" + (f" (threads containing '{args.thread}')" if args.thread else ""))
    if n:
        print("\n-- inclusive: share of samples whose stack holds the frame")
        for f, c in inclusive.most_common(args.top):
            print(f"{100 * c / n:6.1f}%  {f}")
        print("\n-- by innermost io.xerv frame")
        for f, c in innermost.most_common(args.top):
            print(f"{100 * c / n:6.1f}%  {f}")

    native = collections.Counter()
    for e in jfr_print(tool, "jdk.NativeMethodSample", 4, args.jfr):
        m = re.search(r'sampledThread = "([^"]+)"', e)
        if not m or (args.thread and args.thread not in m.group(1)):
            continue
        fs = [f for f, _ in frames(e)]
        native[(re.sub(r"-?\d+$", "", m.group(1)), fs[0] if fs else "?")] += 1
    if native:
        print("\n-- native samples (threads blocked or working in native code) by thread and top frame")
        for (t, f), c in native.most_common(args.top):
            print(f"{c:6d}  {t:40s} {f}")

    alloc = collections.Counter()
    total = 0.0
    for e in jfr_print(tool, "jdk.ObjectAllocationSample", 12, args.jfr):
        m = re.search(r"weight = ([\d.]+) (bytes|kB|MB|GB)", e)
        t = re.search(r'eventThread = "([^"]+)"', e)
        if not m or (args.thread and (not t or args.thread not in t.group(1))) or "org.openjdk.jmh.runner" in e:
            continue
        w = float(m.group(1)) * UNITS[m.group(2)]
        cls = re.search(r"objectClass = (\S+)", e).group(1)
        site = next((f"{f}:{line}" for f, line in frames(e) if f.startswith(("io.xerv", "io.vertx"))), "?")
        alloc[(cls, site)] += w
        total += w
    if total:
        print("\n-- allocation pressure (JFR samples, weighted) by class and innermost io.xerv/io.vertx frame")
        for (cls, site), w in alloc.most_common(args.top):
            print(f"{100 * w / total:6.1f}%  {cls:48s} {site}")


if __name__ == "__main__":
    main()
