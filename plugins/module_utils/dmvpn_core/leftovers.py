# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What was part of this router's DMVPN, is no longer wanted, and stays on the router because
something else still uses it: the warnings of a run (issue 19 item 5).

The differ (diff.py) decides what goes; this only says what it kept, and why, so that an
operator is told instead of finding it later. Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import group_user_elsewhere
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.render import (
    KIND_BGP,
    KIND_ESP_GROUP,
    KIND_IKE_GROUP,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    BGP_NETWORKS,
    BGP_ROUTER_ID,
    syntax_for,
)

_GROUP_WORDS = {KIND_IKE_GROUP: "IKE group", KIND_ESP_GROUP: "ESP group"}


def kept_warnings(have, want, objects, version, state, bgp_wanted):
    """The warnings for ``state`` (only overridden and deleted remove what is no longer
    wanted): each IKE/ESP group of the DMVPN kept because something outside the profiles this
    run owns names it, and each BGP instance whose DMVPN peers go while other peers keep it
    (its router id and network statements stay with it: those peers may need them, and a new
    router id would reset their sessions). ``bgp_wanted``: the endpoint still runs BGP."""
    if state not in ("overridden", "deleted"):
        return []
    warnings = []
    for obj in objects:
        if obj.kind in _GROUP_WORDS and have.exists(obj.path) and not want.exists(obj.path):
            user = group_user_elsewhere(have, want, objects, obj)
            if user is not None:
                warnings.append("%s %s is no longer this DMVPN's but stays: '%s' still uses it"
                                % (_GROUP_WORDS[obj.kind], obj.path[-1], " ".join(user)))
    if not bgp_wanted or state == "deleted":
        warnings += _kept_bgp_instances(have, objects, version)
    return warnings


def _kept_bgp_instances(have, objects, version):
    owned = [obj.path for obj in objects if obj.kind == KIND_BGP]
    warnings = []
    for asn, base in syntax_for(version).bgp_instances(have):
        if base in owned or not any(path[:len(base)] == base and len(path) > len(base) for path in owned):
            continue  # the whole instance goes, or none of its peers was the DMVPN's
        others = [address for address in have.children(base + ("neighbor",))
                  if base + ("neighbor", address) not in owned]
        others += ["listen range %s" % prefix for prefix in have.children(base + ("listen", "range"))
                   if base + ("listen", "range", prefix) not in owned]
        kept = ["router-id %s" % value for value in have.values(base + BGP_ROUTER_ID)]
        kept += ["network %s" % prefix for prefix in have.children(base + BGP_NETWORKS)]
        if kept:
            warnings.append("BGP AS %s keeps %s: the DMVPN's peers are removed, but it still has other peers (%s), "
                            "which may need them; remove them by hand if not" % (asn, ", ".join(kept), ", ".join(others)))
    return warnings
