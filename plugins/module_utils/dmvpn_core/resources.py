# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resources the modules manage, each with the same five operations.

Pure Python, no Ansible imports. A resource knows how to

* ``validate(config, version, have)``: check the module's ``config`` and return it normalised,
  or raise :class:`model.ModelError` naming every bad field;
* ``render(config, version)``: the :class:`ConfigTree` it wants on the router;
* ``objects(config, version, have, state)``: the subtrees it owns (only these are ever deleted);
* ``gather(tree, version)``: the structured configuration found in a tree (secrets included:
  callers mask them);
* ``secrets(config)``: the secret strings in ``config`` (for masking free text).

Resources: :data:`DMVPN` (one whole endpoint: tunnel + NHRP + IPsec + owned routes),
:data:`TUNNEL`, :data:`NHRP` and :data:`IPSEC` (one part each, several instances).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import (
    BGP_NETWORKS,
    BGP_NEXT_HOP_UNCHANGED,
    BGP_ROUTER_ID,
    BGP_RR_CLIENT,
    syntax_for,
)


def _first(tree, path):
    values = tree.values(path)
    return values[0] if values else None


def _int(value):
    return int(value) if value is not None and value.isdigit() else value


def _renamed(problems, old, new):
    """Problems with the field prefix ``old`` replaced by ``new``."""
    out = []
    for problem in problems:
        field = problem.field
        if field == old or field.startswith(old + "."):
            field = new + field[len(old):]
        out.append(md.Problem(field, problem.message, problem.fix))
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


# ------------------------------------------------------------------------------------------
# gathering (tree -> structured)
# ------------------------------------------------------------------------------------------


def gather_tunnel(tree, version, name):
    syntax = syntax_for(version)
    base = syntax.tunnel_path(name)
    if not tree.exists(base):
        return None
    addresses = [a for a in tree.values(base + ("address",)) if ":" not in a]
    source_interface = None
    if syntax.any_source_tunnel_leaf is not None:
        source_interface = _first(tree, base + (syntax.any_source_tunnel_leaf,))
    any_source = "0.0.0.0" if source_interface else None
    if syntax.multicast_value is None:
        multicast = tree.exists(base + syntax.multicast_words)
    else:
        multicast = _first(tree, base + syntax.multicast_words) == syntax.multicast_value
    return {
        "name": name,
        "address": addresses[0] if addresses else None,
        "source_address": _first(tree, base + (syntax.tunnel_local_leaf,)) or any_source,
        "source_interface": source_interface,
        "key": _int(_first(tree, base + ("parameters", "ip", "key"))),
        "description": _first(tree, base + ("description",)),
        "mtu": _int(_first(tree, base + ("mtu",))),
        "multicast": multicast,
    }


def is_multipoint_gre(tree, version, name):
    """A DMVPN-style tunnel: GRE encapsulation and no remote end."""
    syntax = syntax_for(version)
    base = syntax.tunnel_path(name)
    return _first(tree, base + ("encapsulation",)) == "gre" and \
        not tree.exists(base + (syntax.tunnel_remote_leaf,))


def gather_nhrp(tree, version, name):
    syntax = syntax_for(version)
    base = syntax.nhrp_path(name)
    if not tree.exists(base):
        return None
    nhs = []
    if syntax.is_frr_nhrp:
        for tunnel_ip in tree.children(base + ("nhs", "tunnel-ip")):
            for nbma in tree.values(base + ("nhs", "tunnel-ip", tunnel_ip, "nbma")):
                nhs.append({"tunnel_ip": tunnel_ip, "nbma": nbma})
    else:
        for prefix in tree.children(base + ("map",)):
            if tree.exists(base + ("map", prefix, "register")):
                nhs.append({"tunnel_ip": prefix.split("/")[0],
                            "nbma": _first(tree, base + ("map", prefix, "nbma-address"))})
    network_id = None
    if syntax.has_network_id:
        network_id = _int(_first(tree, base + (syntax.nhrp_network_id_leaf,)))
    return {
        "tunnel": name,
        "role": "spoke" if nhs else "hub",
        "authentication": _first(tree, base + (syntax.nhrp_auth_leaf,)),
        "holding_time": _int(_first(tree, base + (syntax.nhrp_holdtime_leaf,))),
        "network_id": network_id,
        "redirect": tree.exists(base + ("redirect",)),
        "shortcut": tree.exists(base + ("shortcut",)),
        "nhs": nhs,
    }


