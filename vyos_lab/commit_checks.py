"""Commit-time checks of a VyOS commit, per version: what ``commit`` refuses, in VyOS's words.

commit_rules.RULES lists every refusal the lab knows, with VyOS's text and its source; the
checks below can only refuse with a rule of that list (``_Script.refuse`` looks it up).

Each check mirrors one VyOS commit step: a vyos-1x conf-mode script's verify(), a Perl
script, or a node.def commit:expression. Like VyOS, one step stops at its first error and
runs only when the part of the configuration it owns changed; different steps each report.
"""

import ipaddress
import re

from .commit_checks_firewall import firewall_steps
from .commit_rules import BY_KEY, OLD

# vyos-1x python/vyos/configverify.py dynamic_interface_pattern (sagitta, circinus; T5880)
DYNAMIC_INTERFACE = re.compile(r"(ppp|pppoe|sstpc|l2tp|ipoe)[0-9]+")
GRE_FAMILY = ("gre", "gretap")
PRF_HASHES = ("aes128gmac", "aes192gmac", "aes256gmac", "sha256_96")   # vpn_ipsec.py (1.5): no equivalent PRF
INTERFACE_TYPES = (("eth", "ethernet"), ("lo", "loopback"), ("tun", "tunnel"), ("bond", "bonding"),
                   ("br", "bridge"), ("wg", "wireguard"), ("vtun", "openvpn"), ("pppoe", "pppoe"),
                   ("dum", "dummy"))


class _Refused(Exception):
    pass


class _Script:
    """One VyOS commit step: ``refuse`` raises (stops the step) with the rule's text."""

    def __init__(self, version, **values):
        self.version = version
        self.values = values   # what every message of the step may name (the tunnel)

    def refuse(self, rid, **values):
        rule = BY_KEY[(rid, self.version)]   # KeyError: a check without a listed rule
        values = dict(self.values, **values)
        raise _Refused(rule.path.format(**values), rule.text.format(**values))


def _first(values):
    return values[0] if isinstance(values, list) and values else None


def _ipv6(value):
    return value is not None and ":" in value


def _ipv4(value):
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
    except ValueError:
        return False


# A lab router's network cards: the two ethernet interfaces a fresh install shows with their
# hw-id (router.default_config_lines; a unit test keeps both the same). They exist whatever the
# configuration says, as NICs do.
LAB_NICS = ("eth0", "eth1")


def nics(router):
    """The router's network cards: the lab's two, and any ethernet its config gives a hw-id."""
    found = set(LAB_NICS)
    for config in (router.running, router.saved):
        for name, data in (config.get(["interfaces", "ethernet"]) or {}).items():
            if (data or {}).get("hw-id"):
                found.add(name)
    return found


def interface_exists(router, candidate, ifname):
    base, dummy, vif = ifname.partition(".")
    for prefix, kind in INTERFACE_TYPES:
        if re.fullmatch(prefix + r"[0-9]+", base) or (kind == "loopback" and base == "lo"):
            # a NIC is in the kernel whatever the config says; the other interfaces (and VLANs)
            # exist once configured
            entry = (candidate.get(["interfaces", kind]) or {}).get(base)
            if kind == "ethernet" and base not in nics(router):
                return False
            if entry is None:
                return kind == "ethernet" and not vif
            return not vif or vif in (entry.get("vif") or {})
    return False


def check_commit(router, running, candidate, deleted_paths):
    """Return VyOS-style error blocks for everything the commit must refuse."""
    ctx = _Context(router, running, candidate, deleted_paths)
    errors = []
    for step, args in ctx.steps():
        try:
            step(_Script(candidate.version, name=args[0] if args and isinstance(args[0], str) else None), ctx, *args)
        except _Refused as refused:
            path, message = refused.args
            errors.append("[ %s ]\n%s\n\n[[%s]] failed" % (path, message, path))
    return errors


