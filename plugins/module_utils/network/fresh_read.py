# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""After a module's session was lost during or after its commit: read the router over a new
session and say what it holds (the change applied, or not; a commit-confirm still pending).
Used by the modules' action plugin (a new persistent connection) and the fleet engine (a new
login); both hand in the new session's ``get(command)``.

The answers carry secrets: they are only parsed and hashed here (the module's own parse,
configtree.parse_show_commands, and dmvpn_core/after_commit.py's keyed digests), never
returned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import after_commit
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import pending_confirm
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for


def usable(reread):
    """Whether the module handed over digests to compare with (else nothing is read)."""
    return isinstance(reread, dict) and after_commit.is_digest(reread.get("before")) and \
        after_commit.is_digest(reread.get("after"))


def state_after_lost_session(get, reread, key):
    """The end of the message saying what the router holds, or None when it cannot be read
    (the module's "could not be read afterwards" stays). Raises nothing of the session's."""
    if not usable(reread):
        return None
    try:
        now = after_commit.digest(parse_show_commands(get(command="show configuration commands")), key)
        pending = True
        if reread.get("confirm") and now == reread["after"]:
            pending = commit_confirm_pending(get, reread.get("version"))
    except (ConnectionError, ValueError, OSError):  # (ConfigSyntaxError is a ValueError)
        return None
    return after_commit.state_after(now, reread["before"], reread["after"], reread.get("confirm") or 0,
                                    bool(reread.get("unsaved")), pending)


def commit_confirm_pending(get, version):
    """Whether a commit-confirm still waits for its confirm (None: not known): the session
    may have been lost before this run's confirm or after it reached the router."""
    try:
        syntax = syntax_for(version)
        return pending_confirm.pending_from(syntax, get(command=pending_confirm.probe_command(syntax))) is not None
    except (ConnectionError, ValueError):
        return None
