"""Commit-time checks of a VyOS commit, per version: what ``commit`` refuses, in VyOS's words.

The rules the router (router.py) applies to a candidate config before it becomes the running
one: mandatory leaves, references between nodes (tunnels, IPsec groups and profiles, BGP peer
groups) and the DMVPN guide's multipoint GRE rules. Functions of the configs alone, kept apart
from the router state so that the rules read as one list.
"""


def _first(values):
    return values[0] if isinstance(values, list) and values else None


def check_commit(router, running, candidate, deleted_paths):
    """Return VyOS-style error blocks for everything the commit must refuse."""
    version = candidate.version
    errors = []

    def fail(path, message):
        errors.append("[ %s ]\n%s\n\n[[%s]] failed" % (path, message, path))

    tunnels = candidate.get(["interfaces", "tunnel"]) or {}
    local_leaf = "local-ip" if version == "1.2" else "source-address"
    remote_leaf = "remote-ip" if version == "1.2" else "remote"
    nhrp_tunnels = candidate.get(["protocols", "nhrp", "tunnel"]) or {}

    for name, tun in tunnels.items():
        path = "interfaces tunnel %s" % name
        if not tun.get("encapsulation"):
            fail(path, "Must configure the tunnel encapsulation for %s!" % name)
            continue
        encap = _first(tun.get("encapsulation"))
        if version in ("1.4", "1.5") and encap == "gre" and _first(tun.get(local_leaf)) == "0.0.0.0" \
                and not (tun.get("parameters") or {}).get("ip", {}).get("key"):
            fail(path, "Tunnel parameters ip key must be set when using multipoint GRE with source-address 0.0.0.0!")
        # The DMVPN guide's rule: once a tunnel had a remote endpoint it only becomes multipoint
        # again when the interface is deleted and created anew.
        before = (running.get(["interfaces", "tunnel"]) or {}).get(name)
        if before and before.get(remote_leaf) and not tun.get(remote_leaf):
            recreated = any(p in deleted_paths
                            for p in [(), ("interfaces",), ("interfaces", "tunnel"), ("interfaces", "tunnel", name)])
            if not recreated:
                fail(path, "Tunnel %s had a remote endpoint (%s): it cannot become multipoint GRE in place. "
                           "Delete the interface and create it again without %s." % (name, remote_leaf, remote_leaf))
    if version in ("1.4", "1.5"):
        seen = {}
        for name, tun in tunnels.items():
            if _first(tun.get("encapsulation")) not in ("gre", "gretap"):
                continue
            src = _first(tun.get(local_leaf))
            key = _first((tun.get("parameters") or {}).get("ip", {}).get("key"))
            if src is None:
                continue
            if (src, key) in seen:
                fail("interfaces tunnel %s" % name, "Key %s for source-address %s is already used by tunnel %s!"
                     % (key, src, seen[(src, key)]))
            seen[(src, key)] = name

    for name, nh in nhrp_tunnels.items():
        path = "protocols nhrp tunnel %s" % name
        tun = tunnels.get(name)
        if tun is None:
            fail(path, "Tunnel used for NHRP, it can not be deleted!" if version in ("1.4", "1.5")
                 else "Interface %s does not exist" % name)
            continue
        if _first(tun.get("encapsulation")) != "gre":
            fail(path, "Tunnel encapsulation type must be set to GRE!")
        if tun.get(remote_leaf):
            fail(path, "Tunnel remote must not be configured on an NHRP (multipoint) tunnel!")
        if not tun.get("address"):
            fail(path, "Tunnel %s used for NHRP must have an address" % name)
        if version == "1.5":
            for addr in tun.get("address") or []:
                if ":" not in addr and not addr.endswith("/32"):
                    fail(path, "Tunnel is used for NHRP, Netmask should be /32!")
            if not nh.get("network-id"):
                # protocols_nhrp.py verify(); nhrpd keeps NHRP off without one
                fail(path, "network-id is mandatory for NHRP tunnel %s!" % name)
            for tip, entry in ((nh.get("nhs") or {}).get("tunnel-ip") or {}).items():
                if not entry.get("nbma"):
                    fail(path, "nhs tunnel-ip %s requires nbma" % tip)
            for tip, entry in ((nh.get("map") or {}).get("tunnel-ip") or {}).items():
                if not entry.get("nbma"):
                    fail(path, "map tunnel-ip %s requires nbma" % tip)
        else:
            for prefix, entry in (nh.get("map") or {}).items():
                if not entry.get("nbma-address"):
                    fail(path, "nbma-address is required for map %s" % prefix)
            for prefix, entry in (nh.get("dynamic-map") or {}).items():
                if not entry.get("nbma-domain-name"):
                    fail(path, "nbma-domain-name is required for dynamic-map %s" % prefix)

    ipsec = candidate.get(["vpn", "ipsec"]) or {}
    ethernet = candidate.get(["interfaces", "ethernet"]) or {}
    if version in ("1.2", "1.3"):
        ipsec_ifaces = (ipsec.get("ipsec-interfaces") or {}).get("interface") or []
        if_path = "vpn ipsec ipsec-interfaces interface"
    else:
        ipsec_ifaces = ipsec.get("interface") or []
        if_path = "vpn ipsec interface"
    for iface in ipsec_ifaces:
        base = iface.split(".")[0]
        if base.startswith("eth") and base not in ethernet:
            fail(if_path, "Interface %s does not exist" % iface)
    for pname, profile in (ipsec.get("profile") or {}).items():
        path = "vpn ipsec profile %s" % pname
        auth = profile.get("authentication") or {}
        if not auth or not auth.get("pre-shared-secret"):
            fail(path, "Authentication (mode pre-shared-secret and pre-shared-secret) must be configured for profile %s"
                 % pname)
        for group_kind in ("esp-group", "ike-group"):
            group = _first(profile.get(group_kind))
            if group is None:
                fail(path, "%s must be configured for profile %s" % (group_kind, pname))
            elif group not in (ipsec.get(group_kind) or {}):
                fail(path, "Invalid %s '%s' specified for profile %s" % (group_kind, group, pname))
        bind = (profile.get("bind") or {}).get("tunnel") or {}
        for tunnel in (bind if isinstance(bind, list) else list(bind)):
            if tunnel not in tunnels:
                fail(path, "Tunnel interface %s bound to profile %s does not exist" % (tunnel, pname))
        if bind and not ipsec_ifaces and version in ("1.2", "1.3"):
            fail(path, "No ipsec-interfaces configured: the profile cannot be bound")
    for gname, group in (ipsec.get("esp-group") or {}).items():
        if not group.get("proposal"):
            fail("vpn ipsec esp-group %s" % gname, "At least one proposal is required for esp-group %s" % gname)
    for gname, group in (ipsec.get("ike-group") or {}).items():
        if not group.get("proposal"):
            fail("vpn ipsec ike-group %s" % gname, "At least one proposal is required for ike-group %s" % gname)

    for prefix, route in ((candidate.get(["protocols", "static", "route"]) or {}).items()):
        if not route:
            fail("protocols static route %s" % prefix, "Route %s needs a next-hop, an interface or blackhole" % prefix)

    errors.extend(_check_bgp(candidate))
    return errors