class _Context:
    def __init__(self, router, running, candidate, deleted_paths):
        self.router = router
        self.running = running
        self.candidate = candidate
        self.deleted_paths = deleted_paths
        self.version = candidate.version
        self.tunnels = candidate.get(["interfaces", "tunnel"]) or {}
        self.local_leaf = "local-ip" if self.version == "1.2" else "source-address"
        self.remote_leaf = "remote-ip" if self.version == "1.2" else "remote"

    def changed(self, *path):
        return self.running.get(list(path)) != self.candidate.get(list(path))

    def steps(self):
        """The commit's steps, in VyOS priority order, each only when its part changed."""
        steps = []
        for name in sorted((self.candidate.get(["interfaces", "ethernet"]) or {})):
            if self.version != "1.2" and self.changed("interfaces", "ethernet", name):
                steps.append((_ethernet, (name,)))
        before = self.running.get(["interfaces", "tunnel"]) or {}
        for name in sorted(set(before) | set(self.tunnels)):
            if self.changed("interfaces", "tunnel", name):
                steps.append((_tunnel_deleted if name not in self.tunnels else _tunnel, (name,)))
        if self.changed("protocols", "nhrp"):
            steps.append((_nhrp, ()))
        if self.changed("vpn"):
            steps.extend(_ipsec_steps(self))
        if self.changed("protocols", "static"):
            steps.append((_static, ()))
        if self.changed("protocols", "bgp"):
            steps.append((_bgp, ()))
        return steps + firewall_steps(self)


def _ethernet(script, ctx, name):
    if name not in nics(ctx.router):
        script.refuse("ethernet-exists", name=name)


def _tunnel_deleted(script, ctx, name):
    if name in (ctx.candidate.get(["protocols", "nhrp", "tunnel"]) or {}):
        script.refuse("tunnel-deleted-nhrp", name=name)


def _tunnel(script, ctx, name):
    if ctx.version == "1.2":
        _tunnel_12(script, ctx, name)
    else:
        _tunnel_py(script, ctx, name)


def _tunnel_12(script, ctx, name):
    tun = ctx.tunnels[name]
    encap, local, remote = _first(tun.get("encapsulation")), _first(tun.get("local-ip")), _first(tun.get("remote-ip"))
    if local is None:
        script.refuse("tunnel-local-ip", name=name)
    if encap is None:
        script.refuse("tunnel-encapsulation", name=name)
    if encap == "gre" and remote is None and local == "0.0.0.0" and not _key(tun):
        script.refuse("tunnel-any-needs-key", name=name)
    if encap != "gre" and remote is None:
        script.refuse("tunnel-remote", name=name)
    if encap == "gre" and remote is None and _ipv6(local):
        script.refuse("tunnel-ipv6-local-mgre", name=name, local=local)
    addresses = tun.get("address") or []
    if encap == "gre" and remote is None and any(":" in a for a in addresses):
        script.refuse("tunnel-ipv6-address-mgre", name=name, addresses=" ".join(addresses))
    if encap == "gre" and (_ipv6(local) or _ipv6(remote)):
        script.refuse("tunnel-ipv6-gre", name=name)
    _multipoint_in_place(script, ctx, name)


def _multipoint_in_place(script, ctx, name):
    before = (ctx.running.get(["interfaces", "tunnel"]) or {}).get(name)
    if before and before.get(ctx.remote_leaf) and not ctx.tunnels[name].get(ctx.remote_leaf):
        recreated = any(p in ctx.deleted_paths
                        for p in [(), ("interfaces",), ("interfaces", "tunnel"), ("interfaces", "tunnel", name)])
        if not recreated:
            script.refuse("tunnel-multipoint-in-place", name=name, leaf=ctx.remote_leaf)


def _key(tun):
    return _first((tun.get("parameters") or {}).get("ip", {}).get("key"))


