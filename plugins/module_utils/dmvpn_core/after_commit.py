# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a router holds after an error during or after the commit, and how the message says it.

The module decides it when the router still answers on its session (only the commit
failed). When the session was lost, the module cannot log in again (closing its network_cli
session ends the persistent connection), so it hands the action plugin keyed digests of the
configuration before and after the change; the action plugin reads the router over a fresh
connection and decides with the same :func:`state_after`.

Why keyed digests: the configuration holds the PSK and the NHRP key, and most of the rest of
it is known to whoever reads a log. A plain hash of it would let a reader test guesses of the
secrets offline. HMAC-SHA256 with a random key that lives only in the action plugin's memory
for one task (the module gets it as a ``no_log`` option and returns only the digests) makes
the digests worthless outside that task.

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import json
import re

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def digest(tree, key):
    """HMAC-SHA256 (hex) of ``tree``'s paths under ``key``: two trees have the same digest
    exactly when they are equal (``ConfigTree.__eq__`` compares the set of paths)."""
    data = json.dumps(sorted(tree.paths()), ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key.encode("ascii"), data.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def is_digest(value):
    """True for what :func:`digest` returns (a result Ansible masked a short secret in is not)."""
    return isinstance(value, str) and bool(_DIGEST.match(value))


def state_after(now, before, after, confirm=0, unsaved=False, pending=True):
    """What the router holds, as the end of the error message. ``now``, ``before`` and
    ``after`` are configurations (trees) or their digests, compared for equality only.
    ``confirm``: the minutes of this run's commit-confirm (0: none); ``pending``: whether that
    commit-confirm still waits for its ``confirm`` (None: not known). ``unsaved``: a save was
    asked for and did not happen."""
    if now == after:
        if confirm and pending:
            return ("the router holds the new configuration under commit-confirm, which VyOS rolls back within %d "
                    "minute(s) unless confirmed; re-run to confirm" % confirm)
        if confirm and pending is None:
            return ("the router holds the new configuration in full; whether it is still under commit-confirm "
                    "(rolled back within %d minute(s) unless confirmed) could not be read; re-run to confirm"
                    % confirm)
        return "the router now holds the new configuration in full%s; re-run to confirm" % (
            " (NOT saved)" if unsaved else "")
    if now == before:
        return "the router is left as it was; re-run to converge"
    return "the router's configuration changed in another way meanwhile (another session?); re-run to converge"


def unread(reason):
    """The end of the message when the router could not be read after the error."""
    return ("the router could not be read afterwards (%s): it holds either the old or the new configuration, "
            "never a part; re-run to converge" % reason)
