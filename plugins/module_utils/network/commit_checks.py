# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the runner checks about a commit once the router answered it (issue 19 item 8): that
VyOS did not refuse it for another commit in progress, and that every line it committed is
on the router. Also the error the runner raises for anything the router refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigSyntaxError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import lines_not_applied
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.masking import mask_secrets

# What every supported version prints, and all it prints, for a commit while another session's
# commit is in progress: the commit is refused, not queued (vyos/vyatta-cfg
# src/commit/commit-algorithm.cpp doCommit: getCommitLock, a lockf F_TLOCK on
# /opt/vyatta/config/.lock; src/cli_bin.cpp exits 1; crux 9063ccfa2314, equuleus fd96c62776ec,
# current 0a5b58a0f9a2). vyos.vyos's terminal plugin does not take it for an error (its
# terminal_stderr_re knows "Commit failed"), so the modules look for it themselves.
COMMIT_LOCKED = "Configuration system temporarily locked due to another commit in progress"


class RouterError(Exception):
    """The router refused something; the message is already masked. ``extra``: more keys of
    the failed result."""

    def __init__(self, msg, **extra):
        super(RouterError, self).__init__(msg)
        self.extra = extra


def refuse_locked_commit(runner, answer):
    """Fail on VyOS's refusal of a commit while another session's is in progress
    (COMMIT_LOCKED), an answer network_cli takes for a success."""
    if COMMIT_LOCKED in answer:
        runner.discard(after_error=True)
        raise RouterError("the router refused the commit: another session's commit was in progress (VyOS: '%s'); "
                          "nothing of this run was committed and the router is left as that commit leaves it. "
                          "Re-run to converge" % COMMIT_LOCKED)


def check_committed(runner, commands, after, version):
    """After the commit, in the same session: every path the run set or deleted holds what
    the commit should leave there (``after``). A run that cannot be sure its change is on the
    router fails instead of reporting it done."""
    if after is None:
        return
    try:
        missing = lines_not_applied(runner.running(in_session=True), commands, after)
    except ConfigSyntaxError as exc:
        raise RouterError("the router's configuration could not be read after the commit (%s); re-run to check" % exc)
    if missing:
        runner.discard()
        raise RouterError("the commit ended, but %d of this run's %d lines are not on the router as committed "
                          "(first: %s); another session may have changed it at the same time. Re-run to converge"
                          % (len(missing), len(commands), mask_secrets([missing[0]], version)[0]))
