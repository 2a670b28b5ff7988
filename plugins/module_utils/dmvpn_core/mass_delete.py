# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The blast-radius guard: a run that would remove a large part of a router's owned entries
is refused before anything is committed (issue 22 item 4).

Why: the design of a router is computed from the routers the run's inventory holds. An
inventory that lacks routers - a job slice of AWX (each slice job gets only its hosts), a
half-written dynamic inventory, a wrong ``-i`` - gives a hub the routes of the spokes it
sees only, and ``overridden`` deletes the others' routes. From one router alone such a run
looks like an ordinary one; its size tells it apart.

What is counted, per router, over every owned object of the change (all clouds together),
each entry by its identity, so that a change of form (a renamed tunnel, 1.4 ``map`` to 1.5
``nhs``, a 1.3 to 1.4 BGP instance) removes nothing:

* ``static routes``: each owned ``route P next-hop NH`` (prefix, next hop);
* ``BGP peers``: each neighbor and listen range of the owned BGP paths (address or prefix);
* ``NHRP entries``: each tunnel address an NHS or static map of the owned NHRP names (the
  hubs a spoke registers with, the other hubs a hub maps), on the tunnels that stay: a tunnel
  deleted whole (a cloud the router left) takes its entries with it on purpose.

A kind is refused when the change removes more than ``max(limit, share % of the entries
the router holds)`` of its routes or BGP peers, or more than ``share %`` of its NHRP entries
(a router maps only its few hubs, so no count of them is "a few": one hub of two is half the
router's hubs, and a slice that lacks a hub looks exactly like that). Defaults: limit 5,
share 25 - removing a spoke or two is normal, losing a quarter of a hub's routes is not.
Removing a hub on purpose, or switching a large DMVPN's routing mode, needs
``allow_mass_delete``. ``state: deleted`` (removing the router's own endpoint) is not
guarded: it says what it deletes; nor is ``merged``, which deletes nothing.

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DEFAULT_LIMIT = 5
DEFAULT_SHARE = 25
GUARDED_STATES = ("replaced", "overridden")

ROUTES = "static routes"
BGP_PEERS = "BGP peers"
NHRP_ENTRIES = "NHRP entries"
KINDS = (ROUTES, BGP_PEERS, NHRP_ENTRIES)
# the kinds a small count of removals always passes (NHRP entries: the share alone decides)
_COUNTED = (ROUTES, BGP_PEERS)

FIX = ("check that the run's inventory holds every router of the DMVPN (an AWX job slice, or an inventory that "
       "lost hosts, holds only some: see docs/job-slicing.md); if the removal is meant, set dmvpn_allow_mass_delete: "
       "true for this run (module option allow_mass_delete), or raise dmvpn_mass_delete_limit / "
       "dmvpn_mass_delete_share")


def _route_entries(tree, obj):
    path = obj.path  # protocols static route P next-hop NH (render.owned_objects)
    if len(path) == 6 and tree.exists(path):
        return set([(path[3], path[5])])
    return set()


def _bgp_entries(tree, obj):
    """The neighbors and listen ranges at or below the owned BGP path ``obj.path``."""
    found = set()
    for path in tree.subtree(obj.path).paths():  # (full paths)
        for index, word in enumerate(path):
            if word == "neighbor" and index + 1 < len(path):
                found.add(("neighbor", path[index + 1]))
            elif path[index:index + 2] == ("listen", "range") and index + 2 < len(path):
                found.add(("listen range", path[index + 2]))
    return found


def _nhrp_entries(tree, obj):
    """The tunnel addresses the NHS and map entries of the NHRP path ``obj.path`` name:
    opennhrp (1.2-1.4) ``map 10.0.0.1/24 ...``, FRR nhrpd (1.5) ``nhs tunnel-ip 10.0.0.1 ...``
    and ``map tunnel-ip 10.0.0.254 ...`` (render._render_nhrp)."""
    found = set()
    for word in ("map", "nhs"):
        for child in tree.children(obj.path + (word,)):
            names = tree.children(obj.path + (word, child)) if child == "tunnel-ip" else [child]
            found.update(name.split("/", 1)[0] for name in names)
    return found


_COUNTERS = {"route": (ROUTES, _route_entries), "bgp": (BGP_PEERS, _bgp_entries), "nhrp": (NHRP_ENTRIES, _nhrp_entries)}


def entries(tree, objects, tunnels=None):
    """{kind: set of entries} the owned ``objects`` hold in ``tree`` (a ConfigTree); with
    ``tunnels``, the NHRP entries of those tunnels only."""
    found = dict((kind, set()) for kind in KINDS)
    for obj in objects:
        if obj.kind == "nhrp" and tunnels is not None and obj.path[-1] not in tunnels:
            continue
        if obj.kind in _COUNTERS:
            kind, count = _COUNTERS[obj.kind]
            found[kind] |= count(tree, obj)
    return found


def settings_problems(limit=None, share=None):
    """[(option, inventory variable, message, fix)] of settings out of range (None: the default)."""
    found = []
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        found.append(("mass_delete_limit", "dmvpn_mass_delete_limit", "%r is not a count" % (limit,),
                      "give a whole number of entries, 0 or more (default %d)" % DEFAULT_LIMIT))
    if share is not None and (isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= 100):
        found.append(("mass_delete_share", "dmvpn_mass_delete_share", "%r is not a percentage" % (share,),
                      "give a whole number from 0 to 100 (default %d)" % DEFAULT_SHARE))
    return found


def checked_settings(limit=None, share=None):
    """``(limit, share)`` with the defaults for None; ValueError naming each option out of range."""
    found = settings_problems(limit, share)
    if found:
        raise ValueError("; ".join("%s (%s): %s; %s" % problem for problem in found))
    return (DEFAULT_LIMIT if limit is None else limit), (DEFAULT_SHARE if share is None else share)


def allowed(kind, held, limit, share):
    """The most entries of ``kind`` a run may remove from a router that holds ``held`` of them."""
    by_share = held * share // 100
    return max(limit, by_share) if kind in _COUNTED else by_share


def removals(have, after, objects, limit=None, share=None):
    """[{kind, removed, held, allowed, refused}] per kind the change removes entries of
    (``have``: the router's configuration, ``after``: what the change leaves)."""
    limit, share = checked_settings(limit, share)
    # A tunnel the change deletes whole (a cloud the router left, a renamed tunnel) takes its NHRP
    # entries with it on purpose (clouds_resource.py absent_tunnels): they are not counted.
    staying = set(obj.path[-1] for obj in objects if obj.kind == "tunnel" and after.exists(obj.path))
    before, left = entries(have, objects, staying), entries(after, objects)
    found = []
    for kind in KINDS:
        removed = len(before[kind] - left[kind])
        if removed:
            most = allowed(kind, len(before[kind]), limit, share)
            found.append({"kind": kind, "removed": removed, "held": len(before[kind]), "allowed": most,
                          "refused": removed > most})
    return found


def refusal(have, after, objects, state, allow=False, limit=None, share=None):
    """The message refusing the change, or None when it may go ahead: ``allow`` set, a state
    the guard leaves alone, or no kind over its limit. Every refused kind is named at once."""
    if allow or state not in GUARDED_STATES:
        return None
    limit, share = checked_settings(limit, share)
    refused = [item for item in removals(have, after, objects, limit, share) if item["refused"]]
    if not refused:
        return None
    counts = "; ".join("%d of its %d %s (at most %d may go: %s)" % (
        item["removed"], item["held"], item["kind"], item["allowed"],
        ("max(%d, %d%%)" % (limit, share)) if item["kind"] in _COUNTED else "%d%%" % share) for item in refused)
    return ("mass delete refused (nothing was committed): this run would remove %s. Fix: %s" % (counts, FIX))
