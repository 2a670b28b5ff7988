"""DMVPN state computed across the lab's routers from their running configurations.

What a real network would show after the routers talk to each other: a spoke registers at a
hub when GRE key, NHRP authentication, NBMA and tunnel addresses agree and (when IPsec
protects the tunnel) the pre-shared keys match and the IKE/ESP proposals intersect; a spoke to
spoke shortcut appears after traffic crosses the hub when the hub redirects and the spoke
takes shortcuts. Mismatches show as down, with the reason.
"""

import ipaddress


def _first(values):
    return values[0] if isinstance(values, list) and values else None


class Endpoint:
    """One router's NHRP tunnel as the network sees it."""

    def __init__(self, router, tunnel, lab):
        conf = router.running
        version = router.version
        self.router = router
        self.tunnel = tunnel
        tun = conf.get(["interfaces", "tunnel", tunnel]) or {}
        nhrp = conf.get(["protocols", "nhrp", "tunnel", tunnel]) or {}
        self.addresses = [ipaddress.IPv4Interface(a) for a in tun.get("address") or [] if ":" not in a]
        self.tunnel_ip = self.addresses[0] if self.addresses else None
        self.key = _first((tun.get("parameters") or {}).get("ip", {}).get("key"))
        local = _first(tun.get("local-ip" if version == "1.2" else "source-address"))
        self.wan_interface, wan_address = lab.wan_of(router)
        self.nbma = wan_address if local in (None, "0.0.0.0") else local
        if local not in (None, "0.0.0.0"):
            self.wan_interface = lab.interface_with_address(router, local) or self.wan_interface
        self.nhs = []  # (hub tunnel ip, hub nbma)
        self.maps = []  # (peer tunnel ip, peer nbma): static mappings that do not register
        if version == "1.5":
            self.auth = _first(nhrp.get("authentication"))
            for tip, entry in ((nhrp.get("nhs") or {}).get("tunnel-ip") or {}).items():
                for nbma in entry.get("nbma") or []:
                    self.nhs.append((tip, nbma))
            for tip, entry in ((nhrp.get("map") or {}).get("tunnel-ip") or {}).items():
                self.maps.append((tip, _first(entry.get("nbma"))))
            self.multicast = nhrp.get("multicast") or []
        else:
            self.auth = _first(nhrp.get("cisco-authentication"))
            for prefix, entry in (nhrp.get("map") or {}).items():
                pair = (prefix.split("/")[0], _first(entry.get("nbma-address")))
                (self.nhs if "register" in entry else self.maps).append(pair)
            self.multicast = nhrp.get("multicast") or []
        self.redirect = "redirect" in nhrp
        self.shortcut = "shortcut" in nhrp
        self.is_hub = not self.nhs
        self.ipsec = _ipsec_of(conf, version, tunnel)

    @property
    def name(self):
        return self.router.name


def _ipsec_of(conf, version, tunnel):
    ipsec = conf.get(["vpn", "ipsec"]) or {}
    interfaces = ((ipsec.get("ipsec-interfaces") or {}).get("interface") if version in ("1.2", "1.3")
                  else ipsec.get("interface")) or []
    for pname, profile in (ipsec.get("profile") or {}).items():
        bind = (profile.get("bind") or {}).get("tunnel") or []
        if tunnel not in bind or "disable" in profile:
            continue
        esp = (ipsec.get("esp-group") or {}).get(_first(profile.get("esp-group"))) or {}
        ike = (ipsec.get("ike-group") or {}).get(_first(profile.get("ike-group"))) or {}
        return {
            "profile": pname,
            "psk": _first((profile.get("authentication") or {}).get("pre-shared-secret")),
            "interfaces": interfaces,
            "ike": _proposals(ike), "esp": _proposals(esp),
            "key_exchange": _first(ike.get("key-exchange")),
            "pfs": _first(esp.get("pfs")) or "enable",
        }
    return None


def _proposals(group):
    out = set()
    for _pid, prop in (group.get("proposal") or {}).items():
        out.add((_first(prop.get("encryption")) or "aes128", _first(prop.get("hash")) or "sha1"))
    return out


def ipsec_problem(a, b):
    """Why IPsec between two endpoints cannot come up, or None when it can."""
    if a.ipsec is None and b.ipsec is None:
        return None
    if a.ipsec is None or b.ipsec is None:
        missing = a if a.ipsec is None else b
        return "IPsec profile not bound to %s on %s" % (missing.tunnel, missing.name)
    for ep in (a, b):
        if ep.wan_interface not in ep.ipsec["interfaces"]:
            return "IPsec not enabled on %s's WAN interface %s" % (ep.name, ep.wan_interface)
    if a.ipsec["psk"] != b.ipsec["psk"]:
        return "IKE authentication failed (pre-shared key mismatch)"
    kx = {a.ipsec["key_exchange"], b.ipsec["key_exchange"]} - {None}
    if len(kx) > 1:
        return "IKE version mismatch (%s)" % "/".join(sorted(kx))
    if not a.ipsec["ike"] & b.ipsec["ike"]:
        return "no matching IKE proposal"
    if not a.ipsec["esp"] & b.ipsec["esp"]:
        return "no matching ESP proposal"
    return None


