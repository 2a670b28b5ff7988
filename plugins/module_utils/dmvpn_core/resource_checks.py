# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource checks: the ``config`` of the per-part modules (tunnel, nhrp, ipsec) checked and
normalised, every problem named by its field in ``config``; and what ``state: deleted``
takes (names only).

Pure Python, no Ansible imports. Each entry is checked by the endpoint model's own section
checks (``model.py``, ``model_ipsec.py``), so a value is refused the same way by every
module; the resources (``resources.py``) call these functions.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import (
    Checker,
    ModelError,
    Problem,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_ipsec import check_ipsec
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.name_patterns import (
    GROUP_NAME_RE,
    INTERFACE_NAME_RE,
    TUNNEL_NAME_RE,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for

# The keys the nhrp and ipsec modules take in config (and in each IPsec profile).
NHRP_KEYS = md._KEYS["nhrp"] + ("tunnel", "tunnel_address")
IPSEC_KEYS = ("interface", "ike_group", "esp_group", "profile")
IPSEC_PROFILE_KEYS = ("name", "authentication", "bind_tunnel", "esp_group", "ike_group")


def _renamed(problems, old, new):
    """Problems with the field prefix ``old`` replaced by ``new``."""
    out = []
    for problem in problems:
        field = problem.field
        if field == old or field.startswith(old + "."):
            field = new + field[len(old):]
        out.append(Problem(field, problem.message, problem.fix))
    return out


def _list(check, value, field="config"):
    if value is None:
        check.add(field, "is required", "give a list of %s entries" % field)
        return []
    return check.sequence(value, field)


def _duplicates(check, items, key, field="config"):
    seen = set()
    for index, item in enumerate(items):
        name = item.get(key) if isinstance(item, dict) else None
        if name is None:
            continue
        if name in seen:
            check.add("%s[%d].%s" % (field, index, key), "%s is listed twice" % name, "list each once")
        seen.add(name)


def checked_version(version):
    version, problem = md._check_version(version)
    if problem is not None:
        raise ModelError([problem])
    return version


def names_only(config, key):
    """``state: deleted`` needs only the name of the tunnel: ``{tunnel: {name: tun0}}``."""
    name = None
    if isinstance(config, dict):
        section = config.get(key)
        name = section.get("name") if isinstance(section, dict) else None
    if not isinstance(name, str) or not TUNNEL_NAME_RE.match(name):
        raise ModelError([Problem("config.tunnel.name", "is required to delete an endpoint",
                                  "give config: {tunnel: {name: tun0}}")])
    return {"name": name}


def named_items(config, key):
    """``state: deleted`` takes a list of items of which only ``key`` matters."""
    items = []
    for index, item in enumerate(config or []):
        name = item.get(key) if isinstance(item, dict) else None
        if not isinstance(name, str) or not name:
            raise ModelError([Problem("config[%d].%s" % (index, key), "is required to delete",
                                      "name what to delete")])
        items.append({key: name})
    return items


def validate_tunnels(config, version, have=None, state="merged"):
    """The tunnel module's ``config`` (a list of tunnels), checked and normalised."""
    if state == "deleted":
        return named_items(config, "name")
    version = checked_version(version)
    check = Checker(syntax_for(version))
    items = _list(check, config)
    result = []
    for index, item in enumerate(items):
        sub = Checker(check.syntax)
        tunnel, dummy = md._tunnel(sub, item)
        if tunnel is not None and tunnel.get("source_address") is not None:
            # a tunnel from 0.0.0.0 names its WAN interface itself here (no IPsec section)
            md._check_any_source(sub, ipaddress.IPv4Address(tunnel["source_address"]), tunnel, None)
        check.problems += _renamed(sub.problems, "tunnel", "config[%d]" % index)
        if tunnel is not None:
            result.append(tunnel)
    _duplicates(check, items, "name")
    if check.problems:
        raise ModelError(check.problems)
    return result


def validate_nhrp(config, version, have=None, state="merged"):
    """The nhrp module's ``config`` (NHRP per tunnel), checked and normalised; an entry without
    ``tunnel_address`` takes the tunnel's address from ``have``."""
    if state == "deleted":
        return named_items(config, "tunnel")
    version = checked_version(version)
    syntax = syntax_for(version)
    check = Checker(syntax)
    items = _list(check, config)
    result = []
    for index, item in enumerate(items):
        field = "config[%d]" % index
        if not isinstance(item, dict):
            check.add(field, "must be a mapping", "give tunnel, role and the NHRP settings")
            continue
        unknown = [k for k in item if k not in NHRP_KEYS]
        for key in unknown:
            check.add("%s.%s" % (field, key), "is not a known option", "use one of %s" % ", ".join(NHRP_KEYS))
        name = check.word(item.get("tunnel"), field + ".tunnel", TUNNEL_NAME_RE,
                          "a tunnel interface name such as tun0")
        address = item.get("tunnel_address")
        if address is None and name is not None and have is not None:
            address = next((a for a in have.values(syntax.tunnel_path(name) + ("address",))
                            if ":" not in a), None)
        iface, prefixlen = None, None
        sub = Checker(syntax)
        if address is None:
            check.add(field + ".tunnel_address", "the tunnel %s has no address on the router" % name,
                      "configure the tunnel first (dmvpn.vyos.tunnel), or give tunnel_address "
                      "(the tunnel's address with the DMVPN prefix, e.g. 10.0.0.2/24)")
        elif str(address).endswith("/32") and syntax.is_frr_nhrp:
            prefixlen = 32  # FRR NHRP tunnels carry host addresses: no subnet to check against
        else:
            iface = md._tunnel_interface(sub, str(address))
            prefixlen = iface.network.prefixlen if iface is not None else None
        nhrp = md._nhrp(sub, {k: v for k, v in item.items() if k in md._KEYS["nhrp"]}, iface, None)
        check.problems += _renamed(_renamed(sub.problems, "nhrp", field), "tunnel", field + ".tunnel")
        if nhrp is not None and name is not None and prefixlen is not None:
            nhrp["tunnel"] = name
            nhrp["prefix_length"] = prefixlen
            result.append(nhrp)
    _duplicates(check, items, "tunnel")
    if check.problems:
        raise ModelError(check.problems)
    return result


def validate_ipsec(config, version, have=None, state="merged"):
    """The ipsec module's ``config`` (interfaces, groups, profiles), checked and normalised; a
    profile may name a group that only ``have`` holds."""
    if state == "deleted":
        config = config or {}
        return {"interface": list(config.get("interface") or []),
                "ike_group": named_items(config.get("ike_group"), "name"),
                "esp_group": named_items(config.get("esp_group"), "name"),
                "profile": named_items(config.get("profile"), "name")}
    version = checked_version(version)
    syntax = syntax_for(version)
    check = Checker(syntax)
    if not isinstance(config, dict):
        raise ModelError([Problem("config", "must be a mapping",
                                  "give interface, ike_group, esp_group and profile")])
    for key in config:
        if key not in IPSEC_KEYS:
            check.add("config." + key, "is not a known option", "use one of %s" % ", ".join(IPSEC_KEYS))
    result = {"interface": [], "ike_group": [], "esp_group": [], "profile": []}
    for index, name in enumerate(check.sequence(config.get("interface"), "config.interface")):
        value = check.word(name, "config.interface[%d]" % index, INTERFACE_NAME_RE,
                           "an interface name such as eth0")
        if value is not None:
            result["interface"].append(value)
    for kind in ("ike_group", "esp_group"):
        groups = check.sequence(config.get(kind), "config." + kind)
        for index, group in enumerate(groups):
            sub = Checker(syntax)
            field = "config.%s[%d]" % (kind, index)
            endpoint_form = {"interface": "eth0", kind: group}
            parsed = check_ipsec(sub, endpoint_form)
            check.problems += [p for p in _renamed(sub.problems, "ipsec." + kind, field)
                               if p.field.startswith(field)]
            if parsed and parsed.get(kind):
                result[kind].append(parsed[kind])
        _duplicates(check, groups, "name", "config." + kind)
    names = {kind: [g.get("name") for g in check.sequence(config.get(kind), "config." + kind)
                    if isinstance(g, dict)] for kind in ("ike_group", "esp_group")}
    profiles = check.sequence(config.get("profile"), "config.profile")
    for index, profile in enumerate(profiles):
        field = "config.profile[%d]" % index
        if not isinstance(profile, dict):
            check.add(field, "must be a mapping", "give name, authentication, bind_tunnel and the groups")
            continue
        for key in profile:
            if key not in IPSEC_PROFILE_KEYS:
                check.add("%s.%s" % (field, key), "is not a known option",
                          "use one of %s" % ", ".join(IPSEC_PROFILE_KEYS))
        sub = Checker(syntax)
        auth = profile.get("authentication") or {}
        parsed = check_ipsec(sub, {"interface": "eth0", "profile": {
            "name": profile.get("name"),
            "pre_shared_secret": auth.get("pre_shared_secret") if isinstance(auth, dict) else None}})
        check.problems += [p for p in _renamed(sub.problems, "ipsec.profile", field) if p.field.startswith(field)]
        if isinstance(auth, dict) and auth.get("mode") not in (None, "pre-shared-secret"):
            check.add(field + ".authentication.mode", "%r is not supported" % auth.get("mode"),
                      "use pre-shared-secret")
        item = dict(parsed["profile"]) if parsed and parsed.get("profile") else None
        tunnels = []
        for tindex, tunnel in enumerate(check.sequence(profile.get("bind_tunnel"), field + ".bind_tunnel")):
            value = check.word(tunnel, "%s.bind_tunnel[%d]" % (field, tindex), TUNNEL_NAME_RE,
                               "a tunnel interface name such as tun0")
            if value is not None:
                tunnels.append(value)
        for kind in ("ike_group", "esp_group"):
            ref = check.word(profile.get(kind), "%s.%s" % (field, kind), GROUP_NAME_RE,
                             "the name of an %s" % kind.replace("_", "-"))
            if ref is not None and ref not in names[kind] and (
                    have is None or not have.exists(("vpn", "ipsec", kind.replace("_", "-"), ref))):
                check.add("%s.%s" % (field, kind), "%s %r is neither in config nor on the router"
                          % (kind.replace("_", "-"), ref), "add it to config.%s" % kind)
            if item is not None:
                item[kind] = ref
        if item is not None:
            item["bind_tunnel"] = tunnels
            result["profile"].append(item)
    _duplicates(check, profiles, "name", "config.profile")
    if check.problems:
        raise ModelError(check.problems)
    return result
