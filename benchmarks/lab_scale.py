"""Scale of the emulated VyOS lab: many routers in one process.

Measures, for a lab of N routers (default 200) against a 1-router baseline in the same run:
start-up time, resident memory, and the latency of "log in over SSH, open a shell, run
`show configuration commands`, log out" per router, sequentially and all at once.

    .venv/bin/python benchmarks/lab_scale.py [--routers 200] [--version 1.4] [--json out.json]
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import asyncssh

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT_END = ("$ ", "# ")


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def start_lab(count, version, state_dir):
    env = dict(os.environ, PYTHONPATH=REPO)
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "vyos_lab", "--state-dir", state_dir, "serve", "--count", str(count),
                             "--version", version], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    info_path = os.path.join(state_dir, "lab.json")
    while not os.path.exists(info_path):
        if proc.poll() is not None:
            raise SystemExit("lab failed to start")
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    with open(info_path) as handle:
        info = json.load(handle)
    return proc, info, elapsed


async def one_session(port):
    start = time.monotonic()
    async with asyncssh.connect("127.0.0.1", port=port, username="vyos", password="vyos", known_hosts=None) as conn:
        writer, reader, _stderr = await conn.open_session(term_type="vt100")
        buffer = ""
        while not buffer.endswith(PROMPT_END):
            buffer += await reader.read(65536)
        writer.write("show configuration commands\r")
        buffer = ""
        while not buffer.endswith(PROMPT_END):
            buffer += await reader.read(65536)
        writer.write("exit\r")
    return time.monotonic() - start


async def latencies(ports, concurrency):
    sem = asyncio.Semaphore(concurrency)

    async def guarded(port):
        async with sem:
            return await one_session(port)

    start = time.monotonic()
    values = await asyncio.gather(*(guarded(p) for p in ports))
    return values, time.monotonic() - start


def measure(count, version, samples):
    with tempfile.TemporaryDirectory() as state:
        proc, info, startup = start_lab(count, version, state)
        try:
            idle_rss = rss_mib(proc.pid)
            ports = [r["port"] for r in info["routers"]]
            seq_ports = (ports * ((samples // len(ports)) + 1))[:samples]
            seq = asyncio.run(latencies(seq_ports, 1))[0]
            conc, wall = asyncio.run(latencies(ports, 50))
            busy_rss = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(10)
    return {
        "routers": count,
        "startup_s": startup,
        "rss_idle_mib": idle_rss,
        "rss_after_mib": busy_rss,
        "seq_p50_ms": statistics.median(seq) * 1000,
        "seq_p95_ms": sorted(seq)[int(len(seq) * 0.95) - 1] * 1000,
        "all_routers_wall_s": wall,
        "all_routers_p95_ms": sorted(conc)[int(len(conc) * 0.95) - 1] * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routers", type=int, default=200)
    parser.add_argument("--version", default="1.4")
    parser.add_argument("--samples", type=int, default=40, help="sequential sessions measured per lab")
    parser.add_argument("--json")
    args = parser.parse_args()
    base = measure(1, args.version, args.samples)
    big = measure(args.routers, args.version, args.samples)
    rows = [
        ("start-up (s)", "startup_s"),
        ("RSS idle (MiB)", "rss_idle_mib"),
        ("RSS after sessions (MiB)", "rss_after_mib"),
        ("login+show p50, sequential (ms)", "seq_p50_ms"),
        ("login+show p95, sequential (ms)", "seq_p95_ms"),
        ("every router once, 50 at a time (s)", "all_routers_wall_s"),
        ("login+show p95, 50 at a time (ms)", "all_routers_p95_ms"),
    ]
    print("emulated VyOS lab scale, VyOS %s, %s, %d cores" % (args.version, sys.version.split()[0], os.cpu_count()))
    print("%-40s %12s %12s %10s" % ("figure", "1 router", "%d routers" % args.routers, "ratio"))
    for label, key in rows:
        ratio = big[key] / base[key] if base[key] else float("nan")
        print("%-40s %12.2f %12.2f %9.2fx" % (label, base[key], big[key], ratio))
    per_router = (big["rss_idle_mib"] - base["rss_idle_mib"]) / max(1, args.routers - 1)
    print("memory per extra router: %.3f MiB" % per_router)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"baseline": base, "lab": big, "memory_per_router_mib": per_router}, handle, indent=1)


if __name__ == "__main__":
    main()
