"""The hardening suite: bad inventories, hostile values, secrets, faults, concurrency and drift,
each case a named test against the emulated lab. The suite prints its own figures at the end
(cases tried, passed, lab commits observed, secret hits) and writes them to
``build/hardening/figures.{md,json}``.

A test reports its figures through the ``observe`` fixture; they travel on the test report's
``user_properties``, so the table is right with pytest-xdist too (the controller sums them).
"""

import contextlib
import datetime
import functools
import json
import os
import platform
import sys

import pytest
import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from labkit import REPO, SITE, Site, lab, playbook, playbook_runner, recap, run_playbook, site, start_lab  # noqa: E402,F401 pylint: disable=unused-import

# The secrets every hardening inventory uses instead of the lab vault's: distinctive, so a
# grep for them finds nothing else. The NHRP secret is at most 8 characters (VyOS).
CANARY_PSK = "Canary-PSK-7f3a9c2e51"
CANARY_NHRP = "Cn7r9x2q"
CANARIES = (CANARY_PSK, CANARY_NHRP)

CATEGORIES = (
    ("test_bad_inventory", "bad inventory"),
    ("test_hostile_values", "hostile values"),
    ("test_secrets", "secrets"),
    ("test_faults", "faults"),
    ("test_concurrency", "concurrency"),
    ("test_drift", "drift"),
)
FIGURES_DIR = os.path.join(REPO, "build", "hardening")


def secret_hits(text, secrets=CANARIES):
    """How often any of ``secrets`` occurs in ``text``."""
    return sum(text.count(secret) for secret in secrets if secret)


class Observer:
    """What one case saw: lab commits, secret hits in everything it read."""

    def __init__(self, item):
        self.item = item

    def commits(self, count):
        self.item.user_properties.append(("commits", int(count)))

    def logins(self, count):
        self.item.user_properties.append(("logins", int(count)))

    @contextlib.contextmanager
    def counting(self, site):
        """Record the lab commits and logins of ``site``'s routers during the block."""
        commits, logins = site.total_commits(), site.logins()
        yield
        self.commits(site.total_commits() - commits)
        self.logins(site.logins() - logins)

    def scan(self, *texts, **kwargs):
        """Count the canary secrets in ``texts`` (output, results, files); returns the hits."""
        hits = sum(secret_hits(text or "", kwargs.get("secrets", CANARIES)) for text in texts)
        self.item.user_properties.append(("secret_hits", hits))
        return hits

    def note(self, key, value):
        self.item.user_properties.append((key, value))


@pytest.fixture
def observe(request):
    return Observer(request.node)


class HardeningSite(Site):
    """A copy of inventories/lab on this test's lab routers, with canary secrets in plain text
    (zz-hardening.yml overrides the vaulted ones)."""

    def __init__(self, handle, workdir, playbook_runner):
        super(HardeningSite, self).__init__(handle, workdir, playbook_runner)
        self.extra = {"dmvpn_ipsec_psk": CANARY_PSK, "dmvpn_nhrp_secret": CANARY_NHRP}
        self.write_extra()

    def write_extra(self):
        with open(os.path.join(self.inventory, "group_vars", "dmvpn", "zz-hardening.yml"), "w") as out:
            yaml.safe_dump(self.extra, out)

    def set(self, **values):
        self.extra.update(values)
        self.write_extra()

    def host_vars(self, name, **values):
        path = os.path.join(self.inventory, "host_vars", name + ".yml")
        with open(path) as handle:
            data = yaml.safe_load(handle) or {}
        data.update(values)
        with open(path, "w") as out:
            yaml.safe_dump(data, out)

    def drop_group_var(self, key):
        """Remove ``key`` from every group_vars file of the inventory copy."""
        for root, dummy, files in os.walk(os.path.join(self.inventory, "group_vars")):
            for name in files:
                path = os.path.join(root, name)
                with open(path) as handle:
                    text = handle.read()
                if text.startswith("$ANSIBLE_VAULT"):
                    continue
                data = yaml.safe_load(text) or {}
                if key in data:
                    del data[key]
                    with open(path, "w") as out:
                        yaml.safe_dump(data, out)
                if key in self.extra:
                    del self.extra[key]

    def total_commits(self):
        return sum(self.commits().values())

    def logins(self):
        return sum(self.handle.counters(name)["logins"] for name in self.handle.lab.routers)


@pytest.fixture
def hsite(site):
    """``hsite()`` -> HardeningSite on fresh lab routers HUB, SPOKE1, SPOKE2."""
    return functools.partial(site, cls=HardeningSite)


