"""Per-version VyOS configuration schemas: every path a fresh router has, plus what DMVPN uses.

Written from the VyOS interface definitions and templates of each release (see
shared/reference/vyos-dmvpn-syntax.md): 1.2 (crux, the DMVPN guide's syntax), 1.3 (equuleus),
1.4 (sagitta) and 1.5 (circinus/rolling, where NHRP moved to FRR's nhrpd).

Which paths exist, their kind and multi are checked against VyOS's own facts
(vyos_lab/facts/vyos_facts.json) by tests/unit/vyos_lab/test_schema_matches_facts.py; in the
areas the product renders (facts.VALUE_AREAS) the values are judged by those facts
(facts.apply_to_schema), the validators written here only where the facts cannot tell.
"""

from . import facts

from .schema import (
    DH_GROUP, DH_GROUPS, ENCRYPTION, ETH_NAME, GROUP_NAME, HASH, HOST_NAME, IF_NAME, MAC, PSK, TUN_NAME, U32,
    Flag, Leaf, any_text, either, enum, fqdn, ip, ipv4, ipv4_host_prefix, ipv4_prefix, ipv6_host_prefix, node,
    number, regex, tag, text,
)

VERSIONS = ("1.2", "1.3", "1.4", "1.5")

VERSION_INFO = {
    "1.2": {"version": "1.2.9-S1", "train": "crux"},
    "1.3": {"version": "1.3.8", "train": "equuleus"},
    "1.4": {"version": "1.4.0", "train": "sagitta"},
    "1.5": {"version": "1.5-rolling-202410210000", "train": "circinus"},
}


def _address_leaf(dhcp):
    validators = [ipv4_host_prefix, ipv6_host_prefix]
    if dhcp:
        validators.append(enum("dhcp", "dhcpv6"))
    return Leaf(either(*validators), multi=True)


def _ethernet(version):
    old = version in ("1.2", "1.3")
    vif = tag(number(0, 4094, "VLAN ID"), address=_address_leaf(True), description=Leaf(text(256 if old else 255, 0)),
              mtu=Leaf(number(68, 16000, "MTU")), disable=Flag())
    return tag(
        ETH_NAME,
        address=_address_leaf(True),
        description=Leaf(text(256 if old else 255, 0)),
        disable=Flag(),
        duplex=Leaf(enum("auto", "half", "full")),
        speed=Leaf(enum("auto", "10", "100", "1000", "2500", "5000", "10000", "25000", "40000", "50000", "100000")),
        hw_id=Leaf(MAC),
        mtu=Leaf(number(68, 16000, "MTU")),
        vif=vif,
    )


def _tunnel(version):
    old = version in ("1.2", "1.3")
    children = dict(
        address=Leaf(either(ipv4_host_prefix, ipv6_host_prefix), multi=True),
        description=Leaf(text(256 if old else 255, 1 if old else 0)),
        disable=Flag(),
        encapsulation=Leaf(enum("gre", "gretap", "ip6gre", "ip6ip6", "ipip", "ipip6", "sit")
                           if old else enum("erspan", "gre", "gretap", "ip6erspan", "ip6gre", "ip6gretap",
                                            "ip6ip6", "ipip", "ipip6", "sit")),
        mtu=Leaf(number(64, 8024, "MTU") if old else number(68, 16000, "MTU")),
        parameters=node(ip=node(key=Leaf(U32), ttl=Leaf(number(0, 255, "TTL")), tos=Leaf(number(0, 99, "TOS")))),
    )
    if version != "1.2":
        # vyos-1x equuleus+ interfaces-tunnel XML; crux vyatta-cfg-system has neither flag.
        children["parameters"].children["ip"].children.update({"no-pmtu-discovery": Flag(), "ignore-df": Flag()})
    if version == "1.2":
        children.update({"local-ip": Leaf(either(ipv4, ip)), "remote-ip": Leaf(ip),
                         "multicast": Leaf(enum("enable", "disable"))})
    else:
        children.update({"source-address": Leaf(ip), "remote": Leaf(ip), "source-interface": Leaf(IF_NAME)})
        if version == "1.3":
            children["multicast"] = Leaf(enum("enable", "disable"))
        else:
            children["enable-multicast"] = Flag()
    return tag(TUN_NAME, **{k.replace("-", "_"): v for k, v in children.items()})


