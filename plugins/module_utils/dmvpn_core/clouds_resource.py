# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dmvpn module with ``endpoints``: a router's endpoints of several DMVPN clouds (one
tunnel each), applied in one commit, and the ``absent_tunnels`` of the clouds it left.

Pure Python, no Ansible imports. The module hands ``{endpoints: [...], absent_tunnels:
[...]}`` as the resource's config (modules/dmvpn.py). What is wanted is the union of the
endpoints' trees; what is owned is the union of their owned objects (render.owned_objects,
each found per tunnel) and, for every absent tunnel that is a multipoint GRE tunnel with
NHRP on the router, what ``state: deleted`` of that tunnel would delete. Shared objects (the
same IKE/ESP group names, the IPsec interface entries) are rendered and owned once.

Ownership per tunnel: each endpoint's stale-object discovery (renamed tunnels its profile
binds, stale profiles binding only its tunnel, routes via its subnet) runs on its own
tunnel; what it finds of another endpoint's tunnel, profile or routes is in the union of
the wanted trees, so the differ only makes it what that endpoint wants, never deletes it.
The checks below keep the clouds apart: own tunnel, own subnet, own profile, one setting
per shared group name, no BGP across clouds.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import model as md
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import render as rd
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resource_checks as rc
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import resources as rs
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import unmanaged
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError, Problem
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import ConfigTree
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.gather import gather_endpoint, is_multipoint_gre
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model import TUNNEL_NAME_RE
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.model_firewall import resolve_with_router
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.versions import syntax_for


def _names(config):
    """The absent tunnels' names, checked (they become words of delete lines)."""
    names, problems = [], []
    for index, name in enumerate((config or {}).get("absent_tunnels") or []):
        if not isinstance(name, str) or not TUNNEL_NAME_RE.match(name):
            problems.append(Problem("absent_tunnels[%d]" % index, "%r is not a tunnel name" % (name,),
                                    "give tunnel names such as tun1"))
        elif name not in names:
            names.append(name)
    return names, problems


def _prefixed(exc, index):
    return [Problem("endpoints[%d].%s" % (index, p.field), p.message, p.fix) for p in exc.problems]


def _across(endpoints):
    """What one router cannot hold for two endpoints (or would make them one)."""
    problems = []
    for index, endpoint in enumerate(endpoints):
        for other_index, other in enumerate(endpoints[:index]):
            where = "endpoints[%d]" % index
            if endpoint["tunnel"]["name"] == other["tunnel"]["name"]:
                problems.append(Problem(where + ".tunnel.name", "is also endpoints[%d]'s tunnel" % other_index,
                                        "give each endpoint its own tunnel"))
            if ipaddress.IPv4Interface(endpoint["tunnel"]["address"]).network.overlaps(
                    ipaddress.IPv4Interface(other["tunnel"]["address"]).network):
                problems.append(Problem(where + ".tunnel.address", "overlaps endpoints[%d]'s tunnel subnet"
                                        % other_index, "give each endpoint its own tunnel subnet"))
            mine, theirs = endpoint["ipsec"], other["ipsec"]
            if mine and theirs:
                if mine["profile"]["name"] == theirs["profile"]["name"]:
                    problems.append(Problem(where + ".ipsec.profile.name", "is also endpoints[%d]'s profile"
                                            % other_index, "give each endpoint its own IPsec profile"))
                # VyOS's id-less ike-dmvpn-<tunnel> secrets: strongSwan would use one key for
                # both (the sources are cited in clouds.py _pair_problems)
                if mine["profile"].get("pre_shared_secret") != theirs["profile"].get("pre_shared_secret"):
                    problems.append(Problem(where + ".ipsec.profile.pre_shared_secret", "differs from endpoints[%d]'s: "
                                            "VyOS writes each profile's PSK without an id, so strongSwan would use one "
                                            "for both" % other_index, "give every endpoint the same PSK"))
                for kind in ("ike_group", "esp_group"):
                    if mine[kind]["name"] == theirs[kind]["name"] and mine[kind] != theirs[kind]:
                        problems.append(Problem(where + ".ipsec.%s" % kind, "has the name of endpoints[%d]'s group "
                                                "but other settings" % other_index,
                                                "give both the same settings, or another name"))
        if endpoint.get("firewall") is not None and len(endpoints) > 1:
            # the WAN rules are numbered 9900-9999 once per router (render_firewall.py)
            problems.append(Problem("endpoints[%d].firewall" % index, "the WAN firewall rules are one set per router; "
                                    "several endpoints cannot each own them", "leave firewall out with several "
                                    "endpoints (dmvpn_manage_firewall: false for a router of two clouds)"))
        if endpoint["bgp"] is not None and len(endpoints) > 1:
            problems.append(Problem("endpoints[%d].bgp" % index, "BGP is one instance per router (one AS, one router "
                                    "id); several endpoints cannot each own it", "leave bgp out with several endpoints"))
    return problems


