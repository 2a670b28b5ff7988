# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A commit-confirm left pending on the router by an earlier run whose ``confirm`` never
arrived: every run that may change a router looks for it (dmvpn_core/pending_confirm.py says
how, per VyOS version), confirms it when the router holds what the run wants, and fails
naming the rollback's deadline otherwise."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import pending_confirm as pc
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.masking import mask_secrets, mask_text
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for


def pending_commit_confirm(runner, version):
    """None, or when a commit-confirm is pending on the router the time it rolls back
    (as the router prints it; "unknown" when it does not say)."""
    syntax = syntax_for(version)
    found = None
    try:
        found = pc.pending_from(syntax, runner.connection.get(command=pc.probe_command(syntax)))
        if found is not None and syntax.commit_confirm_scheduler == "at":
            found = pc.deadline_from(found, runner.connection.get(command=pc.AT_QUEUE))
    except ConnectionError as exc:
        runner.fail("could not find out whether a commit-confirm is pending: %s" % mask_secrets(str(exc), version))
    return found


def settle_pending(runner, deadline, commands, version, result):
    """A commit-confirm is pending (an earlier run's confirm never arrived). When the router
    holds what this run wants, confirm it (and save when asked): otherwise it rolls back
    at ``deadline``. When it holds anything else, fail: confirming would keep a
    configuration nobody asked for, and letting it roll back is the operator's choice."""
    if commands:
        runner.fail("a commit-confirm is pending on the router: it rolls back at %s unless confirmed. The router "
                    "holds a configuration that differs from this run's (%d lines), so this run neither confirms "
                    "nor changes it: confirm it on the router (configure, confirm) to keep what it holds, or let "
                    "it roll back, then re-run" % (deadline, len(commands)))
    steps = ["confirm"] + (["save"] if runner.params["save"] else [])
    result.update(changed=True, commands=steps, pending_commit_confirm=deadline)
    if runner.module.check_mode:
        return result
    conn = runner.connection
    try:
        conn.get(command="configure")
        for step in steps:
            conn.get(command=step)
        conn.get(command="exit")
    except ConnectionError as exc:
        runner.discard(after_error=True)
        runner.fail("a commit-confirm is pending on the router (it rolls back at %s); confirming it failed: %s"
                    % (deadline, mask_text(mask_secrets(str(exc), version), runner.secrets)))
    return result