def _nhrp(version):
    if version == "1.5":
        # FRR nhrpd based CLI
        tunnel = tag(
            TUN_NAME,
            authentication=Leaf(regex(r"[^\s]{1,8}", "NHRP authentication"), secret=True),
            holdtime=Leaf(number(1, 65000, "holdtime")),
            network_id=Leaf(number(1, 4294967295, "network-id")),
            nhs=node(tunnel_ip=tag(either(ipv4, enum("dynamic")), nbma=Leaf(either(ipv4, fqdn), multi=True))),
            map=node(tunnel_ip=tag(ipv4, nbma=Leaf(either(ipv4, enum("local"))))),
            multicast=Leaf(either(ipv4, enum("dynamic")), multi=True),
            redirect=Flag(),
            shortcut=Flag(),
            registration_no_unique=Flag(),
            mtu=Leaf(number(68, 16000, "MTU")),
        )
    else:
        # opennhrp based CLI (1.2 .. 1.4)
        auth = regex(r"[^\s]{1,8}", "cisco-authentication") if version == "1.4" else text(64)
        tunnel = tag(
            TUN_NAME,
            cisco_authentication=Leaf(auth, secret=True),
            holding_time=Leaf(number(1, 4294967295, "holding-time")),
            map=tag(ipv4_host_prefix, nbma_address=Leaf(either(ipv4, fqdn)), register=Flag(), cisco=Flag()),
            dynamic_map=tag(ipv4_host_prefix, nbma_domain_name=Leaf(fqdn)),
            multicast=Leaf(enum("dynamic", "nhs")),
            redirect=Flag(),
            shortcut=Flag(),
            shortcut_destination=Flag(),
            non_caching=Flag(),
            shortcut_target=tag(ipv4_host_prefix, holding_time=Leaf(number(1, 4294967295, "holding-time"))),
        )
    return node(tunnel=tunnel)


def _ipsec(version):
    old = version in ("1.2", "1.3")
    if old:
        pfs = enum("enable", "disable", *("dh-group" + g for g in DH_GROUPS))
        esp_extra = dict(compression=Leaf(enum("enable", "disable")))
        # mobike enable|disable: vyatta-cfg-vpn crux/equuleus templates/vpn/ipsec/ike-group/node.tag/mobike
        ike_extra = dict(ikev2_reauth=Leaf(enum("yes", "no")), mode=Leaf(enum("main", "aggressive")),
                         mobike=Leaf(enum("enable", "disable")),
                         close_action=Leaf(enum("none", "hold", "clear", "restart")),
                         dead_peer_detection=node(action=Leaf(enum("hold", "clear", "restart")),
                                                  interval=Leaf(number(2, 86400)), timeout=Leaf(number(2, 86400))))
        lifetime_ike = number(30, 86400, "lifetime")
    else:
        pfs = enum("enable", "disable", *("dh-group" + g for g in DH_GROUPS))
        esp_extra = dict(compression=Flag(), life_bytes=Leaf(number(1024, 26843545600000)),
                         life_packets=Leaf(number(1000, 26843545600000)), disable_rekey=Flag())
        ike_extra = dict(ikev2_reauth=Flag(), disable_mobike=Flag(), mode=Leaf(enum("main", "aggressive")),
                         close_action=Leaf(enum("none", "trap", "start")),
                         dead_peer_detection=node(action=Leaf(enum("trap", "clear", "restart")),
                                                  interval=Leaf(number(2, 86400)), timeout=Leaf(number(2, 86400))))
        lifetime_ike = number(0, 86400, "lifetime")
    esp_group = tag(
        GROUP_NAME,
        lifetime=Leaf(number(30, 86400, "lifetime")),
        mode=Leaf(enum("tunnel", "transport")),
        pfs=Leaf(pfs),
        proposal=tag(number(1, 65535, "proposal"), encryption=Leaf(ENCRYPTION), hash=Leaf(HASH)),
        **esp_extra,
    )
    ike_proposal = dict(dh_group=Leaf(DH_GROUP), encryption=Leaf(ENCRYPTION), hash=Leaf(HASH))
    if version != "1.2":
        # prf: vyatta-cfg-vpn equuleus and vyos-1x; crux has none.
        ike_proposal["prf"] = Leaf(enum("prfmd5", "prfsha1", "prfsha256", "prfsha384", "prfsha512", "prfaesxcbc",
                                        "prfaescmac"))
    ike_group = tag(
        GROUP_NAME,
        key_exchange=Leaf(enum("ikev1", "ikev2")),
        lifetime=Leaf(lifetime_ike),
        proposal=tag(number(1, 65535, "proposal"), **ike_proposal),
        **ike_extra,
    )
    profile_name = GROUP_NAME if old else regex(r"[a-zA-Z][0-9a-zA-Z_-]+", "profile name")
    profile = tag(
        profile_name,
        authentication=node(mode=Leaf(enum("pre-shared-secret")), pre_shared_secret=Leaf(PSK, secret=True)),
        bind=node(tunnel=tag(TUN_NAME)) if old else node(tunnel=Leaf(TUN_NAME, multi=True)),
        esp_group=Leaf(GROUP_NAME),
        ike_group=Leaf(GROUP_NAME),
    )
    if not old:
        profile = profile.extend(disable=Flag())
    children = dict(esp_group=esp_group, ike_group=ike_group, profile=profile)
    if old:
        children["ipsec_interfaces"] = node(interface=Leaf(IF_NAME, multi=True))
        children["nat_traversal"] = Leaf(enum("enable", "disable"))
    else:
        children["interface"] = Leaf(IF_NAME, multi=True)
    return node(ipsec=node(**children))