class CloudsResource(rs._Resource):
    """Several DMVPN endpoints of one router (one per cloud), one commit."""

    name = "dmvpn"

    def validates_with_router(self, config, state):
        # 1.2/1.3 WAN rules go into the interface's own local rule set when it has one
        return state != "deleted" and any(isinstance(e, dict) and e.get("firewall")
                                          for e in (config or {}).get("endpoints") or [])

    def validate(self, config, version, have=None, state="merged"):
        absent, problems = _names(config)
        raw = (config or {}).get("endpoints") or []
        if state == "deleted":
            names = []
            for index, endpoint in enumerate(raw):
                try:
                    names.append(rc.names_only(endpoint, "tunnel")["name"])
                except ModelError as exc:
                    problems += _prefixed(exc, index)
            if problems:
                raise ModelError(problems)
            return {"endpoints": [], "absent_tunnels": names + [n for n in absent if n not in names]}
        endpoints = []
        for index, endpoint in enumerate(raw):
            try:
                endpoints.append(resolve_with_router(unmanaged.validated_endpoint(endpoint, version), have))
            except ModelError as exc:
                problems += _prefixed(exc, index)
        if not raw:
            problems.append(Problem("endpoints", "is empty", "give at least one endpoint, or use state: deleted"))
        if not problems:
            problems += _across(endpoints)
        wanted = set(endpoint["tunnel"]["name"] for endpoint in endpoints)
        problems += [Problem("absent_tunnels", "%s is also the tunnel of an endpoint" % name,
                             "leave it out of absent_tunnels") for name in absent if name in wanted]
        if problems:
            raise ModelError(problems)
        return {"endpoints": endpoints, "absent_tunnels": absent}

    def render(self, config, version):
        tree = ConfigTree()
        for endpoint in config["endpoints"]:
            tree.merge(rd.render_endpoint(endpoint, version))
        return tree

    def objects(self, config, version, have, state):
        objects = []
        for endpoint in config["endpoints"]:
            objects += rd.owned_objects(endpoint, version, have)
        for name in config["absent_tunnels"]:
            if have.exists(syntax_for(version).nhrp_path(name)) and is_multipoint_gre(have, version, name):
                objects += _absent_objects(have, version, name, config["endpoints"])
        unique = []
        for obj in objects:
            if obj not in unique:
                unique.append(obj)
        return unique

    def gather(self, tree, version, config=None):
        names = [e["tunnel"]["name"] for e in (config or {}).get("endpoints") or []]
        names += (config or {}).get("absent_tunnels") or []
        return [found for found in (gather_endpoint(tree, version, name) for name in names) if found is not None]

    def removed_unmanaged(self, have, want, after, objects, config, version):
        """The hand-added leaves the change deletes, per endpoint (each asked about its own
        objects: what it models is what its gather reads), named, and a warning each."""
        removed = []
        for endpoint in (config or {}).get("endpoints") or []:
            own = [obj for obj in rd.owned_objects(endpoint, version, have) if obj in objects]
            removed += [leaf for leaf in unmanaged.removed_leaves(have, want, after, own, endpoint, version)
                        if leaf not in removed]
        return unmanaged.report(removed, version)

    def secrets(self, config):
        out = []
        for endpoint in (config or {}).get("endpoints") or [] if isinstance(config, dict) else []:
            out += md.endpoint_secrets(endpoint)
        return out


def _absent_objects(have, version, name, endpoints):
    """What ``state: deleted`` of tunnel ``name`` owns, but an IPsec interface entry only while
    no endpoint wants it and nothing else (site-to-site, remote access, L2TP) runs IPsec: the
    differ deletes an owned entry the wanted tree lacks without asking who else uses it."""
    wanted = set(e["ipsec"]["interface"] for e in endpoints if e["ipsec"])
    others = any(have.children(path) for path in (("vpn", "ipsec", "site-to-site"), ("vpn", "ipsec", "remote-access"),
                                                  ("vpn", "l2tp")))
    found = []
    for obj in rs._live_endpoint_objects(have, version, name):
        if obj.kind == rd.KIND_IPSEC_INTERFACE and (others or obj.path[-1] in wanted):
            continue
        found.append(obj)
    return found


CLOUDS = CloudsResource()