def _gather_group(tree, path, ike):
    if not tree.exists(path):
        return None
    proposals = []
    for pid in sorted(tree.children(path + ("proposal",)), key=lambda p: int(p) if p.isdigit() else 0):
        entry = {"proposal_id": _int(pid),
                 "encryption": _first(tree, path + ("proposal", pid, "encryption")),
                 "hash": _first(tree, path + ("proposal", pid, "hash"))}
        if ike:
            entry["dh_group"] = _first(tree, path + ("proposal", pid, "dh-group"))
        proposals.append(entry)
    group = {"name": path[-1], "lifetime": _int(_first(tree, path + ("lifetime",))), "proposal": proposals}
    if ike:
        group["key_exchange"] = _first(tree, path + ("key-exchange",))
    else:
        group["mode"] = _first(tree, path + ("mode",))
        group["pfs"] = _first(tree, path + ("pfs",))
    return group


def _bound_tunnels(tree, profile):
    return tree.children(("vpn", "ipsec", "profile", profile, "bind", "tunnel"))


def gather_ipsec(tree, version):
    """The IPsec resource: interfaces, groups and profiles (vyos_vpn_ipsec naming)."""
    syntax = syntax_for(version)
    ike_groups = [_gather_group(tree, syntax.ike_group_path(n), True)
                  for n in tree.children(("vpn", "ipsec", "ike-group"))]
    esp_groups = [_gather_group(tree, syntax.esp_group_path(n), False)
                  for n in tree.children(("vpn", "ipsec", "esp-group"))]
    profiles = []
    for name in tree.children(("vpn", "ipsec", "profile")):
        base = syntax.profile_path(name)
        profiles.append({
            "name": name,
            "authentication": {"mode": _first(tree, base + ("authentication", "mode")),
                               "pre_shared_secret": _first(tree, base + ("authentication", "pre-shared-secret"))},
            "bind_tunnel": _bound_tunnels(tree, name),
            "esp_group": _first(tree, base + ("esp-group",)),
            "ike_group": _first(tree, base + ("ike-group",)),
        })
    return {"interface": tree.values(syntax.ipsec_interface_path), "ike_group": ike_groups,
            "esp_group": esp_groups, "profile": profiles}


def gather_endpoint(tree, version, name):
    """The DMVPN endpoint of tunnel ``name`` found in ``tree`` (None when there is none)."""
    syntax = syntax_for(version)
    tunnel = gather_tunnel(tree, version, name)
    if tunnel is None:
        return None
    nhrp = gather_nhrp(tree, version, name)
    if nhrp is not None:
        del nhrp["tunnel"]
    ipsec = None
    for profile in tree.children(("vpn", "ipsec", "profile")):
        if name in _bound_tunnels(tree, profile):
            base = syntax.profile_path(profile)
            ike = _first(tree, base + ("ike-group",))
            esp = _first(tree, base + ("esp-group",))
            ifaces = tree.values(syntax.ipsec_interface_path)
            ipsec = {
                "interface": ifaces[0] if ifaces else None,
                "ike_group": _gather_group(tree, syntax.ike_group_path(ike), True) if ike else None,
                "esp_group": _gather_group(tree, syntax.esp_group_path(esp), False) if esp else None,
                "profile": {"name": profile,
                            "pre_shared_secret": _first(tree, base + ("authentication", "pre-shared-secret"))},
            }
            break
    routes = []
    networks = []
    for address in tree.values(syntax.tunnel_path(name) + ("address",)):
        try:
            network = ipaddress.IPv4Interface(address).network
        except ValueError:
            continue
        networks.append(network)
    for prefix in tree.children(("protocols", "static", "route")):
        for hop in tree.children(("protocols", "static", "route", prefix, "next-hop")):
            try:
                inside = any(ipaddress.IPv4Address(hop) in net for net in networks if net.prefixlen < 32)
            except ValueError:
                inside = False
            if inside:
                routes.append({"prefix": prefix, "next_hop": hop, "distance": _int(_first(
                    tree, ("protocols", "static", "route", prefix, "next-hop", hop, "distance")))})
    return {"tunnel": tunnel, "nhrp": nhrp, "ipsec": ipsec, "static_routes": routes,
            "bgp": gather_bgp(tree, version, networks)}


