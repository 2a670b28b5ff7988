# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The minimal, ordered ``delete``/``set`` commands that turn ``have`` into ``want``.

Pure Python, no Ansible imports. Only the subtrees the endpoint owns
(:func:`render.owned_objects`) are ever touched. States:

* ``merged``: add what is missing; never delete (a single value that differs is simply
  ``set``, VyOS replaces it).
* ``replaced``: every owned object present in ``want`` is made exactly equal to it.
* ``overridden``: ``replaced`` plus deleting owned objects that are not in ``want``.
* ``deleted``: delete the endpoint's owned objects (groups and the IPsec interface entry
  only when nothing else still uses them).

Deletes come first, users before what they use (routes, NHRP, profile, IPsec interface,
groups, tunnel); then sets, referenced things first (tunnel, IPsec interface, groups,
profile, NHRP, routes).

Masking secrets is ``masking.py``; cutting lines into batches for the router is ``batching.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import (
    ConfigTree,
    render_line,
    sendable,
    tokenize,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import (
    KIND_BGP,
    KIND_ESP_GROUP,
    KIND_IKE_GROUP,
    KIND_IPSEC_INTERFACE,
    KIND_NHRP,
    KIND_PROFILE,
    KIND_ROUTE,
    KIND_TUNNEL,
    owned_objects,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render_firewall import (
    DELETE_RANK as FW_DELETE_RANK,
    KIND_FW_ATTACH,
    KIND_FW_GROUP,
    KIND_FW_RULES,
    SET_RANK as FW_SET_RANK,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

STATES = ("merged", "replaced", "overridden", "deleted")

KIND_OTHER = "other"
_DELETE_RANK = {
    KIND_BGP: 0, KIND_ROUTE: 1, KIND_NHRP: 2, KIND_PROFILE: 3, KIND_IPSEC_INTERFACE: 4,
    KIND_ESP_GROUP: 5, KIND_IKE_GROUP: 6, KIND_TUNNEL: 7, KIND_OTHER: 8,
}
_SET_RANK = {
    KIND_TUNNEL: 0, KIND_IPSEC_INTERFACE: 1, KIND_IKE_GROUP: 2, KIND_ESP_GROUP: 3,
    KIND_PROFILE: 4, KIND_NHRP: 5, KIND_ROUTE: 6, KIND_BGP: 7, KIND_OTHER: 8,
}
_GROUP_REFERENCE_WORDS = {
    KIND_IKE_GROUP: ("ike-group",),
    KIND_ESP_GROUP: ("esp-group", "default-esp-group"),
}
_DELETE_RANK.update(FW_DELETE_RANK)
_SET_RANK.update(FW_SET_RANK)
_IPSEC_USERS = (
    ("vpn", "ipsec", "profile"),
    ("vpn", "ipsec", "site-to-site"),
    ("vpn", "ipsec", "remote-access"),
    ("vpn", "l2tp"),
)


def owned_lines(tree, objects):
    """The ``show configuration commands`` lines of ``tree`` below the owned objects (not
    masked: for :func:`masking.masked_diff`)."""
    sub = ConfigTree()
    for obj in objects:
        sub.merge(tree.subtree(obj.path))
    return sub.to_show_commands()


class _Plan:
    """Collects deletes and sets with their rank; renders them in order, once each."""

    def __init__(self):
        self.deletes = []
        self.sets = []

    def delete(self, kind, path, is_value=False):
        self.deletes.append((_DELETE_RANK[kind], len(self.deletes), tuple(path), is_value))

    def set(self, kind, path, is_value):
        self.sets.append((_SET_RANK[kind], len(self.sets), tuple(path), is_value))

    def commands(self):
        lines = []
        deleted = []
        for dummy_rank, dummy_seq, path, is_value in sorted(self.deletes):
            if any(path[:len(done)] == done for done in deleted):
                continue
            deleted.append(path)
            lines.append(render_line("delete", path, is_value))
        seen = set()
        for dummy_rank, dummy_seq, path, is_value in sorted(self.sets):
            if path in seen:
                continue
            seen.add(path)
            lines.append(render_line("set", path, is_value))
        return lines


def _is_value(tree, path):
    return bool(path) and path[-1] in tree.values(path[:-1])


def _replaced_by_set(want, parent, syntax):
    """True when ``want`` sets a single-value leaf at ``parent`` (VyOS replaces the old)."""
    if syntax.is_multi_value(parent):
        return False
    values = want.values(parent)
    return bool(values) and values == want.children(parent)


def _stale(have, want, root, syntax):
    """Highest have-nodes below ``root`` (present in both) that ``want`` does not hold."""
    found = []

    def visit(path):
        for child in have.children(path):
            child_path = path + (child,)
            if want.exists(child_path):
                visit(child_path)
            elif not _replaced_by_set(want, path, syntax):
                found.append((child_path, _is_value(have, child_path)))

    visit(tuple(root))
    return found


def _missing(have, want, root):
    """Leaves of ``want`` below ``root`` that ``have`` lacks."""
    return [(path, is_value) for path, is_value in want.subtree(root).leaves()
            if not have.exists(path)]


def _delete_routes(plan, have, want, paths):
    """Delete stale ``route P next-hop NH`` entries; the whole route when nothing remains."""
    by_route = {}
    for path in paths:
        by_route.setdefault(path[:4], []).append(path)
    for route, entries in by_route.items():
        doomed = set(path[-1] for path in entries)
        remaining = [child for child in have.children(route) if child != "next-hop"]
        remaining += [hop for hop in have.children(route + ("next-hop",)) if hop not in doomed]
        if not remaining and not want.exists(route):
            plan.delete(KIND_ROUTE, route)
        else:
            for path in entries:
                plan.delete(KIND_ROUTE, path)


def group_user(tree, kind, name):
    """The path words of the first thing in ``tree`` that names IKE/ESP group ``name`` (up to
    the ``ike-group``/``esp-group`` word), or None."""
    words = _GROUP_REFERENCE_WORDS[kind]
    for path in tree.paths():
        if path[:2] != ("vpn", "ipsec") or path[2:3] in (("ike-group",), ("esp-group",)):
            continue
        for index, word in enumerate(path[:-1]):
            if word in words and path[index + 1] == name:
                return path[:index + 1]
    return None


def _group_in_use(tree, kind, name):
    return group_user(tree, kind, name) is not None


def group_user_elsewhere(have, want, objects, group):
    """The path words of something that uses IKE/ESP ``group`` (an OwnedObject) and stays:
    the wanted configuration, or anything on the router outside the profiles this run owns;
    None when nothing does (the differ deletes a stale group then, leftovers.py warns else)."""
    user = group_user(want, group.kind, group.path[-1])
    if user is not None:
        return user
    rest = have.copy()
    for obj in objects:
        if obj.kind == KIND_PROFILE:
            rest.delete(obj.path)
    return group_user(rest, group.kind, group.path[-1])


def _plan_deleted(plan, have, objects):
    after = have.copy()
    routes = []
    for obj in objects:
        if obj.kind in (KIND_TUNNEL, KIND_NHRP, KIND_PROFILE, KIND_ROUTE, KIND_BGP) and have.exists(obj.path):
            after.delete(obj.path)
            if obj.kind == KIND_ROUTE:
                routes.append(obj.path)
            else:
                plan.delete(obj.kind, obj.path)
    _delete_routes(plan, have, ConfigTree(), routes)
    for obj in objects:
        if obj.kind in (KIND_IKE_GROUP, KIND_ESP_GROUP) and have.exists(obj.path):
            if not _group_in_use(after, obj.kind, obj.path[-1]):
                plan.delete(obj.kind, obj.path)
    for obj in objects:
        if obj.kind in (KIND_FW_ATTACH, KIND_FW_RULES, KIND_FW_GROUP) and have.exists(obj.path):
            plan.delete(obj.kind, obj.path)
    for obj in objects:
        if obj.kind == KIND_IPSEC_INTERFACE and have.exists(obj.path):
            if not any(after.children(users) for users in _IPSEC_USERS):
                plan.delete(obj.kind, obj.path, _is_value(have, obj.path))


def _has_remote(have, syntax, name):
    return have.exists(syntax.tunnel_path(name) + (syntax.tunnel_remote_leaf,))


def compute_commands(have, want, endpoint, version, state):
    """The ordered CLI lines (``delete ...`` then ``set ...``) for ``state``.

    ``have`` is the router's configuration, ``want`` the rendered endpoint
    (:func:`render.render_endpoint`), both ConfigTrees. Values are quoted; an empty list
    means nothing to do.
    """
    if not isinstance(have, ConfigTree) or not isinstance(want, ConfigTree):
        raise TypeError("have and want must be ConfigTree objects")
    return plan_commands(have, want, owned_objects(endpoint, version, have), version, state)


def plan_commands(have, want, objects, version, state):
    """The ordered CLI lines that make the ``objects`` (OwnedObjects) of ``have`` match
    ``want`` for ``state``; nothing outside ``objects`` is deleted. The engine under
    :func:`compute_commands` and the per-resource modules (tunnel, NHRP, IPsec)."""
    if state not in STATES:
        raise ValueError("unknown state %r; use one of %s" % (state, ", ".join(STATES)))
    if not isinstance(have, ConfigTree) or not isinstance(want, ConfigTree):
        raise TypeError("have and want must be ConfigTree objects")
    syntax = syntax_for(version)
    plan = _Plan()
    if state == "deleted":
        _plan_deleted(plan, have, objects)
        return plan.commands()

    have = have.copy()
    for name in [obj.path[-1] for obj in objects if obj.kind == KIND_TUNNEL and want.exists(obj.path)]:
        if _has_remote(have, syntax, name):
            # A tunnel that ever had a remote end is not multipoint: delete and re-create it
            # (and its NHRP entry, which would otherwise block the delete) in one commit.
            for kind, path in ((KIND_NHRP, syntax.nhrp_path(name)),
                               (KIND_TUNNEL, syntax.tunnel_path(name))):
                if have.exists(path):
                    plan.delete(kind, path)
                    have.delete(path)

    stale_routes = []
    for obj in objects:
        in_want, in_have = want.exists(obj.path), have.exists(obj.path)
        if in_want:
            if in_have and state in ("replaced", "overridden"):
                for path, is_value in _stale(have, want, obj.path, syntax):
                    if is_value and not sendable(path[-1]):
                        # A value no CLI line can carry (a line break or an invisible
                        # character someone set by hand): delete the whole leaf by its
                        # name, and set again what of it is wanted.
                        plan.delete(obj.kind, path[:-1])
                        for value in want.values(path[:-1]):
                            plan.set(obj.kind, path[:-1] + (value,), True)
                    else:
                        plan.delete(obj.kind, path, is_value)
            for path, is_value in _missing(have, want, obj.path):
                plan.set(obj.kind, path, is_value)
        elif in_have and state == "overridden":
            if obj.kind == KIND_ROUTE:
                stale_routes.append(obj.path)
            elif obj.kind in (KIND_IKE_GROUP, KIND_ESP_GROUP) and group_user_elsewhere(have, want, objects, obj) is not None:
                continue  # a previous group something else (another profile, a peer) still uses
            else:
                plan.delete(obj.kind, obj.path)
    _delete_routes(plan, have, want, stale_routes)

    # Anything in want outside the owned objects (callers adding extra leaves) is only added.
    for path, is_value in want.leaves():
        if not any(path[:len(obj.path)] == obj.path for obj in objects) and not have.exists(path):
            plan.set(KIND_OTHER, path, is_value)
    return plan.commands()


def apply_commands(tree, lines, version):
    """A copy of ``tree`` with ``set``/``delete`` lines applied (what the router will hold
    after a commit of exactly these lines): used for check mode and the ``after`` state.
    As on VyOS, setting a single-value leaf replaces its value."""
    syntax = syntax_for(version)
    result = tree.copy()
    for line in lines:
        tokens = tokenize(line)
        verb, words = tokens[0].text, [token.text for token in tokens[1:]]
        if verb == "delete":
            result.delete(words)
        elif verb == "set":
            if tokens[-1].quoted and len(words) > 1:
                parent = tuple(words[:-1])
                if not syntax.is_multi_value(parent):
                    for old in result.values(parent):
                        result.delete(parent + (old,))
                result.set(words[:-1], words[-1])
            else:
                result.set(words)
        else:
            raise ValueError("not a set or delete line: %r" % line)
    return result


def lines_not_applied(now, lines, after):
    """The ``set``/``delete`` lines of a commit whose path does not hold, in ``now`` (the
    router read after the commit), what ``after`` (:func:`apply_commands` of them) holds."""
    def path(line):  # (the words after set/delete)
        return tuple(token.text for token in tokenize(line)[1:])

    return [line for line in lines if now.subtree(path(line)) != after.subtree(path(line))]


def plan_summary(have, after, objects):
    """What a change does to the owned ``objects``, for a plan a person reviews before it is
    applied (check mode): the objects it adds and removes, and the leaves it removes from an
    object that stays without setting another value in their place (on the router, not in the
    inventory: added by hand, or left by an earlier inventory). A value replaced by another (a
    rotated secret, a new address) is a change, not a leaf that goes; the commands say it.
    Objects are ``"kind: path"``; leaves are ``set`` lines as the router shows them, not
    masked (the caller masks them)."""
    added, removed, leaves = [], [], []
    for obj in objects:
        label = "%s: %s" % (obj.kind, " ".join(obj.path))
        in_have, in_after = have.exists(obj.path), after.exists(obj.path)
        if in_after and not in_have and label not in added:
            added.append(label)
        elif in_have and not in_after and label not in removed:
            removed.append(label)
        elif in_have and in_after:
            for path, is_value in have.subtree(obj.path).leaves():
                parent = path[:-1] if is_value else path
                if after.exists(path) or (is_value and after.values(parent)):
                    continue
                line = render_line("set", path, is_value)
                if line not in leaves:
                    leaves.append(line)
    return {"objects_added": added, "objects_removed": removed, "leaves_removed": leaves}
