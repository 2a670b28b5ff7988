"""Scale run: one hub and N-1 spokes (default 200 routers) converged by one site.yml run from
blank lab routers with forks 20, and checked: every router committed exactly once and holds
its own tunnel address, the hub holds a route to every spoke's LAN via that spoke.

It was a hardening case (tests/hardening/test_concurrency.py keeps a six-router version with
fewer forks than routers); at 200 routers it takes minutes of a 2-core machine, so it is run
with the benchmarks: ./dev bench scale [--routers 200] [--forks 20] [--version 1.4].

Writes OUT/scale.json and OUT/scale.md; exits 1 when a check fails.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(REPO, "tests"), REPO]

import topology  # noqa: E402
from labkit import SITE, recap, run_playbook, start_lab  # noqa: E402  tests/labkit.py


def check(handle, names, run):
    """The failed checks (empty: all good)."""
    problems = []
    if run.rc != 0:
        problems.append("site.yml exited with %d" % run.rc)
    stats = recap(run)
    bad = [name for name in names if name not in stats or stats[name]["failed"] or stats[name]["unreachable"]]
    if bad:
        problems.append("failed or unreachable: %s" % ", ".join(bad[:10]))
    counters = {name: handle.counters(name) for name in names}
    wrong = [name for name in names if counters[name]["commits"] != 1]
    if wrong:
        problems.append("not exactly one commit: %s" % ", ".join(wrong[:10]))
    hub = set(handle.running("HUB"))
    for index, name in enumerate(names[1:]):
        spoke = topology.spoke_vars(index)
        lan, tunnel_ip = spoke["dmvpn_lan_prefixes"][0], spoke["dmvpn_tunnel_address"]
        if "set protocols static route %s next-hop %s" % (lan, tunnel_ip) not in hub:
            problems.append("HUB has no route to %s via %s (%s)" % (lan, tunnel_ip, name))
        if "set interfaces tunnel tun0 address '%s/16'" % tunnel_ip not in handle.running(name):
            problems.append("%s does not hold its tunnel address %s" % (name, tunnel_ip))
    return problems, counters


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--routers", type=int, default=200, help="hub included")
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--version", default="1.4")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args(argv)
    spokes = args.routers - 1
    names = [name for name, dummy in topology.routers(spokes)]
    with tempfile.TemporaryDirectory(prefix="dmvpn-scale-") as workdir:
        started = time.monotonic()
        handle = start_lab({name: args.version for name in names}, workdir)
        lab_seconds = time.monotonic() - started
        try:
            ports = {name: handle.port(name) for name in names}
            dest = topology.write(os.path.join(workdir, "inventory"), spokes, args.version, routing="via_hub", ports=ports)
            started = time.monotonic()
            run = run_playbook(SITE, os.path.join(dest, "hosts.yml"), workdir,
                               ["--skip-tags", "verify", "--forks", str(args.forks)], json_output=False)
            seconds = time.monotonic() - started
            problems, counters = check(handle, names, run)
            if problems:
                sys.stderr.write((run.stdout + run.stderr)[-3000:])
        finally:
            handle.thread.stop()
    result = {
        "when": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": "%s, %s cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version()),
        "routers": args.routers, "forks": args.forks, "version": args.version,
        "lab_start_s": round(lab_seconds, 1), "site_yml_s": round(seconds, 1),
        "commits": sum(c["commits"] for c in counters.values()),
        "logins": sum(c["logins"] for c in counters.values()),
        "problems": problems,
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "scale.json"), "w") as out:
        json.dump(result, out, indent=1)
    table = ("Scale run (benchmarks/scale.py), %(when)s; %(machine)s.\n\n"
             "| routers | forks | VyOS | lab start s | site.yml s | commits | SSH logins | checks |\n"
             "|---:|---:|---|---:|---:|---:|---:|---|\n"
             "| %(routers)d | %(forks)d | %(version)s | %(lab_start_s).1f | %(site_yml_s).1f | %(commits)d | %(logins)d | "
             % result) + ("passed" if not problems else "FAILED: " + "; ".join(problems[:5])) + " |\n"
    with open(os.path.join(args.out, "scale.md"), "w") as out:
        out.write(table)
    print(table)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