def gather_bgp(tree, version, networks):
    """The DMVPN's BGP found in ``tree``: the instance, and its peers inside the tunnel
    subnet(s) ``networks`` (neighbors, listen ranges and their peer group); None without them."""
    syntax = syntax_for(version)
    inside = [net for net in networks if net.prefixlen < 32]
    for asn, base in syntax.bgp_instances(tree):
        ranges = [p for p in tree.children(base + ("listen", "range"))
                  if any(ipaddress.IPv4Network(p).subnet_of(net) for net in inside)]
        neighbors = [a for a in tree.children(base + ("neighbor",))
                     if any(ipaddress.IPv4Address(a) in net for net in inside)]
        if not ranges and not neighbors:
            continue
        groups = [_first(tree, base + ("listen", "range", p, "peer-group")) for p in ranges]
        groups += [_first(tree, base + ("neighbor", a, "peer-group")) for a in neighbors]
        group = next((g for g in groups if g), None)
        peer_group = None
        if group is not None:
            gbase = base + ("peer-group", group)
            peer_group = {"name": group, "remote_as": _first(tree, gbase + ("remote-as",)),
                          "route_reflector_client": tree.exists(gbase + BGP_RR_CLIENT),
                          "next_hop_unchanged": tree.exists(gbase + BGP_NEXT_HOP_UNCHANGED)}
        timers = [base + ("neighbor", a, "timers") for a in neighbors]
        return {"asn": _int(asn), "router_id": _first(tree, base + BGP_ROUTER_ID), "peer_group": peer_group,
                "listen_ranges": ranges,
                "neighbors": [{"address": a, "remote_as": _first(tree, base + ("neighbor", a, "remote-as"))}
                              for a in neighbors],
                "networks": tree.children(base + BGP_NETWORKS),
                "keepalive": _int(next((_first(tree, t + ("keepalive",)) for t in timers), None)),
                "holdtime": _int(next((_first(tree, t + ("holdtime",)) for t in timers), None))}
    return None


# ------------------------------------------------------------------------------------------
# the resources
# ------------------------------------------------------------------------------------------


class _Resource:
    """What every resource shares: by default its input is checked without the router."""

    def validates_with_router(self, config, state):
        """True when checking ``config`` needs the router's configuration (``have``)."""
        return False


class DmvpnResource(_Resource):
    """One DMVPN endpoint: tunnel, NHRP, IPsec and the static routes it owns."""

    name = "dmvpn"

    def validate(self, config, version, have=None, state="merged"):
        if state == "deleted":
            return _names_only(config, "tunnel")
        return md.validate_endpoint(config, version)

    def render(self, config, version):
        return rd.render_endpoint(config, version)

    def objects(self, config, version, have, state):
        if state == "deleted":
            # what the tunnel has on the router: delete all of it that is ours
            return _live_endpoint_objects(have, version, config["name"])
        return rd.owned_objects(config, version, have)

    def gather(self, tree, version, config=None):
        name = None
        if isinstance(config, dict):
            name = config.get("name") or (config.get("tunnel") or {}).get("name")
        names = [name] if name else [n for n in tree.children(("interfaces", "tunnel"))
                                     if tree.exists(syntax_for(version).nhrp_path(n))]
        endpoints = [gather_endpoint(tree, version, n) for n in names]
        endpoints = [e for e in endpoints if e is not None]
        if name:
            return endpoints[0] if endpoints else {}
        return endpoints

    def secrets(self, config):
        return md.endpoint_secrets(config)


def _checked_version(version):
    version, problem = md._check_version(version)
    if problem is not None:
        raise md.ModelError([problem])
    return version


def _names_only(config, key):
    """``state: deleted`` needs only the name of the tunnel: ``{tunnel: {name: tun0}}``."""
    name = None
    if isinstance(config, dict):
        section = config.get(key)
        name = section.get("name") if isinstance(section, dict) else None
    if not isinstance(name, str) or not md.TUNNEL_NAME_RE.match(name):
        raise md.ModelError([md.Problem("config.tunnel.name", "is required to delete an endpoint",
                                        "give config: {tunnel: {name: tun0}}")])
    return {"name": name}


def _named_items(config, key):
    """``state: deleted`` takes a list of items of which only ``key`` matters."""
    items = []
    for index, item in enumerate(config or []):
        name = item.get(key) if isinstance(item, dict) else None
        if not isinstance(name, str) or not name:
            raise md.ModelError([md.Problem("config[%d].%s" % (index, key), "is required to delete",
                                            "name what to delete")])
        items.append({key: name})
    return items


