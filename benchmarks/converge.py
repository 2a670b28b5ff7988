"""Converge benchmark: this collection against what users write today, on the emulated lab.

For each VyOS version and each size (one hub + N spokes, via-hub routing), three tools build
the same DMVPN from blank routers, each on a fresh lab:

  ours         ansible-playbook playbooks/site.yml (verify off; verify.yml timed on its own)
  fleet        the same with dmvpn_engine fleet (-e): every router from one controller task
  baseline     ansible-playbook benchmarks/baseline/site.yml: vyos.vyos.vyos_config fed by a
               Jinja template of the same set lines (same ansible.cfg, forks, connection)
  lower bound  benchmarks/wire.py: asyncssh pushing the minimal lines, no Ansible
  floor        (no-op phase only) benchmarks/baseline/floor.yml: one `show configuration
               commands` per router through network_cli, the least any network_cli-based
               re-run can cost

and go through four phases: converge (blank routers), no-op re-run, add one spoke (edit the
inventory, run again), change the PSK everywhere. Per phase: wall time, commits, CLI lines the
routers received, SSH logins, peak memory of the tool (PSS of its whole process tree,
ansible-connection daemons included). After each phase the routers' running configs of the
three tools are compared: they must be identical, or the run stops.

    .venv/bin/python benchmarks/converge.py [--sizes 2 50 200] [--versions 1.4 1.5]
        [--out benchmarks/results] [--base-port 2600]

Writes OUT/converge.json, OUT/converge.md and OUT/converge.png (matplotlib,
requirements/benchmarks.txt).
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
sys.path[:0] = [HERE, REPO, os.path.join(REPO, ".venv", "collections")]

import topology  # noqa: E402
from vyos_lab.vault import vault_args  # noqa: E402  (the inventory copy holds the lab's vault)
from vyos_lab.lab import control_request  # noqa: E402
from vyos_lab.owner import open_private_log, read_token  # noqa: E402

TOOLS = ("ours", "fleet", "baseline", "lower_bound")
PHASES = ("converge", "noop", "add_spoke", "psk")
NEW_PSK = "benchmark-psk-1"


# ------------------------------------------------------------------------------------------
# memory: peak PSS of every process carrying this run's marker in its environment
# ------------------------------------------------------------------------------------------


class MemorySampler(threading.Thread):
    def __init__(self, marker, interval=0.25):
        super().__init__(daemon=True)
        self.needle = ("DMVPN_BENCH_MARK=%s" % marker).encode()
        self.interval = interval
        self.peak_kib = 0
        self.peak_processes = 0
        self.done = threading.Event()

    def _pss_kib(self, pid):
        with open("/proc/%s/smaps_rollup" % pid) as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        return 0

    def sample(self):
        total, count = 0, 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/environ" % pid, "rb") as handle:
                    if self.needle not in handle.read():
                        continue
                total += self._pss_kib(pid)
                count += 1
            except OSError:
                continue
        if total > self.peak_kib:
            self.peak_kib = total
        self.peak_processes = max(self.peak_processes, count)

    def run(self):
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def stop(self):
        self.done.set()
        self.join()
        return self.peak_kib / 1024.0


# ------------------------------------------------------------------------------------------
# the lab: one process, fresh routers per tool
# ------------------------------------------------------------------------------------------


class LabProcess:
    def __init__(self, routers, version, workdir):
        self.state_dir = tempfile.mkdtemp(prefix="lab-", dir=workdir)
        args = [sys.executable, "-m", "vyos_lab", "--state-dir", self.state_dir, "serve", "--fresh"]
        for name, port in routers:
            args += ["--router", "%s:%s:%d" % (name, version, port)]
        self.log = open_private_log(os.path.join(self.state_dir, "lab.log"))
        self.proc = subprocess.Popen(args, cwd=REPO, env=dict(os.environ, PYTHONPATH=REPO), stdout=self.log,
                                     stderr=subprocess.STDOUT)
        info_path = os.path.join(self.state_dir, "lab.json")
        deadline = time.monotonic() + 60
        while not os.path.exists(info_path):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the lab did not start (see %s)" % os.path.join(self.state_dir, "lab.log"))
            time.sleep(0.05)
        with open(info_path) as handle:
            self.control_port = json.load(handle)["control_port"]
        self.token = read_token(self.state_dir)   # written before lab.json

    def control(self, **request):
        reply = control_request("127.0.0.1", self.control_port, request, timeout=300, token=self.token)
        if not reply["ok"]:
            raise RuntimeError(reply["error"])
        return reply["result"]

    def configs(self):
        return {r["name"]: r["running"] for r in self.control(op="export")}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.state_dir, ignore_errors=True)


# ------------------------------------------------------------------------------------------
# desired lines (for the lower bound): our design and renderer, straight from the inventory
# ------------------------------------------------------------------------------------------


def desired_lines(dest, version):
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design, render

    table = topology.hosts_table(dest)
    plan = design.design(table)
    return {name: render.render_endpoint(plan.endpoint(name), version).to_commands() for name in table}


# ------------------------------------------------------------------------------------------
# one phase of one tool
# ------------------------------------------------------------------------------------------


def _env(marker):
    env = dict(os.environ, DMVPN_BENCH_MARK=marker, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
               PATH=BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1",
               ANSIBLE_DEPRECATION_WARNINGS="false")
    env.pop("ANSIBLE_STDOUT_CALLBACK", None)
    return env


def run_measured(args, log_path, cwd=REPO):
    """Run ``args``; return (wall seconds, peak MiB). Peak memory: the larger of the sampled
    PSS of every process of the run (ansible-connection daemons included) and the largest
    resident set the kernel saw for the command itself (short runs end between samples)."""
    marker = uuid.uuid4().hex
    sampler = MemorySampler(marker)
    sampler.start()
    start = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(args, cwd=cwd, env=_env(marker), stdout=log, stderr=subprocess.STDOUT)
        dummy, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    peak = max(sampler.stop(), usage.ru_maxrss / 1024.0)
    if proc.returncode != 0:
        with open(log_path) as handle:
            tail = handle.read()[-4000:]
        raise SystemExit("%s failed (rc %d):\n%s" % (" ".join(args[:3]), proc.returncode, tail))
    return wall, peak


def counters_summary(lab):
    counters = lab.control(op="counters")
    commits = [c["commits"] for c in counters.values()]
    return {"commits": sum(commits), "routers_committed": sum(1 for c in commits if c),
            "max_commits_per_router": max(commits), "cli_lines": sum(c["commands"] for c in counters.values()),
            "config_lines": sum(c["config_lines"] for c in counters.values()),
            "ssh_logins": sum(c["logins"] for c in counters.values()),
            "committed": sorted(name for name, c in counters.items() if c["commits"])}


def wire_plan(lab_routers, lines, mode, workdir, name):
    plan = {"mode": mode, "routers": [{"name": host, "host": "127.0.0.1", "port": port, "lines": lines.get(host, [])}
                                      for host, port in lab_routers if host in lines]}
    path = os.path.join(workdir, name + ".json")
    with open(path, "w") as handle:
        json.dump(plan, handle)
    return path


def delta(before, after):
    return {host: [line for line in lines if line not in set(before.get(host, []))] for host, lines in after.items()}


class Case:
    """One (version, size): an inventory, the lab's routers, and the three tools' runs."""

    def __init__(self, version, spokes, base_port, workdir, forks):
        self.version = version
        self.spokes = spokes
        self.base_port = base_port
        self.forks = forks
        self.workdir = os.path.join(workdir, "%s-%d" % (version, spokes))
        os.makedirs(self.workdir, exist_ok=True)
        self.dest = os.path.join(self.workdir, "inventory")
        self.routers = topology.routers(spokes + 1, base_port)  # room for the spoke added later
        self.members = spokes + 1  # routers in the inventory: the hub and the spokes
        self.results = []
        self.configs = {}
        self.verify_row = True

    def fresh_inventory(self):
        topology.write(self.dest, self.spokes, self.version, self.base_port, extra_spokes=1, routing="via_hub")
        self.members = self.spokes + 1

    def change(self, phase):
        if phase == "add_spoke":
            topology.add_spoke(self.dest, self.spokes, self.base_port)
            self.members += 1
        elif phase == "psk":
            topology.set_psk(self.dest, NEW_PSK)

    def command(self, tool, phase, previous_lines):
        """(argv, desired lines or None) of ``tool`` for ``phase``."""
        if tool == "ours":
            return self.playbook("playbooks/site.yml", "--skip-tags", "verify"), None
        if tool == "fleet":
            return self.playbook("playbooks/site.yml", "--skip-tags", "verify", "-e", "dmvpn_engine=fleet"), None
        if tool == "baseline":
            return self.playbook(os.path.join(HERE, "baseline", "site.yml")), None
        lines = desired_lines(self.dest, self.version)
        if phase == "noop":
            plan = wire_plan(self.routers, lines, "check", self.workdir, "wire-" + phase)
        else:
            plan = wire_plan(self.routers, delta(previous_lines, lines), "push", self.workdir, "wire-" + phase)
        return [sys.executable, os.path.join(HERE, "wire.py"), plan, "--concurrency", str(self.forks)], lines

    def playbook(self, path, *extra):
        return ([os.path.join(BIN, "ansible-playbook"), "-i", self.dest, path, "--forks", str(self.forks)]
                + vault_args(None) + list(extra))

    def measure(self, lab, tool, phase, args):
        """Run ``args`` on counters reset to zero: the result row (time, memory, counters)."""
        lab.control(op="reset_counters")
        wall, peak = run_measured(args, os.path.join(self.workdir, "%s-%s.log" % (tool, phase)))
        row = {"version": self.version, "spokes": self.spokes, "routers": self.members, "tool": tool,
               "phase": phase, "wall_s": round(wall, 2), "peak_mib": round(peak, 1)}
        row.update(counters_summary(lab))
        self.results.append(row)
        return row

    def run_tool(self, tool):
        self.fresh_inventory()
        lab = LabProcess(self.routers, self.version, self.workdir)
        previous = {}
        try:
            for phase in PHASES:
                self.change(phase)
                args, lines = self.command(tool, phase, previous)
                row = self.measure(lab, tool, phase, args)
                previous = lines if lines is not None else previous
                configs = lab.configs()
                row["config_digest"] = hashlib.sha256(json.dumps(configs, sort_keys=True).encode()).hexdigest()[:16]
                self.configs.setdefault(phase, {})[tool] = configs
                print("  %-4s N=%-4d %-11s %-9s %7.1f s  commits %4d on %3d routers  lines %6d  logins %4d  %6.0f MiB"
                      % (self.version, self.spokes, tool, phase, row["wall_s"], row["commits"], row["routers_committed"],
                         row["cli_lines"], row["ssh_logins"], row["peak_mib"]), flush=True)
                if tool == "ours" and phase == "noop":
                    row = self.measure(lab, "floor", "noop", self.playbook(os.path.join(HERE, "baseline", "floor.yml")))
                    self.say(row, "one network_cli read per router")
            if tool == "ours" and self.verify_row:
                self.say(self.measure(lab, "ours", "verify", self.playbook("playbooks/verify.yml")),
                         "verify.yml: sessions, NHRP, SAs")
        finally:
            lab.stop()

    def say(self, row, what):
        print("  %-4s N=%-4d %-11s %-9s %7.1f s  (%s)"
              % (self.version, self.spokes, row["tool"], row["phase"], row["wall_s"], what), flush=True)

    def check_same_configs(self):
        for phase, by_tool in self.configs.items():
            first = sorted(by_tool, key=TOOLS.index)[0]
            reference = by_tool[first]
            for tool, configs in by_tool.items():
                if configs != reference:
                    hosts = sorted(h for h in reference if reference[h] != configs.get(h))
                    host = hosts[0]
                    only_first = sorted(set(reference[host]) - set(configs.get(host, [])))[:5]
                    only_theirs = sorted(set(configs.get(host, [])) - set(reference[host]))[:5]
                    raise SystemExit("%s N=%d %s: %s leaves other configs than %s on %d routers, e.g. %s: %s only %s, "
                                     "%s only %s" % (self.version, self.spokes, phase, tool, first, len(hosts), host,
                                                     first, _mask(only_first), tool, _mask(only_theirs)))


def _mask(lines):
    return [line.split(" pre-shared-secret ")[0] + (" pre-shared-secret ****" if " pre-shared-secret " in line else "")
            for line in lines]


# ------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        mem_kib = int(handle.readline().split()[1])
    import ansible

    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024.0 / 1024.0, 1),
            "python": platform.python_version(), "ansible_core": ansible.__version__, "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def index(rows):
    return {(r["version"], r["spokes"], r["tool"], r["phase"]): r for r in rows}


def ratio(a, b):
    return round(a / b, 2) if b else None


def ratios(rows):
    table = index(rows)
    out = []
    for (version, spokes, tool, phase), row in sorted(table.items()):
        if tool != "ours" or phase == "verify":
            continue
        entry = {"version": version, "spokes": spokes, "phase": phase}
        for other in ("baseline", "floor", "lower_bound"):
            found = table.get((version, spokes, other, phase))
            entry["ours_vs_" + other] = ratio(row["wall_s"], found["wall_s"]) if found else None
        out.append(entry)
    return out


def _cell(row, key, fmt):
    return fmt % row[key] if row else ""


def markdown(report):
    table = index(report["results"])
    lines = ["Machine: %(cpu)s, %(cores)d cores, %(memory_gib)s GiB; Python %(python)s, ansible-core %(ansible_core)s; "
             "%(date)s. Forks %(forks)d; lab routers in one process on the same machine." % dict(report["machine"], forks=report["forks"]),
             "",
             "| VyOS | spokes | phase | ours s | baseline s | floor s | lower bound s | ours/baseline | ours/floor | "
             "ours/lower | commits o/b/l (routers) | CLI lines o/b/l | SSH logins o/b/l | peak MiB o/b/l |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|"]
    sizes = sorted({r["spokes"] for r in report["results"]})
    for version in sorted({r["version"] for r in report["results"]}):
        for spokes in sizes:
            for phase in PHASES:
                o, b, low = (table.get((version, spokes, tool, phase)) for tool in TOOLS)
                floor = table.get((version, spokes, "floor", phase))
                if not (o and b and low):
                    continue
                lines.append("| %s | %d | %s | %.1f | %.1f | %s | %.1f | %.2f | %s | %.0f | %d/%d/%d (%d/%d/%d) | %d/%d/%d | %d/%d/%d | %.0f/%.0f/%.0f |" % (
                    version, spokes, phase.replace("_", " "), o["wall_s"], b["wall_s"], _cell(floor, "wall_s", "%.1f"),
                    low["wall_s"], o["wall_s"] / b["wall_s"],
                    "%.2f" % (o["wall_s"] / floor["wall_s"]) if floor else "", o["wall_s"] / low["wall_s"],
                    o["commits"], b["commits"], low["commits"], o["routers_committed"], b["routers_committed"],
                    low["routers_committed"], o["cli_lines"], b["cli_lines"], low["cli_lines"],
                    o["ssh_logins"], b["ssh_logins"], low["ssh_logins"], o["peak_mib"], b["peak_mib"], low["peak_mib"]))
            verify = table.get((version, spokes, "ours", "verify"))
            if verify:
                lines.append("| %s | %d | verify.yml (ours only) | %.1f | | | | | | | %d | %d | %d | %.0f |" % (
                    version, spokes, verify["wall_s"], verify["commits"], verify["cli_lines"], verify["ssh_logins"],
                    verify["peak_mib"]))
    return "\n".join(lines) + "\n"


def fleet_markdown(report):
    """The fleet engine against the network_cli engine (ours) and the asyncssh lower bound."""
    table = index(report["results"])
    lines = ["Machine: %(cpu)s, %(cores)d cores, %(memory_gib)s GiB; Python %(python)s, ansible-core %(ansible_core)s; "
             "%(date)s. Forks %(forks)d (network_cli); fleet concurrency 50; lab routers in one process on the same "
             "machine." % dict(report["machine"], forks=report["forks"]),
             "",
             "| VyOS | spokes | phase | fleet s | network_cli s | lower bound s | fleet/lower | network_cli/fleet | "
             "commits f/n/l | peak MiB fleet | peak MiB network_cli |",
             "|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for version in sorted({r["version"] for r in report["results"]}):
        for spokes in sorted({r["spokes"] for r in report["results"]}):
            for phase in PHASES:
                f, o, low = (table.get((version, spokes, tool, phase)) for tool in ("fleet", "ours", "lower_bound"))
                if not f:
                    continue
                lines.append("| %s | %d | %s | %.1f | %s | %s | %s | %s | %s/%s/%s | %.0f | %s |" % (
                    version, spokes, phase.replace("_", " "), f["wall_s"], _cell(o, "wall_s", "%.1f"),
                    _cell(low, "wall_s", "%.1f"), "%.1f" % (f["wall_s"] / low["wall_s"]) if low else "",
                    "%.1f" % (o["wall_s"] / f["wall_s"]) if o else "", f["commits"], _cell(o, "commits", "%d"),
                    _cell(low, "commits", "%d"), f["peak_mib"], _cell(o, "peak_mib", "%.0f")))
    return "\n".join(lines) + "\n"


def chart(report, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    table = index(report["results"])
    cases = sorted({(r["version"], r["spokes"]) for r in report["results"]}, key=lambda c: (c[0], c[1]))
    labels = ["%s\nN=%d" % case for case in cases]
    colours = {"ours": "#1b7837", "baseline": "#b2182b", "floor": "#e08214", "lower_bound": "#777777"}
    names = {"ours": "dmvpn.vyos (site.yml)", "baseline": "vyos_config + Jinja", "floor": "network_cli floor (1 read)",
             "lower_bound": "asyncssh lower bound"}
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    for ax, phase in zip(axes.flat, PHASES):
        tools = [t for t in ("ours", "baseline", "floor", "lower_bound") if any((v, n, t, phase) in table for v, n in cases)]
        width = 0.8 / len(tools)
        for offset, tool in enumerate(tools):
            values = [table[(v, n, tool, phase)]["wall_s"] if (v, n, tool, phase) in table else 0 for v, n in cases]
            shift = (offset - (len(tools) - 1) / 2.0) * width
            ax.bar([i + shift for i in range(len(cases))], values, width, label=names[tool], color=colours[tool])
        ax.set_title(phase.replace("_", " "))
        ax.set_xticks(range(len(cases)))
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_ylabel("wall time (s, log scale)")
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda value, dummy: "%g" % value))
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.grid(axis="y", alpha=0.3)
    axes.flat[1].legend(fontsize=8)
    fig.suptitle("DMVPN converge on the emulated VyOS lab (1 hub + N spokes, forks %d)\n%s, %d cores" % (
        report["forks"], report["machine"]["cpu"], report["machine"]["cores"]), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 50, 200])
    parser.add_argument("--versions", nargs="+", default=["1.4", "1.5"])
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--no-verify-row", action="store_true", help="leave out the timing of verify.yml")
    parser.add_argument("--base-port", type=int, default=2600)
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--workdir", help="keep inventories and logs here (default: a temporary folder)")
    parser.add_argument("--replot", metavar="JSON", nargs="+",
                        help="only write the Markdown tables (and chart) of saved runs (several: their results joined)")
    args = parser.parse_args(argv)
    if args.replot:
        report = None
        for path in args.replot:
            with open(path) as handle:
                saved = json.load(handle)
            report = saved if report is None else dict(report, results=report["results"] + saved["results"])
        tools = {row["tool"] for row in report["results"]}
        if {"ours", "baseline", "lower_bound"} <= tools:
            with open(os.path.join(args.out, "converge.md"), "w") as handle:
                handle.write(markdown(report))
            chart(report, os.path.join(args.out, "converge.png"))
            print(markdown(report))
        if "fleet" in tools:
            with open(os.path.join(args.out, "converge-fleet.md"), "w") as handle:
                handle.write(fleet_markdown(report))
            print(fleet_markdown(report))
        return
    workdir = args.workdir or tempfile.mkdtemp(prefix="dmvpn-converge-")
    os.makedirs(args.out, exist_ok=True)
    report = {"machine": machine(), "forks": args.forks, "sizes": args.sizes, "versions": args.versions,
              "results": []}
    started = time.monotonic()
    for version in args.versions:
        for spokes in args.sizes:
            case = Case(version, spokes, args.base_port, workdir, args.forks)
            case.verify_row = not args.no_verify_row
            for tool in args.tools:
                case.run_tool(tool)
            case.check_same_configs()
            report["results"] += case.results
    report["ratios"] = ratios(report["results"])
    report["total_s"] = round(time.monotonic() - started, 1)
    with open(os.path.join(args.out, "converge.json"), "w") as handle:
        json.dump(report, handle, indent=1)
    if {"ours", "baseline", "lower_bound"} <= set(args.tools):
        with open(os.path.join(args.out, "converge.md"), "w") as handle:
            handle.write(markdown(report))
        chart(report, os.path.join(args.out, "converge.png"))
        print(markdown(report))
    if "fleet" in args.tools:
        with open(os.path.join(args.out, "converge-fleet.md"), "w") as handle:
            handle.write(fleet_markdown(report))
        print(fleet_markdown(report))
    print("written to %s (logs in %s); %.0f s in all" % (args.out, workdir, report["total_s"]))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
