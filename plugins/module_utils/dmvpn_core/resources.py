# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resources the modules manage, each with the same five operations.

Pure Python, no Ansible imports. A resource knows how to

* ``validate(config, version, have)``: check the module's ``config`` and return it normalised,
  or raise :class:`checker.ModelError` naming every bad field (``resource_checks.py``);
* ``render(config, version)``: the :class:`ConfigTree` it wants on the router;
* ``objects(config, version, have, state)``: the subtrees it owns (only these are ever deleted);
* ``gather(tree, version)``: the structured configuration found in a tree (``gather.py``;
  secrets included: callers mask them);
* ``secrets(config)``: the secret strings in ``config`` (for masking free text).

Resources: :data:`DMVPN` (one whole endpoint: tunnel + NHRP + IPsec + owned routes),
:data:`TUNNEL`, :data:`NHRP` and :data:`IPSEC` (one part each, several instances), :data:`UNDERLAY`
(host name and ethernet addresses, merged only: underlay.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import leaf_tables as lt
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resource_checks as rc
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import unmanaged
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.gather import (
    bound_tunnels,
    first_value,
    gather_endpoint,
    gather_ipsec,
    gather_nhrp,
    gather_tunnel,
    is_multipoint_gre,
    tunnel_networks,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_firewall import resolve_with_router
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.underlay import UNDERLAY
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for


class _Resource:
    """What every resource shares: by default its input is checked without the router."""

    def validates_with_router(self, config, state):
        """True when checking ``config`` needs the router's configuration (``have``)."""
        return False

    def removed_unmanaged(self, have, want, after, objects, config, version):
        """``(names, warnings)`` of the leaves a change deletes that the model does not hold
        (names None: this resource does not report them)."""
        return None, []


class DmvpnResource(_Resource):
    """One DMVPN endpoint: tunnel, NHRP, IPsec and the static routes it owns."""

    name = "dmvpn"

    def validates_with_router(self, config, state):
        # 1.2/1.3 WAN rules go into the interface's own local rule set when it has one
        return state != "deleted" and isinstance(config, dict) and bool(config.get("firewall"))

    def validate(self, config, version, have=None, state="merged"):
        if state == "deleted":
            return rc.names_only(config, "tunnel")
        return resolve_with_router(unmanaged.validated_endpoint(config, version), have)  # (with the extra lines' check)

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
        # gathered/parsed: what the model does not hold, as the extra lines a config taken from
        # them needs (issue 21); not for a run's before/after (it would validate them again)
        for endpoint in endpoints if not isinstance(config, md.Endpoint) else []:
            extra = unmanaged.found_extra(tree, version, endpoint)
            if extra:
                endpoint["extra"] = extra
        if name:
            return endpoints[0] if endpoints else {}
        return endpoints

    def secrets(self, config):
        return md.endpoint_secrets(config)

    def removed_unmanaged(self, have, want, after, objects, config, version):
        """The hand-added leaves the change deletes, named, and a warning each (unmanaged.py)."""
        return unmanaged.report(unmanaged.removed_leaves(have, want, after, objects, config, version), version)


def _live_endpoint_objects(have, version, name):
    syntax = syntax_for(version)
    objects = [rd.OwnedObject(rd.KIND_TUNNEL, syntax.tunnel_path(name)),
               rd.OwnedObject(rd.KIND_NHRP, syntax.nhrp_path(name))]
    for profile in have.children(("vpn", "ipsec", "profile")):
        if bound_tunnels(have, profile) == [name]:
            base = syntax.profile_path(profile)
            objects.append(rd.OwnedObject(rd.KIND_PROFILE, base))
            for kind, words, path_of in ((rd.KIND_IKE_GROUP, "ike-group", syntax.ike_group_path),
                                         (rd.KIND_ESP_GROUP, "esp-group", syntax.esp_group_path)):
                group = first_value(have, base + (words,))
                if group:
                    objects.append(rd.OwnedObject(kind, path_of(group)))
            for iface in have.values(syntax.ipsec_interface_path):
                objects.append(rd.OwnedObject(rd.KIND_IPSEC_INTERFACE, syntax.ipsec_interface_entry(iface)))
    endpoint = gather_endpoint(have, version, name) or {"static_routes": []}
    for route in endpoint["static_routes"]:
        objects.append(rd.OwnedObject(rd.KIND_ROUTE, syntax.route_path(route["prefix"], route["next_hop"])))
    objects += [rd.OwnedObject(kind, path) for kind, path in rd.firewall_objects({"firewall": None}, version, have)]
    return objects + rd.bgp_objects({"bgp": None}, syntax, have, tunnel_networks(have, syntax, name))


class TunnelResource(_Resource):
    """Multipoint GRE tunnel interfaces (several)."""

    name = "tunnel"

    def validate(self, config, version, have=None, state="merged"):
        return rc.validate_tunnels(config, version, have, state)

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

    def validates_with_router(self, config, state):
        # an entry without tunnel_address takes the tunnel's address from the router
        return state != "deleted" and (not isinstance(config, list) or any(
            not isinstance(item, dict) or item.get("tunnel_address") is None for item in config))

    def validate(self, config, version, have=None, state="merged"):
        return rc.validate_nhrp(config, version, have, state)

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
        return rc.validate_ipsec(config, version, have, state)

    def render(self, config, version):
        syntax = syntax_for(version)
        tree = ConfigTree()
        for name in config["interface"]:
            tree.set(syntax.ipsec_interface_path, name)
        for ike in config["ike_group"]:
            rd.render_group(tree, syntax.ike_group_path(ike["name"]), ike, lt.IKE_PROPOSAL, lt.IKE_GROUP, syntax)
        for esp in config["esp_group"]:
            rd.render_group(tree, syntax.esp_group_path(esp["name"]), esp, lt.ESP_PROPOSAL, lt.ESP_GROUP, syntax)
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
RESOURCES = {r.name: r for r in (DMVPN, TUNNEL, NHRP, IPSEC, UNDERLAY)}