def _live_endpoint_objects(have, version, name):
    syntax = syntax_for(version)
    objects = [rd.OwnedObject(rd.KIND_TUNNEL, syntax.tunnel_path(name)),
               rd.OwnedObject(rd.KIND_NHRP, syntax.nhrp_path(name))]
    for profile in have.children(("vpn", "ipsec", "profile")):
        if _bound_tunnels(have, profile) == [name]:
            base = syntax.profile_path(profile)
            objects.append(rd.OwnedObject(rd.KIND_PROFILE, base))
            for kind, words, path_of in ((rd.KIND_IKE_GROUP, "ike-group", syntax.ike_group_path),
                                         (rd.KIND_ESP_GROUP, "esp-group", syntax.esp_group_path)):
                group = _first(have, base + (words,))
                if group:
                    objects.append(rd.OwnedObject(kind, path_of(group)))
            for iface in have.values(syntax.ipsec_interface_path):
                objects.append(rd.OwnedObject(rd.KIND_IPSEC_INTERFACE, syntax.ipsec_interface_entry(iface)))
    endpoint = gather_endpoint(have, version, name) or {"static_routes": []}
    for route in endpoint["static_routes"]:
        objects.append(rd.OwnedObject(rd.KIND_ROUTE, syntax.route_path(route["prefix"], route["next_hop"])))
    networks = [ipaddress.IPv4Interface(address).network for address in have.values(syntax.tunnel_path(name) + ("address",))
                if ":" not in address and ipaddress.IPv4Interface(address).network.prefixlen <= 30]
    return objects + rd.bgp_objects({"bgp": None}, syntax, have, networks)


class TunnelResource(_Resource):
    """Multipoint GRE tunnel interfaces (several)."""

    name = "tunnel"

    def validate(self, config, version, have=None, state="merged"):
        if state == "deleted":
            return _named_items(config, "name")
        version = _checked_version(version)
        check = md._Checker(syntax_for(version))
        items = _list(check, config)
        result = []
        for index, item in enumerate(items):
            sub = md._Checker(check.syntax)
            tunnel, dummy = md._tunnel(sub, item)
            if tunnel is not None and tunnel.get("source_address") is not None:
                # a tunnel from 0.0.0.0 names its WAN interface itself here (no IPsec section)
                md._check_any_source(sub, ipaddress.IPv4Address(tunnel["source_address"]), tunnel, None)
            check.problems += _renamed(sub.problems, "tunnel", "config[%d]" % index)
            if tunnel is not None:
                result.append(tunnel)
        _duplicates(check, items, "name")
        if check.problems:
            raise md.ModelError(check.problems)
        return result

    def render(self, config, version):
        syntax = syntax_for(version)
        tree = ConfigTree()
        for tunnel in config:
            rd._render_tunnel(tree, {"tunnel": tunnel, "ipsec": None}, syntax)
        return tree

    def objects(self, config, version, have, state):
        syntax = syntax_for(version)
        names = [t["name"] for t in config]
        if state == "overridden" or (state == "deleted" and not config):
            names += [n for n in have.children(("interfaces", "tunnel"))
                      if n not in names and is_multipoint_gre(have, version, n)]
        return [rd.OwnedObject(rd.KIND_TUNNEL, syntax.tunnel_path(n)) for n in names]

    def gather(self, tree, version, config=None):
        return [gather_tunnel(tree, version, n) for n in tree.children(("interfaces", "tunnel"))
                if is_multipoint_gre(tree, version, n)]

    def secrets(self, config):
        return []