def _tunnel_py(script, ctx, name):
    """interfaces-tunnel.py / interfaces_tunnel.py verify(), in its order."""
    tun, version = ctx.tunnels[name], ctx.version
    if version == "1.5" and ctx.candidate.get(["protocols", "nhrp", "tunnel"]):
        # any NHRP tunnel on the router makes every tunnel's addresses /32 (get_config() lists them all)
        for address in tun.get("address") or []:
            if ipaddress.ip_network(address, strict=False).prefixlen != 32:
                script.refuse("tunnel-nhrp-netmask", name=name)
    _verify_tunnel(script, ctx, name, tun)
    encap = _first(tun.get("encapsulation"))
    source, key = _first(tun.get("source-address")), _key(tun)
    if encap == "gre" and source == "0.0.0.0" and key is None:
        script.refuse("tunnel-any-needs-key", name=name)
    if encap in GRE_FAMILY:
        _gre_pairs(script, ctx, name, tun)
    if encap in ("ipip", "sit") and key is not None:
        script.refuse("tunnel-key-ipip")
    src_if = _first(tun.get("source-interface"))
    if src_if is not None:
        if version == "1.3":
            if not interface_exists(ctx.router, ctx.candidate, src_if):
                script.refuse("tunnel-source-interface-exists", source=src_if)
        elif DYNAMIC_INTERFACE.match(src_if):
            script.refuse("tunnel-source-interface-dynamic", name=name, source=src_if)
        elif not interface_exists(ctx.router, ctx.candidate, src_if):
            script.refuse("tunnel-source-interface-exists", source=src_if)
    if version == "1.3":
        _multipoint_in_place(script, ctx, name)


def _verify_tunnel(script, ctx, name, tun):
    """configverify.py verify_tunnel()."""
    encap = _first(tun.get("encapsulation"))
    source, remote = _first(tun.get("source-address")), _first(tun.get("remote"))
    if encap is None:
        script.refuse("tunnel-encapsulation", name=name)
    if source is None and not tun.get("source-interface"):
        script.refuse("tunnel-source")
    if remote is None and encap != "gre":
        script.refuse("tunnel-remote")
    ipv6_encaps = ("ipip6", "ip6ip6", "ip6gre") + (("ip6gretap", "ip6erspan") if ctx.version != "1.3" else ())
    if encap in ipv6_encaps:
        if source is not None and not _ipv6(source):
            script.refuse("tunnel-source-ipv6")
        if remote is not None and not _ipv6(remote):
            script.refuse("tunnel-remote-ipv6")
    else:
        if source is not None and not _ipv4(source):
            script.refuse("tunnel-source-ipv4")
        if remote is not None and not _ipv4(remote):
            script.refuse("tunnel-remote-ipv4")
    no_source_if = ("sit", "gretap") + (("ip6gretap",) if ctx.version != "1.3" else ())
    if encap in no_source_if and tun.get("source-interface"):
        script.refuse("tunnel-source-interface-encapsulation", encapsulation=encap)


def _gre_pairs(script, ctx, name, tun):
    """The GRE key / endpoint pair checks against the other tunnels (T2920)."""
    ours = (_first(tun.get("source-address")), _key(tun), _first(tun.get("source-interface")),
            _first(tun.get("remote")))
    for other in sorted(ctx.tunnels):
        conf = ctx.tunnels[other]
        if other == name or _first(conf.get("encapsulation")) not in GRE_FAMILY:
            continue
        address, key, src_if, remote = ours
        theirs = (_first(conf.get("source-address")), _key(conf), _first(conf.get("source-interface")),
                  _first(conf.get("remote")))
        if key is not None:
            if theirs[0] == address and theirs[1] == key:
                script.refuse("tunnel-key-used", key=key, source=address, other=other)
        elif ctx.version in ("1.3", "1.4"):
            # both source-interfaces unset compare equal: two keyless mGRE tunnels always clash
            if (theirs[0] == address or theirs[2] == src_if) and theirs[3] == remote:
                script.refuse("tunnel-key-missing")
        elif theirs[3] == remote:
            if address is not None and theirs[0] == address:
                script.refuse("tunnel-key-missing-address")
            if theirs[2] == src_if and theirs[0] == address:
                script.refuse("tunnel-key-missing-interface")