def _static(version):
    next_hop = dict(distance=Leaf(number(1, 255, "distance")), disable=Flag())
    route = dict(blackhole=node(distance=Leaf(number(1, 255, "distance"))), dhcp_interface=Leaf(IF_NAME))
    if version not in ("1.2", "1.3"):
        # vyos-1x protocols_static (1.4+); vyatta-cfg-quagga crux/equuleus have none of these.
        next_hop["interface"] = Leaf(IF_NAME)
        route.update(description=Leaf(text(255, 0)), interface=tag(IF_NAME, distance=Leaf(number(1, 255, "distance"))))
    return node(route=tag(ipv4_prefix, next_hop=tag(ipv4, **next_hop), **route))


def _bgp(version):
    asn = number(1, 4294967294, "AS number")
    af = node(ipv4_unicast=node(
        network=tag(ipv4_prefix),
        redistribute=node(connected=node(), static=node()),
    ))
    # nexthop-self is a node (it has a 'force' child) in vyatta-cfg-quagga and vyos-1x alike.
    nbr_af = node(ipv4_unicast=node(route_reflector_client=Flag(), nexthop_self=node(),
                                    attribute_unchanged=node(as_path=Flag(), med=Flag(), next_hop=Flag()),
                                    soft_reconfiguration=node(inbound=Flag())))
    neighbor_children = dict(
        remote_as=Leaf(either(asn, enum("internal", "external"))),
        peer_group=Leaf(GROUP_NAME),
        description=Leaf(text(255)),
        update_source=Leaf(either(ipv4, IF_NAME)),
        ebgp_multihop=Leaf(number(1, 255)),
        disable_connected_check=Flag(),
        password=Leaf(text(80), secret=True),
        timers=node(holdtime=Leaf(number(0, 65535)), keepalive=Leaf(number(0, 65535))),
        address_family=nbr_af,
    )
    bgp_children = dict(
        neighbor=tag(ipv4, **neighbor_children),
        # VyOS has no 'timers' below a peer group (vyatta-cfg-quagga crux/equuleus, vyos-1x).
        peer_group=tag(GROUP_NAME, **{k: v for k, v in neighbor_children.items() if k not in ("peer_group", "timers")}),
        address_family=af,
        parameters=node(router_id=Leaf(ipv4), cluster_id=Leaf(ipv4), log_neighbor_changes=Flag(),
                        network_import_check=Flag()),
    )
    if version != "1.2":
        # listen range: vyatta-cfg-quagga equuleus (1.3.3) and vyos-1x; crux has none.
        bgp_children["listen"] = node(range=tag(ipv4_prefix, peer_group=Leaf(GROUP_NAME)), limit=Leaf(number(1, 5000)))
    if version in ("1.2", "1.3"):
        return tag(asn, **bgp_children)
    return node(system_as=Leaf(asn), **bgp_children)


