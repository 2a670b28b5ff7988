# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A commit-confirm still pending on a router: the operational-mode commands that show it
and what their answers mean, per VyOS version (versions.Syntax.commit_confirm_scheduler).

A commit-confirm whose ``confirm`` never arrived (the session was lost, the command timed
out) rolls the router back when its timer runs out: on 1.2/1.3 and by default on 1.4+ by
rebooting to the saved configuration. A run that finds nothing to change must still find
that timer, or it ends green a minute before the router undoes its work.

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

CONFIRM_JOB_FILE = "/var/run/confirm.job"
AT_JOB = "cat %s" % CONFIRM_JOB_FILE
AT_QUEUE = "atq"
SYSTEMD_TIMER = "systemctl list-timers commit-confirm.timer --no-legend --no-pager"


def probe_command(syntax):
    """The first command that shows whether a commit-confirm is pending."""
    return AT_JOB if syntax.commit_confirm_scheduler == "at" else SYSTEMD_TIMER


def pending_from(syntax, answer):
    """From the answer of :func:`probe_command`: None when nothing is pending; else the
    ``at`` job number (1.2/1.3, read its deadline with :func:`deadline_from`) or the
    timer's deadline as systemd prints it (1.4/1.5)."""
    text = (answer or "").strip()
    if syntax.commit_confirm_scheduler == "at":
        match = re.match(r"^(\d+)\s*$", text)
        return match.group(1) if match else None
    for line in text.split("\n"):
        if "commit-confirm.timer" in line:
            match = re.match(r"^(\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+)", line.strip())
            return match.group(1) if match else "unknown"
    return None


def deadline_from(job, atq_answer):
    """The deadline of ``at`` job ``job`` in ``atq``'s answer ("unknown" when not listed)."""
    for line in (atq_answer or "").split("\n"):
        fields = line.split("\t")
        if fields[0].strip() == job and len(fields) > 1:
            return fields[1].rsplit(" ", 2)[0].strip()
    return "unknown"