def registration_problem(spoke, hub, nhs_ip):
    """Why ``spoke`` cannot register at ``hub``, or None when it does."""
    if hub.router.faults.down:
        return "hub %s unreachable" % hub.name
    if hub.tunnel_ip is None or str(hub.tunnel_ip.ip) != nhs_ip:
        return "no NHRP server at %s" % nhs_ip
    if spoke.key != hub.key:
        return "GRE key mismatch (%s vs %s)" % (spoke.key, hub.key)
    problem = ipsec_problem(spoke, hub)
    if problem:
        return problem
    if spoke.auth != hub.auth:
        return "NHRP authentication mismatch"
    if spoke.tunnel_ip is None:
        return "no tunnel address"
    # FRR NHRP (VyOS 1.5) tunnels carry /32 host addresses: there is no subnet to compare
    any_host = spoke.tunnel_ip.network.prefixlen == 32 or hub.tunnel_ip.network.prefixlen == 32
    if not any_host and spoke.tunnel_ip.network != hub.tunnel_ip.network:
        return "tunnel subnet mismatch (%s vs %s)" % (spoke.tunnel_ip.network, hub.tunnel_ip.network)
    return None


class NetworkView:
    """A snapshot of the DMVPN state of the whole lab."""

    def __init__(self, lab, routers=None):
        self.lab = lab
        self.endpoints = []
        for router in routers if routers is not None else lab.all_routers():
            if router.faults.down:
                continue
            for tunnel in (router.running.get(["protocols", "nhrp", "tunnel"]) or {}):
                if router.running.exists(["interfaces", "tunnel", tunnel]):
                    self.endpoints.append(Endpoint(router, tunnel, lab))
        self.by_nbma = {}
        for ep in self.endpoints:
            self.by_nbma.setdefault(ep.nbma, []).append(ep)
        # registrations: (spoke endpoint, hub tunnel ip, hub nbma) -> (hub endpoint or None, problem)
        self.registrations = []
        for ep in self.endpoints:
            for tip, nbma in ep.nhs:
                hubs = [h for h in self.by_nbma.get(nbma, []) if h is not ep]
                hub = next((h for h in hubs if h.tunnel_ip is not None and str(h.tunnel_ip.ip) == tip), None)
                if hub is None and hubs:
                    hub = hubs[0]
                problem = "hub %s unreachable" % nbma if hub is None else registration_problem(ep, hub, tip)
                self.registrations.append((ep, tip, nbma, hub, problem))

    def endpoints_of(self, router):
        return [ep for ep in self.endpoints if ep.router is router]

    def registered_spokes(self, hub):
        return [(sp, tip) for sp, tip, _nbma, h, problem in self.registrations if h is hub and problem is None]

    def registrations_of(self, spoke):
        return [(tip, nbma, hub, problem) for sp, tip, nbma, hub, problem in self.registrations if sp is spoke]

    def static_peer(self, ep, tunnel_ip):
        """The endpoint ``ep`` sends to for ``tunnel_ip`` by a static NHRP map (no registration:
        NHRP authentication plays no part), or None: the mapped NBMA address must be up and hold
        that tunnel address, with the same GRE key, and IPsec between the two must come up."""
        for tip, nbma in ep.maps:
            if tip != tunnel_ip:
                continue
            peer = next((other for other in self.by_nbma.get(nbma, []) if other is not ep
                         and other.tunnel_ip is not None and str(other.tunnel_ip.ip) == tip), None)
            if peer is None or peer.key != ep.key or ipsec_problem(ep, peer):
                return None
            return peer
        return None

    def static_link(self, a, b):
        """Do ``a`` and ``b`` map each other statically (so a session between them works both ways)?"""
        return (b.tunnel_ip is not None and self.static_peer(a, str(b.tunnel_ip.ip)) is b and
                a.tunnel_ip is not None and self.static_peer(b, str(a.tunnel_ip.ip)) is a)

    def shortcut_ok(self, a, b):
        """Can spoke ``a`` hold a direct shortcut to spoke ``b``?"""
        if not (a.shortcut and b.tunnel_ip is not None and a.key == b.key and a.auth == b.auth):
            return False
        if ipsec_problem(a, b):
            return False
        hubs_a = {id(h) for tip, nbma, h, p in self.registrations_of(a) if p is None}
        common = [h for tip, nbma, h, p in self.registrations_of(b) if p is None and id(h) in hubs_a]
        return any(h.redirect for h in common)

    def peer_of(self, ep, router_name):
        """The endpoint of router ``router_name`` in ``ep``'s DMVPN (a router of two clouds has an
        endpoint in each): the one ``ep`` can hold a shortcut to, else the one with its GRE key,
        else its first; None when the router has none."""
        theirs = [o for o in self.endpoints if o.router.name == router_name]
        for fits in (lambda o: self.shortcut_ok(ep, o), lambda o: o.key == ep.key, lambda o: True):
            found = next((o for o in theirs if fits(o)), None)
            if found is not None:
                return found
        return None

    def sa_entries(self, router):
        """(connection, peer nbma, state, reason) for each IPsec peer of ``router``."""
        rows = []
        for ep in self.endpoints_of(router):
            if ep.ipsec is None:
                continue
            conn = "dmvpn-%s-%s" % (ep.ipsec["profile"], ep.tunnel)   # the IKE connection (swanctl)
            peers = []
            for tip, nbma, hub, problem in self.registrations_of(ep):
                reason = None
                if hub is None:
                    reason = "peer unreachable"
                else:
                    reason = ipsec_problem(ep, hub)
                peers.append((nbma, reason))
            for sp, tip, nbma, hub, problem in self.registrations:
                if hub is ep:
                    peers.append((sp.nbma, ipsec_problem(sp, ep)))
            for other in self.lab.shortcuts_of(router):
                peer = self.peer_of(ep, other)
                if peer is not None:
                    peers.append((peer.nbma, ipsec_problem(ep, peer)))
            seen = set()
            for nbma, reason in peers:
                if nbma in seen:
                    continue
                seen.add(nbma)
                rows.append((conn, nbma, "up" if reason is None else "down", reason))
        return rows