def _system(version):
    user = tag(
        regex(r"[a-zA-Z0-9._-]+", "user name"),
        authentication=node(encrypted_password=Leaf(any_text), plaintext_password=Leaf(any_text, secret=True),
                            public_keys=tag(any_text, key=Leaf(any_text),
                                            type=Leaf(enum("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256")))),
        full_name=Leaf(text(255, 0)),
    )
    if version == "1.2":
        # vyatta-cfg-system crux; equuleus's system-login XML has no level.
        user = user.extend(level=Leaf(enum("admin", "operator")))
    config_mgmt = node(commit_revisions=Leaf(number(1, 65535, "commit-revisions")))
    if version == "1.5":
        # vyos-1x current 64196ec5f (T5976); sagitta c3f688653 has no commit-confirm node.
        config_mgmt = config_mgmt.extend(commit_confirm=node(action=Leaf(enum("reload", "reboot"))))
    children = {}
    if version in ("1.2", "1.3"):
        # 1.4+ has it as 'service ntp' (vyos-1x sagitta service_ntp.xml.in).
        children["ntp"] = _ntp()
    return node(
        **children,
        host_name=Leaf(HOST_NAME),
        domain_name=Leaf(fqdn),
        time_zone=Leaf(text(64)),
        login=node(user=user, banner=node(pre_login=Leaf(any_text), post_login=Leaf(any_text))),
        config_management=config_mgmt,
        console=node(device=tag(any_text, speed=Leaf(enum("1200", "2400", "4800", "9600", "19200", "38400",
                                                          "57600", "115200")))),
        name_server=Leaf(either(ipv4, fqdn), multi=True),
        syslog=node(global_=node(facility=tag(any_text, level=Leaf(any_text)))),
    )


def _ntp():
    return node(server=tag(either(ipv4, fqdn)))


def _firewall(version):
    rule = tag(number(1, 999999, "rule"), action=Leaf(enum("accept", "drop", "reject")), description=Leaf(text(255)),
               protocol=Leaf(any_text), destination=node(port=Leaf(any_text), address=Leaf(any_text)),
               source=node(address=Leaf(any_text)))
    ruleset = tag(GROUP_NAME, default_action=Leaf(enum("accept", "drop", "reject")), description=Leaf(text(255)),
                  rule=rule)
    if version in ("1.2", "1.3"):
        return node(name=ruleset)
    return node(ipv4=node(name=ruleset))


def build(version):
    """The root schema node for ``version``."""
    if version not in VERSIONS:
        raise ValueError("unsupported VyOS version %r (supported: %s)" % (version, ", ".join(VERSIONS)))
    system = _system(version)
    # ``global`` is a Python keyword: the helper above used ``global_``.
    syslog = system.children["syslog"]
    syslog.children["global"] = syslog.children.pop("global-")
    # ssh port is multi in every version (vyos-1x crux ssh.xml .. current service_ssh.xml.in).
    service = node(ssh=node(port=Leaf(number(1, 65535, "port"), multi=True), listen_address=Leaf(ip, multi=True)))
    if version not in ("1.2", "1.3"):
        service.children["ntp"] = _ntp()
    root = node(
        firewall=_firewall(version),
        interfaces=node(
            ethernet=_ethernet(version),
            loopback=tag(regex(r"lo", "loopback name"), address=_address_leaf(False), description=Leaf(text(255, 0))),
            tunnel=_tunnel(version),
        ),
        protocols=node(static=_static(version), nhrp=_nhrp(version), bgp=_bgp(version)),
        service=service,
        system=system,
        vpn=_ipsec(version),
    )
    return facts.apply_to_schema(root, version)


_CACHE = {}


def schema_for(version):
    if version not in _CACHE:
        _CACHE[version] = build(version)
    return _CACHE[version]