def _nhrp(script, ctx):
    nhrp_tunnels = ctx.candidate.get(["protocols", "nhrp", "tunnel"]) or {}
    for name in sorted(nhrp_tunnels):
        nh, tun = nhrp_tunnels[name] or {}, ctx.tunnels.get(name)
        if tun is None:
            script.refuse("nhrp-tunnel-exists", name=name)
        encap = _first(tun.get("encapsulation"))
        if ctx.version in OLD:
            # vyos-update-nhrp.pl looks for remote-ip, a leaf 1.3 renamed to remote
            if encap != "gre" or tun.get("remote-ip"):
                script.refuse("nhrp-mgre", name=name)
            continue
        if ctx.version == "1.5":
            for address in tun.get("address") or []:
                if ipaddress.ip_network(address, strict=False).prefixlen != 32:
                    script.refuse("nhrp-netmask", name=name)
        if encap != "gre":
            script.refuse("nhrp-mgre", name=name)
        if ctx.version == "1.5" and not nh.get("network-id"):
            script.refuse("nhrp-network-id", name=name)
        if tun.get("remote"):
            script.refuse("nhrp-remote", name=name)
        if ctx.version == "1.4":
            _nhrp_maps_14(script, name, nh)
        else:
            _nhrp_maps_15(script, name, nh)


def _nhrp_maps_14(script, name, nh):
    for prefix, entry in (nh.get("map") or {}).items():
        if not (entry or {}).get("nbma-address"):
            script.refuse("nhrp-map-nbma", map=prefix, name=name)
    for prefix, entry in (nh.get("dynamic-map") or {}).items():
        if not (entry or {}).get("nbma-domain-name"):
            script.refuse("nhrp-dynamic-map-nbma", map=prefix, name=name)


def _nhrp_maps_15(script, name, nh):
    for tip, entry in ((nh.get("map") or {}).get("tunnel-ip") or {}).items():
        if not (entry or {}).get("nbma"):
            script.refuse("nhrp-map-nbma", map=tip, name=name)
    seen = []
    for tip, entry in ((nh.get("nhs") or {}).get("tunnel-ip") or {}).items():
        nbmas = (entry or {}).get("nbma") or []
        if not nbmas:
            script.refuse("nhrp-nhs-nbma", nhs=tip, name=name)
        if tip != "dynamic" and len(nbmas) > 1:
            script.refuse("nhrp-nhs-one-nbma", nhs=tip)
        for nbma in nbmas:
            if nbma in seen:
                script.refuse("nhrp-nbma-shared", nbma=nbma)
            seen.append(nbma)


def _ipsec_steps(ctx):
    ipsec = ctx.candidate.get(["vpn", "ipsec"]) or {}
    if ctx.version not in OLD:
        return [(_ipsec_py, (ipsec,))] if ipsec else []
    steps = []
    for pname, profile in sorted((ipsec.get("profile") or {}).items()):
        for tunnel in sorted(((profile or {}).get("bind") or {}).get("tunnel") or {}):
            steps.append((_ipsec_bind_old, (pname, profile, tunnel)))
    if ipsec:
        steps.append((_vpn_config_old, (ipsec,)))
        steps.append((_dmvpn_config_old, (ipsec,)))
    return steps


def _ipsec_bind_old(script, ctx, pname, profile, tunnel):
    """bind/tunnel/node.def commit:expressions (1.2/1.3: the tunnel's remote-ip, which 1.3 renamed)."""
    values = dict(profile=pname, tunnel=tunnel)
    for leaf, rid in (("esp-group", "ipsec-bind-esp-group"), ("ike-group", "ipsec-bind-ike-group"),
                      ("authentication", "ipsec-bind-authentication")):
        if not profile.get(leaf):
            script.refuse(rid, **values)
    tun = ctx.tunnels.get(tunnel) or {}
    if not (_first(tun.get("encapsulation")) == "gre" and not tun.get("remote-ip")):
        script.refuse("ipsec-bind-mgre", **values)


def _vpn_config_old(script, ctx, ipsec):
    """vpn-config.pl: ESP groups, then IKE groups, each needs a proposal."""
    for kind, rid in (("esp-group", "ipsec-esp-proposal"), ("ike-group", "ipsec-ike-proposal")):
        for gname, group in sorted((ipsec.get(kind) or {}).items()):
            if not (group or {}).get("proposal"):
                script.refuse(rid, group=gname)


