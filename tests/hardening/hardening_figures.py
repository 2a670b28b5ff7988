"""The hardening suite's figures: per case (outcome, ansible-playbook runs, lab commits and SSH
logins, secret hits, time; what tests/hardening/conftest.py's ``observe`` recorded on the
report's ``user_properties``, so pytest-xdist workers' cases arrive at the controller with
them) and the table of them per area, printed at the end and written to
``build/hardening/figures.{md,json}``. The hooks are imported by tests/hardening/conftest.py.
"""

import datetime
import json
import os
import platform

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CATEGORIES = (
    ("test_bad_inventory", "bad inventory"),
    ("test_hostile_values", "hostile values"),
    ("test_secrets", "secrets"),
    ("test_faults", "faults"),
    ("test_concurrency", "concurrency"),
    ("test_drift", "drift"),
    ("test_day2", "day-2"),
)
FIGURES_DIR = os.path.join(REPO, "build", "hardening")


_CASES = {}


def _category(nodeid):
    module = os.path.splitext(os.path.basename(nodeid.split("::")[0]))[0]
    return dict(CATEGORIES).get(module, module)


_STARTED = []


def pytest_sessionstart(session):
    _STARTED.append(datetime.datetime.now(datetime.timezone.utc))


def pytest_runtest_logreport(report):
    case = _CASES.setdefault(report.nodeid, {"name": report.nodeid.split("::", 1)[-1],
                                             "category": _category(report.nodeid),
                                             "outcome": "passed", "commits": 0, "secret_hits": 0, "logins": 0,
                                             "playbook_runs": 0, "seconds": 0.0})
    case["seconds"] += report.duration
    node = getattr(report, "node", None)   # pytest-xdist: the worker that ran it
    case["worker"] = getattr(getattr(node, "gateway", None), "id", "main")
    if report.when == "setup":
        case["start"] = getattr(report, "start", 0.0)
    case["stop"] = getattr(report, "stop", 0.0)
    if report.when == "call" or (report.when == "setup" and report.failed):
        for key, value in report.user_properties:
            if isinstance(value, int) and key in case:
                case[key] += value
            else:
                case[key] = value
    if report.failed:
        case["outcome"] = "failed"
    elif hasattr(report, "wasxfail") and report.skipped:
        case["outcome"] = "xfailed"   # a known defect, marked xfail(strict=True): see its reason
    elif report.skipped and case["outcome"] == "passed":
        case["outcome"] = "skipped"


COLUMNS = (("tried", "cases tried"), ("passed", "passed"), ("failed", "failed"), ("skipped", "skipped"),
           ("xfailed", "known defects (xfail)"), ("playbook_runs", "ansible-playbook runs"),
           ("commits", "lab commits observed"), ("logins", "SSH logins"), ("secret_hits", "secret hits"),
           ("seconds", "worker s"))


def figures_table(cases):
    """The Markdown table of the figures, one row per category and a total."""
    rows = []
    names = [name for dummy, name in CATEGORIES]
    names += sorted({case["category"] for case in cases} - set(names))
    header = "| area | %s |\n|---|%s" % (" | ".join(title for dummy, title in COLUMNS), "---:|" * len(COLUMNS))
    total = {key: 0 for key, dummy in COLUMNS}

    def line(name, row):
        return "| %s | %s |" % (name, " | ".join(("%.0f" % row[key]) if key == "seconds" else "%d" % row[key]
                                                 for key, dummy in COLUMNS))

    for name in names:
        mine = [case for case in cases if case["category"] == name]
        if not mine:
            continue
        row = {"tried": len(mine)}
        for key in ("passed", "failed", "skipped", "xfailed"):
            row[key] = sum(case["outcome"] == key for case in mine)
        for key in ("playbook_runs", "commits", "logins", "secret_hits", "seconds"):
            row[key] = sum(case.get(key, 0) for case in mine)
        for key in total:
            total[key] += row[key]
        rows.append(line(name, row))
    rows.append(line("**total**", total))
    return header + "\n" + "\n".join(rows)


def pytest_terminal_summary(terminalreporter):
    if not _CASES or hasattr(terminalreporter.config, "workerinput"):
        return
    cases = sorted(_CASES.values(), key=lambda case: (case["category"], case["name"]))
    table = figures_table(cases)
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime("%Y-%m-%d %H:%M UTC")
    wall = (now - _STARTED[0]).total_seconds() if _STARTED else 0.0
    workers = getattr(terminalreporter.config.option, "numprocesses", None) or 1
    machine = "%s, %s cores, Python %s" % (platform.machine(), os.cpu_count(), platform.python_version())
    notes = ["Wall time %.0f s with %s worker(s); \"worker s\" is the time the cases took, set-up included (a case "
             "that shares a run with others, or starts from the seed, may include the wait for it)." % (wall, workers)]
    for key, what in (("result", "hostile values"), ("victim_ended", "faulty router ended with its configuration")):
        counts = {}
        for case in cases:
            if case.get(key) and case["outcome"] in ("passed", "xfailed"):
                counts[case[key]] = counts.get(case[key], 0) + 1
        if counts:
            notes.append("%s: %s." % (what, ", ".join("%s %d" % item for item in sorted(counts.items()))))
    text = "Hardening suite (tests/hardening), %s; %s.\n\n%s\n\n%s\n" % (stamp, machine, table, "\n".join(notes))
    os.makedirs(FIGURES_DIR, exist_ok=True)
    with open(os.path.join(FIGURES_DIR, "figures.md"), "w") as out:
        out.write(text)
    with open(os.path.join(FIGURES_DIR, "figures.json"), "w") as out:
        json.dump({"when": stamp, "machine": machine, "wall_seconds": wall, "cases": cases}, out, indent=1)
    terminalreporter.write_sep("=", "hardening figures (build/hardening/figures.md)")
    terminalreporter.write_line(table)
    for note in notes:
        terminalreporter.write_line(note)
    for case in cases:
        if case["outcome"] == "xfailed":
            terminalreporter.write_line("known defect (xfail, strict): %s" % case["name"])
        elif case["outcome"] != "passed":
            terminalreporter.write_line("not passed: %s (%s)" % (case["name"], case["outcome"]))
