"""Unit tests of what the message says the router holds after an error during or after the
commit (dmvpn_core/after_commit.py): the decision, and the keyed digests the action plugin
decides with after a lost session."""

import pytest

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import after_commit as ac
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import parse_show_commands

OLD = parse_show_commands("set system host-name 'R1'\nset vpn ipsec site psk 'Old-Secret-1'")
NEW = parse_show_commands("set system host-name 'R1'\nset vpn ipsec site psk 'New-Secret-2'")
OTHER = parse_show_commands("set system host-name 'R2'\nset vpn ipsec site psk 'Old-Secret-1'")
KEY = "00" * 32

LEFT = "the router is left as it was; re-run to converge"
NEW_FULL = "the router now holds the new configuration in full; re-run to confirm"
NEW_UNSAVED = "the router now holds the new configuration in full (NOT saved); re-run to confirm"
UNDER_CONFIRM = ("the router holds the new configuration under commit-confirm, which VyOS rolls back within 2 "
                 "minute(s) unless confirmed; re-run to confirm")
CONFIRM_UNKNOWN = ("the router holds the new configuration in full; whether it is still under commit-confirm "
                   "(rolled back within 2 minute(s) unless confirmed) could not be read; re-run to confirm")
ELSE = "the router's configuration changed in another way meanwhile (another session?); re-run to converge"


@pytest.mark.parametrize("now, confirm, unsaved, pending, says", [
    (OLD, 0, False, True, LEFT),
    (OLD, 2, True, True, LEFT),                  # a commit-confirm never applied, or rolled back already
    (NEW, 0, False, True, NEW_FULL),
    (NEW, 0, True, True, NEW_UNSAVED),
    (NEW, 2, True, True, UNDER_CONFIRM),
    (NEW, 2, True, False, NEW_UNSAVED),          # the confirm reached the router before the session went
    (NEW, 2, False, None, CONFIRM_UNKNOWN),
    (OTHER, 0, False, True, ELSE),
    (OTHER, 2, True, None, ELSE),
], ids=["old", "old-confirm", "new", "new-unsaved", "new-under-confirm", "new-confirmed", "new-confirm-unknown",
        "other", "other-confirm"])
def test_the_message_says_what_the_router_holds(now, confirm, unsaved, pending, says):
    # the same answer from the trees (the module, its session still answering) and from their
    # digests (the action plugin, after a fresh read)
    assert ac.state_after(now, OLD, NEW, confirm, unsaved, pending) == says
    digests = [ac.digest(tree, KEY) for tree in (now, OLD, NEW)]
    assert ac.state_after(*digests, confirm=confirm, unsaved=unsaved, pending=pending) == says


def test_digests_are_equal_exactly_when_the_trees_are():
    reordered = parse_show_commands("set vpn ipsec site psk 'Old-Secret-1'\nset system host-name 'R1'")
    assert ac.digest(reordered, KEY) == ac.digest(OLD, KEY)
    assert len({ac.digest(tree, KEY) for tree in (OLD, NEW, OTHER)}) == 3
    # a path that only differs by where the words split is another configuration
    assert ac.digest(parse_show_commands("set a 'b c'"), KEY) != ac.digest(parse_show_commands("set a b 'c'"), KEY)


def test_a_digest_is_keyed_and_holds_nothing_of_the_configuration():
    plain = ac.digest(OLD, KEY)
    assert ac.is_digest(plain) and plain != ac.digest(OLD, "11" * 32)
    assert "Secret" not in plain and "R1" not in plain


@pytest.mark.parametrize("value", [None, "", "ab" * 31, "A" * 64, "********" + "a" * 56, 64])
def test_what_is_not_a_digest_is_refused(value):
    # (Ansible masks a no_log value wherever it occurs in a result: a short secret could land in a digest)
    assert not ac.is_digest(value)


def test_the_router_unread_keeps_the_old_wording():
    assert ac.unread("socket closed") == ("the router could not be read afterwards (socket closed): it holds either "
                                          "the old or the new configuration, never a part; re-run to converge")