def _dmvpn_config_old(script, ctx, ipsec):
    """dmvpn-config.pl, per profile: IKE group, ESP group, authentication."""
    for pname, profile in sorted((ipsec.get("profile") or {}).items()):
        profile = profile or {}
        _profile_groups(script, ipsec, pname, profile, ("ike-group", "esp-group"))
        auth = profile.get("authentication") or {}
        if _first(auth.get("mode")) is None:
            script.refuse("ipsec-profile-authentication", profile=pname)
        if not auth.get("pre-shared-secret"):
            script.refuse("ipsec-profile-psk", profile=pname)


def _profile_groups(script, ipsec, pname, profile, kinds):
    """A profile names each group kind (in the order the version checks them), and it exists."""
    for kind in kinds:
        group = _first(profile.get(kind))
        if group is None:
            script.refuse("ipsec-profile-" + kind, profile=pname)
        if group not in (ipsec.get(kind) or {}):
            script.refuse("ipsec-profile-%s-exists" % kind, profile=pname, group=group)


def _ipsec_py(script, ctx, ipsec):
    """vpn_ipsec.py verify() (1.4, 1.5), in its order."""
    for iface in ipsec.get("interface") or []:
        # dynamic interfaces only warn
        if not DYNAMIC_INTERFACE.match(iface) and not interface_exists(ctx.router, ctx.candidate, iface):
            script.refuse("ipsec-interface-exists", interface=iface)
    if ctx.version == "1.5":
        for dummy, group in sorted((ipsec.get("ike-group") or {}).items()):
            for proposal, conf in sorted(((group or {}).get("proposal") or {}).items()):
                conf = conf or {}
                if conf.get("encryption") and not conf.get("prf") and _first(conf.get("hash")) in PRF_HASHES:
                    script.refuse("ipsec-prf", proposal=proposal)
    for pname, profile in sorted((ipsec.get("profile") or {}).items()):
        profile = profile or {}
        _profile_groups(script, ipsec, pname, profile, ("esp-group", "ike-group"))
        if "authentication" not in profile:
            script.refuse("ipsec-profile-authentication", profile=pname)


def _static(script, ctx):
    if ctx.version not in OLD:
        return
    for prefix, route in sorted((ctx.candidate.get(["protocols", "static", "route"]) or {}).items()):
        if not route:
            script.refuse("static-route-next-hop", prefix=prefix)


def _bgp(script, ctx):
    bgp = ctx.candidate.get(["protocols", "bgp"]) or {}
    if not bgp:
        return
    if ctx.version in OLD:
        for dummy_asn, inst in bgp.items():
            _bgp_instance(script, inst or {})
        return
    if not bgp.get("system-as"):
        script.refuse("bgp-system-as")
    _bgp_instance(script, bgp)


def _bgp_instance(script, inst):
    groups = inst.get("peer-group") or {}
    for nbr, conf in (inst.get("neighbor") or {}).items():
        conf = conf or {}
        group = _first(conf.get("peer-group"))
        if group and group not in groups:
            script.refuse("bgp-peer-group-exists", group=group, neighbor=nbr)
        if not conf.get("remote-as") and not (group and (groups[group] or {}).get("remote-as")):
            script.refuse("bgp-remote-as", neighbor=nbr)
    for prefix, entry in ((inst.get("listen") or {}).get("range") or {}).items():
        group = _first((entry or {}).get("peer-group"))
        if script.version in OLD:
            if not group or group not in groups:
                script.refuse("bgp-listen-range-peer-group", prefix=prefix)
            continue
        if not group:
            script.refuse("bgp-listen-range-peer-group", prefix=prefix)
        if group not in groups:
            script.refuse("bgp-listen-range-peer-group-exists", group=group, prefix=prefix)
        if not (groups[group] or {}).get("remote-as"):
            script.refuse("bgp-listen-range-remote-as", group=group)