class NhrpResource(_Resource):
    """NHRP on tunnel interfaces (several)."""

    name = "nhrp"
    keys = md._KEYS["nhrp"] + ("tunnel", "tunnel_address")

    def validates_with_router(self, config, state):
        # an entry without tunnel_address takes the tunnel's address from the router
        return state != "deleted" and (not isinstance(config, list) or any(
            not isinstance(item, dict) or item.get("tunnel_address") is None for item in config))

    def validate(self, config, version, have=None, state="merged"):
        if state == "deleted":
            return _named_items(config, "tunnel")
        version = _checked_version(version)
        syntax = syntax_for(version)
        check = md._Checker(syntax)
        items = _list(check, config)
        result = []
        for index, item in enumerate(items):
            field = "config[%d]" % index
            if not isinstance(item, dict):
                check.add(field, "must be a mapping", "give tunnel, role and the NHRP settings")
                continue
            unknown = [k for k in item if k not in self.keys]
            for key in unknown:
                check.add("%s.%s" % (field, key), "is not a known option", "use one of %s" % ", ".join(self.keys))
            name = check.word(item.get("tunnel"), field + ".tunnel", md.TUNNEL_NAME_RE,
                              "a tunnel interface name such as tun0")
            address = item.get("tunnel_address")
            if address is None and name is not None and have is not None:
                address = next((a for a in have.values(syntax.tunnel_path(name) + ("address",))
                                if ":" not in a), None)
            iface, prefixlen = None, None
            sub = md._Checker(syntax)
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
            raise md.ModelError(check.problems)
        return result

    def render(self, config, version):
        syntax = syntax_for(version)
        tree = ConfigTree()
        for entry in config:
            prefixlen = entry["prefix_length"]
            endpoint = {"tunnel": {"name": entry["tunnel"], "address": "0.0.0.0/%d" % prefixlen},
                        "nhrp": entry}
            rd._render_nhrp(tree, endpoint, syntax)
        return tree

    def objects(self, config, version, have, state):
        syntax = syntax_for(version)
        names = [e["tunnel"] for e in config]
        if state == "overridden" or (state == "deleted" and not config):
            names += [n for n in have.children(("protocols", "nhrp", "tunnel")) if n not in names]
        return [rd.OwnedObject(rd.KIND_NHRP, syntax.nhrp_path(n)) for n in names]

    def gather(self, tree, version, config=None):
        return [gather_nhrp(tree, version, n) for n in tree.children(("protocols", "nhrp", "tunnel"))]

    def secrets(self, config):
        return [e["authentication"] for e in config or [] if isinstance(e, dict) and e.get("authentication")]