def start_site(workdir, version="1.4", names=("HUB", "SPOKE1", "SPOKE2")):
    """A HardeningSite on lab routers started here (for module-scoped fixtures: the caller stops
    ``site.handle.thread``), converged by site.yml without verify, underlay included once."""
    handle = start_lab({name: version for name in names}, workdir)
    site = HardeningSite(handle, workdir, playbook_runner(workdir))
    site.set(dmvpn_tunnel_description="DMVPN hub and spokes")
    first = site.run(SITE, "--skip-tags", "verify")
    if first.rc != 0:
        handle.thread.stop()
        raise AssertionError(all_output(first)[-3000:])
    # The underlay (host names, addresses: vyos.vyos modules, one commit each) is in place now;
    # the cases change the DMVPN, so later runs leave the underlay tasks out (a third of a run).
    site.set(dmvpn_manage_underlay=False)
    return site


# -- the figures ---------------------------------------------------------------------------------
_CASES = {}


def _category(nodeid):
    module = os.path.splitext(os.path.basename(nodeid.split("::")[0]))[0]
    return dict(CATEGORIES).get(module, module)


def pytest_runtest_logreport(report):
    case = _CASES.setdefault(report.nodeid, {"name": report.nodeid.split("::", 1)[-1],
                                             "category": _category(report.nodeid),
                                             "outcome": "passed", "commits": 0, "secret_hits": 0, "logins": 0})
    if report.when == "call":
        for key, value in report.user_properties:
            if isinstance(value, int) and key in case:
                case[key] += value
            else:
                case[key] = value
    if report.failed:
        case["outcome"] = "failed"
    elif report.skipped and case["outcome"] == "passed":
        case["outcome"] = "skipped"


def figures_table(cases):
    """The Markdown table of the figures, one row per category and a total."""
    rows = []
    names = [name for dummy, name in CATEGORIES]
    names += sorted({case["category"] for case in cases} - set(names))
    header = ("| area | cases tried | passed | failed | skipped | lab commits observed | SSH logins | secret hits |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|")
    total = {key: 0 for key in ("tried", "passed", "failed", "skipped", "commits", "logins", "secret_hits")}
    for name in names:
        mine = [case for case in cases if case["category"] == name]
        if not mine:
            continue
        row = {
            "tried": len(mine),
            "passed": sum(case["outcome"] == "passed" for case in mine),
            "failed": sum(case["outcome"] == "failed" for case in mine),
            "skipped": sum(case["outcome"] == "skipped" for case in mine),
            "commits": sum(case["commits"] for case in mine),
            "logins": sum(case["logins"] for case in mine),
            "secret_hits": sum(case["secret_hits"] for case in mine),
        }
        for key in total:
            total[key] += row[key]
        rows.append("| %s | %d | %d | %d | %d | %d | %d | %d |" % (
            name, row["tried"], row["passed"], row["failed"], row["skipped"], row["commits"], row["logins"],
            row["secret_hits"]))
    rows.append("| **total** | %d | %d | %d | %d | %d | %d | %d |" % (
        total["tried"], total["passed"], total["failed"], total["skipped"], total["commits"], total["logins"],
        total["secret_hits"]))
    return header + "\n" + "\n".join(rows)


def pytest_terminal_summary(terminalreporter):
    if not _CASES or hasattr(terminalreporter.config, "workerinput"):
        return
    cases = sorted(_CASES.values(), key=lambda case: (case["category"], case["name"]))
    table = figures_table(cases)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = "%s, %s cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version())
    os.makedirs(FIGURES_DIR, exist_ok=True)
    with open(os.path.join(FIGURES_DIR, "figures.md"), "w") as out:
        out.write("Hardening suite (tests/hardening), %s; %s.\n\n%s\n" % (stamp, machine, table))
    with open(os.path.join(FIGURES_DIR, "figures.json"), "w") as out:
        json.dump({"when": stamp, "machine": machine, "cases": cases}, out, indent=1)
    terminalreporter.write_sep("=", "hardening figures (build/hardening/figures.md)")
    terminalreporter.write_line(table)
    for case in cases:
        if case["outcome"] != "passed":
            terminalreporter.write_line("not passed: %s (%s)" % (case["name"], case["outcome"]))


def all_output(run):
    """Everything a playbook run printed."""
    return (run.stdout or "") + (run.stderr or "")


def files_text(folder):
    """The text of every file under ``folder`` (logs, backups, retry files...)."""
    chunks = []
    for root, dummy, files in os.walk(folder):
        for name in files:
            try:
                with open(os.path.join(root, name), errors="replace") as handle:
                    chunks.append(handle.read())
            except OSError:
                continue
    return "\n".join(chunks)
