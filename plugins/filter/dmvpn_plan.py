# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan report of playbooks/plan.yml: what each router's check-mode dmvpn run would change,
shaped for files a person reviews (one JSON document per router, one Markdown page). It only
computes: it reads the registered results, which the module already masked, and copies from
them only the masked lines and names (never the module's arguments, which hold the secrets)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

NOT_RUN = "no result: the run stopped before this router's DMVPN endpoint was read"


def _reason(result):
    """Why a router could not be read, from its registered result (None: it was read)."""
    if not isinstance(result, dict) or not result:
        return NOT_RUN
    if result.get("unreachable") or result.get("failed") or result.get("skipped"):
        text = str(result.get("msg") or ("skipped" if result.get("skipped") else "failed, without a message"))
        return " ".join(text.split())   # one line: it goes into a table cell
    return None


def plan_entry(name, result):
    """One router's plan from its registered check-mode result of dmvpn.vyos.dmvpn."""
    reason = _reason(result)
    entry = {"router": str(name), "read": reason is None, "reason": reason, "changed": False, "version": None,
             "set": [], "delete": [], "pending_commit_confirm": None, "confirm": [], "objects_added": [], "objects_removed": [],
             "leaves_removed": []}
    if reason is not None:
        return entry
    commands = [str(line) for line in result.get("commands") or []]
    plan = result.get("plan") or {}
    entry.update(
        changed=bool(result.get("changed")),
        version=result.get("version"),
        set=[line for line in commands if line.startswith("set ")],
        delete=[line for line in commands if line.startswith("delete ")],
        pending_commit_confirm=result.get("pending_commit_confirm"),
        confirm=[line for line in commands if not line.startswith(("set ", "delete "))],   # (confirm, save)
        objects_added=[str(item) for item in plan.get("objects_added") or []],
        objects_removed=[str(item) for item in plan.get("objects_removed") or []],
        leaves_removed=[str(item) for item in plan.get("leaves_removed") or []],
    )
    return entry


def _cell(entry):
    if not entry["read"]:
        return "| %s | not read: %s | | | | | | |" % (entry["router"], entry["reason"].replace("|", "\\|"))
    pending = entry["pending_commit_confirm"]
    return "| %s | %s | %d | %d | %d | %d | %s | %d |" % (
        entry["router"], "yes" if entry["changed"] else "no", len(entry["set"]), len(entry["delete"]),
        len(entry["objects_added"]), len(entry["objects_removed"]),
        "rolls back at %s (would be confirmed)" % pending if pending else "no", len(entry["leaves_removed"]))


def _section(entry):
    lines = ["", "## %s" % entry["router"], ""]
    if not entry["read"]:
        return lines + ["not read: %s" % entry["reason"]]
    if not entry["changed"]:
        return lines + ["No change."]
    for title, key in (("Lines (delete, then set; secrets masked)", None), ("Objects added", "objects_added"),
                       ("Objects removed", "objects_removed"),
                       ("On the router, not in the inventory: would go", "leaves_removed")):
        items = entry["delete"] + entry["set"] if key is None else entry[key]
        if items:
            lines += ["%s:" % title, "", "```"] + items + ["```", ""]
    if entry["pending_commit_confirm"]:
        lines += ["A commit-confirm is pending (it rolls back at %s); the router holds what the inventory wants, "
                  "so the run would send: %s" % (entry["pending_commit_confirm"], ", ".join(entry["confirm"])), ""]
    return lines


def dmvpn_plan_report(hostvars, hosts, registered="dmvpn_endpoint_applied", title="DMVPN plan"):
    """{routers: {name: entry}, changed: [names], not_read: [names], not_read_lines, markdown} for the
    routers ``hosts``, from each one's registered result ``registered``."""
    routers = {}
    for name in hosts:
        result = hostvars[name].get(registered) if name in hostvars else None
        routers[str(name)] = plan_entry(name, result)
    order = sorted(routers)
    lines = ["# %s" % title, "",
             "| router | changes | set lines | delete lines | objects added | objects removed "
             "| pending commit-confirm | leaves that would go |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [_cell(routers[name]) for name in order]
    for name in order:
        lines += _section(routers[name])
    return {"routers": routers, "changed": [name for name in order if routers[name]["changed"]],
            "not_read": [name for name in order if not routers[name]["read"]],
            "not_read_lines": ["%s: not read: %s" % (name, routers[name]["reason"]) for name in order
                               if not routers[name]["read"]],
            "markdown": re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n") + "\n"}


class FilterModule(object):
    def filters(self):
        return {"dmvpn_plan_report": dmvpn_plan_report}