class IpsecResource(_Resource):
    """The IPsec part of DMVPN: interfaces, IKE/ESP groups and profiles bound to tunnels.
    Option names follow vyos.vyos's vyos_vpn_ipsec (development branch)."""

    name = "ipsec"
    keys = ("interface", "ike_group", "esp_group", "profile")
    profile_keys = ("name", "authentication", "bind_tunnel", "esp_group", "ike_group")

    def validates_with_router(self, config, state):
        # a profile may name an IKE/ESP group that only the router has
        if state == "deleted" or not isinstance(config, dict):
            return False
        names = {}
        for kind in ("ike_group", "esp_group"):
            groups = config.get(kind) if isinstance(config.get(kind), list) else []
            names[kind] = set(group.get("name") for group in groups if isinstance(group, dict))
        profiles = config.get("profile") if isinstance(config.get("profile"), list) else []
        return any(isinstance(profile, dict) and profile.get(kind) is not None and profile.get(kind) not in names[kind]
                   for profile in profiles for kind in names)

    def validate(self, config, version, have=None, state="merged"):
        if state == "deleted":
            config = config or {}
            return {"interface": list(config.get("interface") or []),
                    "ike_group": _named_items(config.get("ike_group"), "name"),
                    "esp_group": _named_items(config.get("esp_group"), "name"),
                    "profile": _named_items(config.get("profile"), "name")}
        version = _checked_version(version)
        syntax = syntax_for(version)
        check = md._Checker(syntax)
        if not isinstance(config, dict):
            raise md.ModelError([md.Problem("config", "must be a mapping",
                                            "give interface, ike_group, esp_group and profile")])
        for key in config:
            if key not in self.keys:
                check.add("config." + key, "is not a known option", "use one of %s" % ", ".join(self.keys))
        result = {"interface": [], "ike_group": [], "esp_group": [], "profile": []}
        for index, name in enumerate(check.sequence(config.get("interface"), "config.interface")):
            value = check.word(name, "config.interface[%d]" % index, md.INTERFACE_NAME_RE,
                               "an interface name such as eth0")
            if value is not None:
                result["interface"].append(value)
        for kind in ("ike_group", "esp_group"):
            groups = check.sequence(config.get(kind), "config." + kind)
            for index, group in enumerate(groups):
                sub = md._Checker(syntax)
                field = "config.%s[%d]" % (kind, index)
                endpoint_form = {"interface": "eth0", kind: group}
                parsed = md._ipsec(sub, endpoint_form)
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
                if key not in self.profile_keys:
                    check.add("%s.%s" % (field, key), "is not a known option",
                              "use one of %s" % ", ".join(self.profile_keys))
            sub = md._Checker(syntax)
            auth = profile.get("authentication") or {}
            parsed = md._ipsec(sub, {"interface": "eth0", "profile": {
                "name": profile.get("name"),
                "pre_shared_secret": auth.get("pre_shared_secret") if isinstance(auth, dict) else None}})
            check.problems += [p for p in _renamed(sub.problems, "ipsec.profile", field) if p.field.startswith(field)]
            if isinstance(auth, dict) and auth.get("mode") not in (None, "pre-shared-secret"):
                check.add(field + ".authentication.mode", "%r is not supported" % auth.get("mode"),
                          "use pre-shared-secret")
            item = dict(parsed["profile"]) if parsed and parsed.get("profile") else None
            tunnels = []
            for tindex, tunnel in enumerate(check.sequence(profile.get("bind_tunnel"), field + ".bind_tunnel")):
                value = check.word(tunnel, "%s.bind_tunnel[%d]" % (field, tindex), md.TUNNEL_NAME_RE,
                                   "a tunnel interface name such as tun0")
                if value is not None:
                    tunnels.append(value)
            for kind in ("ike_group", "esp_group"):
                ref = check.word(profile.get(kind), "%s.%s" % (field, kind), md.GROUP_NAME_RE,
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
            raise md.ModelError(check.problems)
        return result

    def render(self, config, version):
        syntax = syntax_for(version)
        tree = ConfigTree()
        for name in config["interface"]:
            tree.set(syntax.ipsec_interface_path, name)
        for ike in config["ike_group"]:
            rd._render_group(tree, syntax.ike_group_path(ike["name"]), ike, [("key-exchange", ike["key_exchange"])])
        for esp in config["esp_group"]:
            rd._render_group(tree, syntax.esp_group_path(esp["name"]), esp,
                             [("mode", esp["mode"]), ("pfs", esp["pfs"])])
        for profile in config["profile"]:
            base = syntax.profile_path(profile["name"])
            tree.set(base + ("authentication", "mode"), "pre-shared-secret")
            tree.set(base + ("authentication", "pre-shared-secret"), profile["pre_shared_secret"])
            for tunnel in profile["bind_tunnel"]:
                tree.set(base + ("bind", "tunnel"), tunnel)
            for kind in ("esp_group", "ike_group"):
                if profile.get(kind):
                    tree.set(base + (kind.replace("_", "-"),), profile[kind])
        return tree

    def objects(self, config, version, have, state):
        syntax = syntax_for(version)
        objects = [rd.OwnedObject(rd.KIND_IPSEC_INTERFACE, syntax.ipsec_interface_entry(n))
                   for n in config["interface"]]
        for kind, path_of, names in ((rd.KIND_IKE_GROUP, syntax.ike_group_path, config["ike_group"]),
                                     (rd.KIND_ESP_GROUP, syntax.esp_group_path, config["esp_group"]),
                                     (rd.KIND_PROFILE, syntax.profile_path, config["profile"])):
            wanted = [g["name"] for g in names]
            if state == "overridden" or (state == "deleted" and not any(config.values())):
                words = {rd.KIND_IKE_GROUP: "ike-group", rd.KIND_ESP_GROUP: "esp-group",
                         rd.KIND_PROFILE: "profile"}[kind]
                wanted += [n for n in have.children(("vpn", "ipsec", words)) if n not in wanted]
            objects += [rd.OwnedObject(kind, path_of(n)) for n in wanted]
        if state == "overridden":
            objects += [rd.OwnedObject(rd.KIND_IPSEC_INTERFACE, syntax.ipsec_interface_entry(n))
                        for n in have.values(syntax.ipsec_interface_path) if n not in config["interface"]]
        return objects

    def gather(self, tree, version, config=None):
        return gather_ipsec(tree, version)

    def secrets(self, config):
        out = []
        for profile in (config or {}).get("profile") or []:
            if isinstance(profile, dict):
                auth = profile.get("authentication") or profile
                if isinstance(auth, dict) and auth.get("pre_shared_secret"):
                    out.append(auth["pre_shared_secret"])
        return out


DMVPN = DmvpnResource()
TUNNEL = TunnelResource()
NHRP = NhrpResource()
IPSEC = IpsecResource()
RESOURCES = {r.name: r for r in (DMVPN, TUNNEL, NHRP, IPSEC)}
