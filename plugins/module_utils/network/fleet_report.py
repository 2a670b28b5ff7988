# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a fleet run shows: a progress line while it runs, each router's warnings, a summary
table at the end, and the task's result (per router: changed, failed, unreachable, its
message and commands; --diff: one diff per changed router). Everything shown was masked by
fleet_runner.run_router."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_engine import counts, run_fleet

LISTED = 40  # rows of the table per status before "... and N more"


def run_and_report(waves, check_mode, diff, secrets, concurrency, display):
    """Run ``waves`` (fleet_engine.run_fleet) showing progress on ``display``; the outcomes."""
    started = time.monotonic()

    def progress(wave, done, total, found):
        display.display("fleet %s: %d/%d routers done, %.0f s (changed %d, failed %d, unreachable %d)"
                        % (wave, done, total, time.monotonic() - started, found["changed"], found["failed"],
                           found["unreachable"]))

    outcomes = run_fleet(waves, check_mode, diff, secrets, concurrency, progress)
    for host in sorted(outcomes):
        for step in outcomes[host]["steps"].values():
            for warning in step.get("warnings") or []:
                display.warning("%s: %s" % (host, warning))
    display.display("\n".join(summary_table(outcomes, check_mode, time.monotonic() - started)))
    return outcomes


def status(outcome):
    return "UNREACHABLE" if outcome["unreachable"] else "FAILED" if outcome["failed"] else \
        "CHANGED" if outcome["changed"] else "ok"


def summary_table(outcomes, check_mode, seconds):
    """The lines of the table: counts, then every router that failed or was unreachable and
    the ones that changed (LISTED of each at most, then how many more)."""
    found = counts(outcomes)
    lines = ["DMVPN fleet run%s: %d routers in %.1f s: %d changed, %d ok, %d failed, %d unreachable"
             % (" (check mode)" if check_mode else "", len(outcomes), seconds, found["changed"], found["ok"],
                found["failed"], found["unreachable"])]
    for wanted in ("UNREACHABLE", "FAILED", "CHANGED"):
        hosts = sorted(host for host, outcome in outcomes.items() if status(outcome) == wanted)
        for host in hosts[:LISTED]:
            outcome = outcomes[host]
            detail = outcome.get("msg") if wanted != "CHANGED" else "%d lines" % len(commands(outcome))
            lines.append("  %-12s %-24s %s" % (wanted, host, detail))
        if len(hosts) > LISTED:
            lines.append("  %-12s ... and %d more" % (wanted, len(hosts) - LISTED))
    return lines


def commands(outcome):
    return [line for step in outcome["steps"].values() for line in step.get("commands") or []]


def task_result(outcomes, diff):
    """The fleet task's result: failed when any router failed or was unreachable (after every
    router ran), changed when any changed, and under ``routers`` the outcome of each router
    that changed, failed or was unreachable."""
    found = counts(outcomes)
    routers = {}
    for host, outcome in outcomes.items():
        if status(outcome) == "ok":
            continue  # (counted in summary: a result of 1,000 unchanged routers says nothing more)
        entry = {key: outcome[key] for key in ("changed", "failed", "unreachable")}
        if outcome.get("msg"):
            entry["msg"] = outcome["msg"]
        entry["commands"] = commands(outcome)
        pending = [step["pending_commit_confirm"] for step in outcome["steps"].values() if step.get("pending_commit_confirm")]
        if pending:
            entry["pending_commit_confirm"] = pending[0]
        routers[host] = entry
    result = {"changed": found["changed"] > 0, "routers": routers, "summary": found}
    bad = sorted(host for host, outcome in outcomes.items() if outcome["failed"] or outcome["unreachable"])
    if bad:
        result.update(failed=True, msg="DMVPN fleet run: %d of %d routers failed or were unreachable (the others ran): %s"
                      % (len(bad), len(outcomes), "; ".join("%s: %s" % (host, outcomes[host].get("msg")) for host in bad)))
    if diff:
        result["diff"] = [dict(step["diff"], before_header="%s (%s)" % (host, name), after_header="%s (%s)" % (host, name))
                          for host in sorted(outcomes) for name, step in outcomes[host]["steps"].items()
                          if step.get("diff") and step.get("changed")]
    return result