def _check_bgp(candidate):
    errors = []
    bgp = candidate.get(["protocols", "bgp"]) or {}
    if not bgp:
        return errors
    if candidate.version in ("1.2", "1.3"):
        instances = list(bgp.items())
    else:
        if not bgp.get("system-as"):
            return ["[ protocols bgp ]\nBGP system-as number must be defined!\n\n[[protocols bgp]] failed"]
        instances = [(_first(bgp.get("system-as")), bgp)]
    for dummy_asn, inst in instances:
        groups = inst.get("peer-group") or {}
        for nbr, conf in (inst.get("neighbor") or {}).items():
            group = _first(conf.get("peer-group"))
            if group and group not in groups:
                errors.append("[ protocols bgp ]\nSpecified peer-group \"%s\" for neighbor \"%s\" does not exist!"
                              "\n\n[[protocols bgp]] failed" % (group, nbr))
            elif not conf.get("remote-as") and not (group and groups[group].get("remote-as")):
                errors.append("[ protocols bgp ]\nremote-as must be set under neighbor or peer-group for %s!"
                              "\n\n[[protocols bgp]] failed" % nbr)
        for prefix, entry in ((inst.get("listen") or {}).get("range") or {}).items():
            group = _first(entry.get("peer-group"))
            if not group or group not in groups:
                errors.append("[ protocols bgp ]\nListen range %s requires an existing peer-group!"
                              "\n\n[[protocols bgp]] failed" % prefix)
    return errors
