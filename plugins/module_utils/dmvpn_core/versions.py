# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-version VyOS syntax: the single place that knows what differs between 1.2 and 1.5.

Pure Python, no Ansible imports. Every other part of the core asks a :class:`Syntax`
object (``syntax_for("1.4")``) for a command word, a value range or a list of allowed
values; none of them compares version strings itself.

Sources (see ``docs``/the shared syntax reference): VyOS 1.2 (crux) DMVPN guide, vyos-1x
``equuleus`` (1.3), ``sagitta`` (1.4) and ``circinus``/``current`` (1.5 with the FRR
``nhrpd`` based NHRP CLI). BGP: vyatta-cfg-quagga ``crux``/``equuleus`` (1.2/1.3: the AS
number is a tag node, listen ranges from 1.3.3) and vyos-1x ``protocols bgp`` (1.4+:
``system-as``, ``no bgp default ipv4-unicast``).

Which versions are supported, and how a version is named (``1.4.0``, ``sagitta``, ``show
version`` output), is :mod:`version_names`; :func:`syntax_for` takes any of those names.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.ipsec_values import (
    CRUX,
    DPD_RANGE,
    FRR_GROUP_OPTIONS,
    LATER,
    SAGITTA_GROUP_OPTIONS,
    VYATTA_GROUP_OPTIONS,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import normalize_version

# -- value lists shared by every supported version (per-version IPsec lists: ipsec_values)
KEY_EXCHANGE_VALUES = ("ikev1", "ikev2")
ESP_MODES = ("tunnel", "transport")
WILDCARD = "*"

# Interfaces whose address comes and goes with a session (PPP, PPPoE, SSTP client, L2TP, IPoE):
# VyOS refuses a tunnel's source-interface on them, "Can not source "tun0" from dynamic
# interface "pppoe0"!" (vyos/vyos-1x python/vyos/configverify.py dynamic_interface_pattern and
# verify_source_interface, called by src/conf_mode/interfaces_tunnel.py; the same in sagitta
# c3f688653, circinus d5322412e, current 3710c5879, and in the FRR-era interfaces_tunnel.py of
# dozenos/dozenos-1x 020ab1d). re.match: anchored at the start only.
DYNAMIC_INTERFACE_RE = re.compile(r"(ppp|pppoe|sstpc|l2tp|ipoe)[0-9]+")

# Secrets that are not part of DMVPN but may show up in router output we pass on.
_COMMON_SECRET_PATHS = (
    ("vpn", "ipsec", "profile", WILDCARD, "authentication", "pre-shared-secret"),
    ("vpn", "ipsec", "site-to-site", "peer", WILDCARD, "authentication", "pre-shared-secret"),
    ("vpn", "ipsec", "authentication", "psk", WILDCARD, "secret"),
    ("system", "login", "user", WILDCARD, "authentication", "plaintext-password"),
    ("system", "login", "user", WILDCARD, "authentication", "encrypted-password"),
)

# Nodes whose children are independent entries: ``set`` adds one, it never replaces the
# others (multi-value leaves and tag nodes). Everything else with a value is single-valued:
# setting a new value replaces the old one.
_COMMON_MULTI_PATHS = (
    ("interfaces", "tunnel", WILDCARD, "address"), ("interfaces", "ethernet", WILDCARD, "address"),  # (underlay.py)
    ("protocols", "static", "route"),
    ("protocols", "static", "route", WILDCARD, "next-hop"),
    ("vpn", "ipsec", "profile"),
    ("vpn", "ipsec", "profile", WILDCARD, "bind", "tunnel"),
    ("vpn", "ipsec", "ike-group"),
    ("vpn", "ipsec", "ike-group", WILDCARD, "proposal"),
    ("vpn", "ipsec", "esp-group"),
    ("vpn", "ipsec", "esp-group", WILDCARD, "proposal"),
    ("interfaces", "tunnel"),
    ("protocols", "nhrp", "tunnel"),
    ("firewall", "name"), ("firewall", "name", WILDCARD, "rule"), ("firewall", "group", "address-group"),  # the WAN rules
    ("firewall", "group", "address-group", WILDCARD, "address"), ("firewall", "ipv4", "input", "filter", "rule"),
    ("firewall", "ipv4", "input", "filter", "rule", WILDCARD, "state"),
)


def match_path(pattern, path):
    """True when ``path`` has exactly the words of ``pattern`` (``*`` matches any word)."""
    if len(pattern) != len(path):
        return False
    return all(want == WILDCARD or want == word for want, word in zip(pattern, path))


class Syntax:
    """Everything about one VyOS version family that the core needs to know.

    Attributes are plain data (words, tuples, ranges); the methods build paths from them.
    """

    def __init__(self, version, **facts):
        self.version = version
        # interfaces tunnel
        self.tunnel_local_leaf = facts["tunnel_local_leaf"]
        self.tunnel_remote_leaf = facts["tunnel_remote_leaf"]
        self.multicast_words = facts["multicast_words"]          # path words below the tunnel
        self.multicast_value = facts["multicast_value"]          # None: valueless leaf
        self.tunnel_address_host = facts["tunnel_address_host"]  # True: render /32
        self.mtu_range = facts["mtu_range"]
        self.tunnel_mtu_default = 1476  # every version's default (GRE: 1500 - 24 bytes of headers)
        self.adjust_mss_words = facts.get("adjust_mss_words")  # ip adjust-mss (None: not on this version; _TUNNEL_MSS)
        self.adjust_mss_range, self.adjust_mss_clamp = (536, 65535), "clamp-mss-to-pmtu"  # VyOS's range and word
        self.firewall_style = facts["firewall_style"]  # "named" rule sets | "input_filter" chain: versions_firewall.py
        self.description_length = facts["description_length"]   # (min, max) characters
        self.key_range = (0, 4294967295)
        self.key_required_for_any_source = facts["key_required_for_any_source"]
        # vpn ipsec
        self.ipsec_interface_path = facts["ipsec_interface_path"]
        self.key_exchange_values = KEY_EXCHANGE_VALUES
        self.esp_modes = ESP_MODES
        # encryption_values, hash_values, dh_groups, pfs_values, psk_allowed_re/_text
        for name, value in facts["ipsec_values"].items():
            setattr(self, name, value)
        self.lifetime_range = (30, 86400)
        # dpd_actions, *_switch, life_*_range, migrated_dpd_actions, unused_group_options: ipsec_values
        for name, value in facts["ipsec_group_options"].items():
            setattr(self, name, value)
        self.dpd_range = DPD_RANGE
        self.proposal_id_range = (1, 65535)
        # protocols nhrp
        self.nhrp_flavour = facts["nhrp_flavour"]                # "opennhrp" | "frr"
        # How the NHRP peer list and ``show vpn ipsec sa`` print (_SHOW_FORMATS below).
        self.nhrp_show_format, self.ipsec_sa_format = _SHOW_FORMATS[version]
        self.nhrp_auth_leaf = facts["nhrp_auth_leaf"]
        self.nhrp_auth_max_length = 8
        self.nhrp_holdtime_leaf = facts["nhrp_holdtime_leaf"]
        self.holding_time_range = (1, 65000)
        self.nhrp_network_id_leaf = facts["nhrp_network_id_leaf"]  # None: not available
        self.nhrp_network_id_default = facts["nhrp_network_id_default"]
        # A tunnel from any address (DHCP WAN) names its WAN interface with this leaf (None:
        # it is written as source address 0.0.0.0), unless that interface is dynamic (below).
        self.any_source_tunnel_leaf = facts["any_source_tunnel_leaf"]
        # Every NHRP tunnel gets registration-no-unique (FRR nhrpd).
        self.nhrp_registration_no_unique = facts["nhrp_registration_no_unique"]
        # Routes via a tunnel address also name the tunnel interface (next-hop X interface tunN).
        self.tunnel_routes_name_interface = facts["tunnel_routes_name_interface"]
        # Spokes route the tunnel subnet via each NHS at this distance (None: not needed).
        self.nhs_subnet_route_distance = facts["nhs_subnet_route_distance"]
        # How a pending commit-confirm's rollback is scheduled, so a run can find it:
        # "at" (1.2/1.3: an `at` job whose number is in /var/run/confirm.job; vyos/
        # vyatta-config-mgmt scripts/vyatta-config-mgmt.pl, c28add8e387c) or "systemd" (1.4/1.5:
        # the transient timer commit-confirm.timer; vyos/vyos-1x python/vyos/config_mgmt.py
        # commit_confirm, sagitta c3f688653 / circinus d5322412e).
        self.commit_confirm_scheduler = facts["commit_confirm_scheduler"]
        # Policy, not VyOS's rule: the FRR-era XML puts no constraint on network-id; nhrpd takes
        # a 32-bit id and 0 means none.
        self.network_id_range = (1, 4294967295)
        # protocols static
        self.distance_range = (1, 255)
        # protocols bgp
        self.bgp_asn_leaf = facts["bgp_asn_leaf"]                # None: the AS number is a tag node
        self.bgp_listen_range = facts["bgp_listen_range"]        # dynamic neighbors (1.3.3 and later)
        self.bgp_rr_takes_internal = facts["bgp_rr_takes_internal"]  # False: reflect only to remote-as <own AS>
        self.bgp_peer_group_re = facts["bgp_peer_group_re"]
        self.bgp_peer_group_text = facts["bgp_peer_group_text"]
        self.asn_range = (1, 4294967294)
        self.bgp_timer_range = (0, 65535)
        # secrets and multi-value nodes
        self.secret_paths = facts["secret_paths"]
        self.multi_value_paths = facts["multi_value_paths"]

    def __repr__(self):
        return "Syntax(%r)" % self.version

    # -- facts as booleans --------------------------------------------------------------
    @property
    def has_network_id(self):
        return self.nhrp_network_id_leaf is not None

    @property
    def is_frr_nhrp(self):
        return self.nhrp_flavour == "frr"

    def binds_source_interface(self, ifname):
        """True when a tunnel from 0.0.0.0 names ``ifname`` as its source-interface: this
        version has the leaf and ``ifname`` is not a dynamic interface, which VyOS refuses."""
        return self.any_source_tunnel_leaf is not None and not DYNAMIC_INTERFACE_RE.match(ifname or "")

    # -- paths --------------------------------------------------------------------------
    @staticmethod
    def tunnel_path(name):
        return ("interfaces", "tunnel", name)

    @staticmethod
    def nhrp_path(name):
        return ("protocols", "nhrp", "tunnel", name)

    @staticmethod
    def profile_path(name):
        return ("vpn", "ipsec", "profile", name)

    @staticmethod
    def ike_group_path(name):
        return ("vpn", "ipsec", "ike-group", name)

    @staticmethod
    def esp_group_path(name):
        return ("vpn", "ipsec", "esp-group", name)

    @staticmethod
    def route_path(prefix, next_hop=None):
        path = ("protocols", "static", "route", prefix)
        if next_hop is not None:
            path += ("next-hop", next_hop)
        return path

    def bgp_base(self, asn):
        """The node holding the BGP instance of ``asn``: ``protocols bgp <asn>`` (1.2/1.3) or
        ``protocols bgp`` (1.4+, where ``system-as`` names the AS)."""
        if self.bgp_asn_leaf is None:
            return ("protocols", "bgp", str(asn))
        return ("protocols", "bgp")

    def bgp_asn_path(self, asn):
        """Where the AS number itself is set: the instance tag (1.2/1.3) or ``system-as`` (1.4+)."""
        if self.bgp_asn_leaf is None:
            return ("protocols", "bgp", str(asn))
        return ("protocols", "bgp", self.bgp_asn_leaf)

    def bgp_instances(self, tree):
        """``(asn, base path)`` of the BGP instance found in ``tree`` (at most one on VyOS)."""
        if self.bgp_asn_leaf is None:
            return [(asn, ("protocols", "bgp", asn)) for asn in tree.children(("protocols", "bgp"))]
        if not tree.exists(("protocols", "bgp")):
            return []
        values = tree.values(("protocols", "bgp", self.bgp_asn_leaf))
        return [(values[0] if values else None, ("protocols", "bgp"))]

    def ipsec_interface_entry(self, ifname):
        return self.ipsec_interface_path + (ifname,)

    # -- value forms --------------------------------------------------------------------
    def tunnel_address(self, address, prefixlen):
        """The ``address`` value of the tunnel: the subnet prefix, or /32 with FRR NHRP."""
        return "%s/%d" % (address, 32 if self.tunnel_address_host else prefixlen)

    @staticmethod
    def nhrp_map_prefix(tunnel_ip, prefixlen):
        """opennhrp ``map`` tag: the hub's tunnel address with the DMVPN prefix length."""
        return "%s/%d" % (tunnel_ip, prefixlen)

    # -- classification -----------------------------------------------------------------
    def is_secret_path(self, path):
        """True when the value below ``path`` (a leaf path without its value) is secret."""
        path = tuple(path)
        return any(match_path(pattern, path) for pattern in self.secret_paths)

    def is_multi_value(self, path):
        """True when ``path`` holds independent entries (multi-value leaf or tag node)."""
        path = tuple(path)
        return any(match_path(pattern, path) for pattern in self.multi_value_paths)


# Below the BGP instance the words are the same in every supported version.
BGP_ROUTER_ID = ("parameters", "router-id")
BGP_NETWORKS = ("address-family", "ipv4-unicast", "network")
BGP_AF = ("address-family", "ipv4-unicast")
BGP_RR_CLIENT = BGP_AF + ("route-reflector-client",)
BGP_NEXT_HOP_UNCHANGED = BGP_AF + ("attribute-unchanged", "next-hop")


def _bgp_paths(asn_leaf):
    base = ("protocols", "bgp") + (() if asn_leaf else (WILDCARD,))
    multi = (base + ("neighbor",), base + ("peer-group",), base + ("listen", "range"), base + BGP_NETWORKS)
    if not asn_leaf:
        multi += (("protocols", "bgp"),)
    secrets = (base + ("neighbor", WILDCARD, "password"), base + ("peer-group", WILDCARD, "password"))
    return multi, secrets


def _nhrp_multi_paths(flavour):
    base = ("protocols", "nhrp", "tunnel", WILDCARD)
    if flavour == "frr":
        return (
            base + ("nhs", "tunnel-ip"),
            base + ("nhs", "tunnel-ip", WILDCARD, "nbma"),
            base + ("map", "tunnel-ip"),
            base + ("map", "tunnel-ip", WILDCARD, "nbma"),
            base + ("multicast",),
        )
    return (base + ("map",), base + ("dynamic-map",))


def _build(version, **facts):
    flavour = facts["nhrp_flavour"]
    bgp_multi, bgp_secrets = _bgp_paths(facts["bgp_asn_leaf"])
    facts["secret_paths"] = (
        ("protocols", "nhrp", "tunnel", WILDCARD, facts["nhrp_auth_leaf"]),
    ) + _COMMON_SECRET_PATHS + bgp_secrets
    facts["multi_value_paths"] = (
        _COMMON_MULTI_PATHS + (facts["ipsec_interface_path"],) + _nhrp_multi_paths(flavour) + bgp_multi
    )
    return Syntax(version, **facts)


# BGP peer group names: 1.2/1.3 (vyatta-cfg-quagga) take letters, digits and '_' but refuse
# names that read as an address (1 to 4 letters a-f alone); 1.4+ (vyos-1x) also take '-'.
_OLD_BGP = dict(
    bgp_asn_leaf=None,
    bgp_peer_group_re=re.compile(r"^(?![A-Fa-f]{1,4}\Z)[A-Za-z0-9_]{1,64}\Z"),
    bgp_peer_group_text="1 to 64 letters, digits or '_' (not 1 to 4 letters a-f alone), e.g. DMVPN",
)
_NEW_BGP = dict(
    bgp_asn_leaf="system-as",
    bgp_listen_range=True,
    bgp_rr_takes_internal=True,
    bgp_peer_group_re=re.compile(r"^[-_A-Za-z0-9]{1,64}\Z"),
    bgp_peer_group_text="1 to 64 letters, digits, '-' or '_', e.g. DMVPN",
)

# The op-mode output formats (status.py reads them; its parsers name the op-mode sources):
# NHRP "blocks" (1.2/1.3 opennhrpctl show), "table" (1.4 nhrp.py show_tunnel), "frr" (nhrpd);
# IPsec SAs "statusall" (1.2: a row per connection), "vici_last" (1.3: a row per connection,
# its last IKE SA), "vici" (1.4/1.5: a row per child SA).
_SHOW_FORMATS = {"1.2": ("blocks", "statusall"), "1.3": ("blocks", "vici_last"), "1.4": ("table", "vici"),
                 "1.5": ("frr", "vici")}
_OPENNHRP = dict(
    nhrp_flavour="opennhrp",
    nhrp_auth_leaf="cisco-authentication",
    nhrp_holdtime_leaf="holding-time",
    nhrp_network_id_leaf=None,
    nhrp_network_id_default=None,
    any_source_tunnel_leaf=None,
    # No registration-no-unique on 1.2-1.4: VyOS's opennhrp CLI has no such node (vyos/vyos-nhrp
    # templates-cfg, crux b428efd / equuleus 43421e0; vyos-1x sagitta protocols_nhrp.xml.in), and
    # none is needed: an opennhrp hub replaces a spoke's dynamic registration when it re-registers
    # from a new NBMA address, only static entries conflict (opennhrp nhrp/nhrp_server.c
    # nhrp_server_start_cie_reg, read in the public copy ibazzi/opennhrp 03d537d).
    nhrp_registration_no_unique=False,
    tunnel_routes_name_interface=False,
    nhs_subnet_route_distance=None,
)
# FRR's nhrpd (VyOS 1.5), facts the dataplane lab (dataplane/) showed on real nhrpd, set
# against VyOS's own 1.4 -> 1.5 migration (vyos/vyos-1x src/migration-scripts/nhrp/0-to-1,
# d9492c2), which a router upgraded from 1.4 holds on its first converge (the lab replays it,
# vyos_lab/upgrade.py; molecule/upgrade pins exactly what that converge sends):
# - NHRP stays off on an interface without a network-id (VyOS 1.5 also refuses the commit);
#   the migration numbers the tunnels 1, 2, ...: ours default to 1.
# - a GRE tunnel from 0.0.0.0 gives nhrpd no NBMA address (FRR nhrpd nhrp_interface.c
#   nhrp_interface_update_nbma: no local address, no link device): a DHCP WAN is named as the
#   tunnel's source-interface, from which nhrpd takes (and follows) the address. The migration
#   keeps 0.0.0.0; we differ (dataplane finding 2) except on a dynamic interface, where VyOS
#   refuses source-interface (DYNAMIC_INTERFACE_RE) and 0.0.0.0 stays.
# - registration-no-unique on every tunnel, as the migration sets it (a valueless leaf, rendered
#   to nhrpd's "ip nhrp registration no-unique": dozenos/dozenos-1x 020ab1d protocols_nhrp.xml.in
#   and data/templates/frr/nhrpd.frr.j2, the same in aapostoliuk/vyos-1x 74ba38b): without it
#   a spoke's registration carries the unique flag and its hub refuses the spoke's next
#   registration from a new DHCP address until the old entry expires. nhrpd reads it only to send registrations
#   and shortcut requests (nhrp_nhs.c, nhrp_shortcut.c): inert on a hub (no NHS, shortcut off
#   by default), harmless on a fixed spoke, and rendered like the migration: no churn.
# - nhrpd resolves shortcuts only for routes whose next hop names the NHRP interface, and
#   answers resolution requests via a route to the tunnel subnet: spokes get one via each NHS
#   (distance 250, as the migration adds). Routes via a tunnel address name the tunnel
#   (next-hop X interface tunN), which the migration does not: with /32 tunnel addresses the
#   next hop is on no connected subnet, and the dataplane lab's passing runs (shortcuts, TTL
#   62) were with the interface named; a migrated router gets it added on its first converge.
_FRR = dict(
    nhrp_flavour="frr",
    nhrp_auth_leaf="authentication",
    nhrp_holdtime_leaf="holdtime",
    nhrp_network_id_leaf="network-id",
    nhrp_network_id_default=1,
    any_source_tunnel_leaf="source-interface",
    nhrp_registration_no_unique=True,
    tunnel_routes_name_interface=True,
    nhs_subnet_route_distance=250,
)

# TCP MSS clamping: vyos-1x include/interface/adjust-mss.xml.i (536-65535 or clamp-mss-to-pmtu) in
# ipv4-options.xml.i of interfaces_tunnel.xml.in (sagitta c3f688653, current 3710c5879; mtu default
# 1476). equuleus a79b59070 ipv4-options.xml.i has none; crux/equuleus clamp only under "firewall
# options interface X adjust-mss", not rendered. 1.4+ also write the WAN rules to the input chain.
_TUNNEL_MSS, _NAMED_FIREWALL = dict(adjust_mss_words=("ip", "adjust-mss"), firewall_style="input_filter"), dict(firewall_style="named")

_SYNTAX = {
    "1.2": _build(
        "1.2",
        ipsec_group_options=VYATTA_GROUP_OPTIONS,
        commit_confirm_scheduler="at",
        ipsec_values=CRUX,
        tunnel_local_leaf="local-ip",
        tunnel_remote_leaf="remote-ip",
        multicast_words=("multicast",),
        multicast_value="enable",
        tunnel_address_host=False,
        mtu_range=(64, 8024),
        description_length=(1, 256),
        key_required_for_any_source=False,
        ipsec_interface_path=("vpn", "ipsec", "ipsec-interfaces", "interface"),
        bgp_listen_range=False,
        bgp_rr_takes_internal=False,
        **dict(_OLD_BGP, **dict(_OPENNHRP, **_NAMED_FIREWALL))
    ),
    "1.3": _build(
        "1.3",
        ipsec_group_options=VYATTA_GROUP_OPTIONS,
        commit_confirm_scheduler="at",
        ipsec_values=LATER,
        tunnel_local_leaf="source-address",
        tunnel_remote_leaf="remote",
        multicast_words=("multicast",),
        multicast_value="enable",
        tunnel_address_host=False,
        mtu_range=(64, 8024),
        description_length=(1, 256),
        key_required_for_any_source=False,
        ipsec_interface_path=("vpn", "ipsec", "ipsec-interfaces", "interface"),
        bgp_listen_range=True,
        bgp_rr_takes_internal=True,
        **dict(_OLD_BGP, **dict(_OPENNHRP, **_NAMED_FIREWALL))
    ),
    "1.4": _build(
        "1.4",
        ipsec_group_options=SAGITTA_GROUP_OPTIONS,
        commit_confirm_scheduler="systemd",
        ipsec_values=LATER,
        tunnel_local_leaf="source-address",
        tunnel_remote_leaf="remote",
        multicast_words=("enable-multicast",),
        multicast_value=None,
        tunnel_address_host=False,
        mtu_range=(68, 16000),
        description_length=(0, 255),
        key_required_for_any_source=True,
        ipsec_interface_path=("vpn", "ipsec", "interface"),
        **dict(_NEW_BGP, **dict(_OPENNHRP, **_TUNNEL_MSS))
    ),
    "1.5": _build(
        "1.5",
        ipsec_group_options=FRR_GROUP_OPTIONS,
        commit_confirm_scheduler="systemd",
        ipsec_values=LATER,
        tunnel_local_leaf="source-address",
        tunnel_remote_leaf="remote",
        multicast_words=("enable-multicast",),
        multicast_value=None,
        tunnel_address_host=True,
        mtu_range=(68, 16000),
        description_length=(0, 255),
        key_required_for_any_source=True,
        ipsec_interface_path=("vpn", "ipsec", "interface"),
        **dict(_NEW_BGP, **dict(_FRR, **_TUNNEL_MSS))
    ),
}


def syntax_for(version):
    """The :class:`Syntax` of a version (anything :func:`normalize_version` accepts)."""
    return _SYNTAX[normalize_version(version)]
