"""BGP state computed across the lab's routers from their running configurations.

Sessions run over the DMVPN: a router's explicit neighbor is the router that owns that tunnel
address, and the session comes up when the two can talk over the tunnel (one registered at the
other over NHRP), the peer accepts the router (an explicit neighbor or a listen range) and the
remote-as of both sides match. Routes then propagate as a path vector to a fixpoint with FRR's
rules: AS path loop check and prepend on eBGP, iBGP split horizon with route reflection
(originator id and cluster list), next hop rewritten on eBGP unless ``attribute-unchanged
next-hop``. VyOS emits ``no bgp default ipv4-unicast``: IPv4 routes only flow to neighbors with
``address-family ipv4-unicast`` (on the neighbor or its peer group).
"""

import ipaddress
from collections import namedtuple

from .opmode import connected_networks, static_routes

# A route as one router holds it. ``source`` is "local" (originated here), "ibgp" or "ebgp";
# ``peer`` the address of the neighbor it came from, ``peer_name``/``peer_id`` that router's
# name and router id; ``originator_id``/``cluster_list`` are the route reflection attributes.
Path = namedtuple("Path", "prefix next_hop as_path source origin peer peer_name peer_id originator_id cluster_list")

# The effective settings of one side of a session (neighbor merged with its peer group).
Settings = namedtuple("Settings", "remote_as ipv4 rr_client next_hop_unchanged nexthop_self")

# One row of ``show ip bgp summary``.
Neighbor = namedtuple("Neighbor", "address dynamic asn established reason received sent")

# One side of an established session: the speaker, its address on the tunnel, its settings
# for the other side, and whether it took the other side in through a listen range.
End = namedtuple("End", "speaker address settings dynamic")

DEFAULT_LISTEN_LIMIT = 100
MAX_ROUNDS = 64


def _first(values):
    return values[0] if isinstance(values, list) and values else None


def _ip_key(address):
    return int(ipaddress.IPv4Address(address))


class Speaker:
    """One router's BGP configuration, with the DMVPN endpoints it speaks over."""

    def __init__(self, router, asn, base, endpoints):
        self.router = router
        self.name = router.name
        self.asn = asn
        self.endpoints = endpoints
        self.groups = base.get("peer-group") or {}
        self.neighbors = base.get("neighbor") or {}
        listen = base.get("listen") or {}
        self.ranges = [(ipaddress.IPv4Network(prefix), _first(entry.get("peer-group")))
                       for prefix, entry in (listen.get("range") or {}).items()]
        self.listen_limit = int(_first(listen.get("limit")) or DEFAULT_LISTEN_LIMIT)
        self.addresses = {str(ep.tunnel_ip.ip) for ep in endpoints if ep.tunnel_ip is not None}
        parameters = base.get("parameters") or {}
        self.router_id = _first(parameters.get("router-id")) or _default_router_id(router, self.addresses)
        self.cluster_id = _first(parameters.get("cluster-id")) or self.router_id
        networks = ((base.get("address-family") or {}).get("ipv4-unicast") or {}).get("network") or {}
        self.networks = [ipaddress.IPv4Network(prefix) for prefix in networks]
        # VyOS configures FRR with "no bgp network import-check" unless parameters
        # network-import-check is set; with it, a network is originated only when the routing
        # table holds it exactly
        self.originated = list(self.networks)
        if "network-import-check" in parameters:
            present = {iface.network for iface, _name in connected_networks(router)}
            present.update(net for net, _nh, _distance in static_routes(router))
            self.originated = [net for net in self.networks if net in present]

    def settings(self, conf, group_name):
        """The effective settings of a neighbor entry ``conf`` in peer group ``group_name``."""
        group = self.groups.get(group_name) or {}
        remote_as = _first(conf.get("remote-as")) or _first(group.get("remote-as"))
        families = [(entry.get("address-family") or {}).get("ipv4-unicast") for entry in (conf, group)]
        families = [family for family in families if family is not None]
        return Settings(
            remote_as=remote_as,
            ipv4=bool(families),
            rr_client=any("route-reflector-client" in family for family in families),
            next_hop_unchanged=any("next-hop" in (family.get("attribute-unchanged") or {}) for family in families),
            nexthop_self=any("nexthop-self" in family for family in families),
        )

    def neighbor_settings(self, address):
        """The effective settings of explicit neighbor ``address``."""
        conf = self.neighbors[address]
        return self.settings(conf, _first(conf.get("peer-group")))

    def accepts(self, address):
        """(settings, dynamic) for a peer connecting from ``address``, or (None, False)."""
        if address in self.neighbors:
            return self.neighbor_settings(address), False
        for network, group in self.ranges:
            if ipaddress.IPv4Address(address) in network:
                return self.settings({}, group), True
        return None, False


def _default_router_id(router, tunnel_addresses):
    """FRR picks the highest address; the lab prefers the tunnel's, like the collection does."""
    candidates = tunnel_addresses or {str(iface.ip) for iface, _name in connected_networks(router)}
    return max(candidates, key=_ip_key) if candidates else "0.0.0.0"


def speaker_of(router, endpoints):
    """The router's BGP speaker, or None when it has no BGP configuration."""
    bgp = router.running.get(["protocols", "bgp"]) or {}
    if router.version in ("1.2", "1.3"):
        asn, base = next(iter(bgp.items()), (None, {}))
    else:
        asn, base = _first(bgp.get("system-as")), bgp
    if asn is None:
        return None
    return Speaker(router, int(asn), base, endpoints)


def remote_as_matches(remote_as, local_asn, peer_asn):
    """Does a configured remote-as (number, ``internal`` or ``external``) fit the peer's AS?"""
    if remote_as == "internal":
        return peer_asn == local_asn
    if remote_as == "external":
        return peer_asn != local_asn
    return remote_as is not None and int(remote_as) == peer_asn


class BgpView:
    """The BGP state of the routers of a NetworkView (routers that are down take no part)."""

    def __init__(self, network):
        self.network = network
        self.speakers = {}
        for ep in network.endpoints:
            if ep.router.name not in self.speakers:
                self.speakers[ep.router.name] = speaker_of(ep.router, network.endpoints_of(ep.router))
        self.speakers = {name: speaker for name, speaker in self.speakers.items() if speaker is not None}
        # established sessions: {frozenset of (name, address)} -> (End, End)
        self.sessions = {}
        # explicit neighbors: speaker name -> {address: (established, reason)}
        self.explicit = {}
        for speaker in self.speakers.values():
            self.explicit[speaker.name] = {}
            for address in speaker.neighbors:
                ends, reason = self._evaluate(speaker, address)
                self.explicit[speaker.name][address] = (ends is not None, reason)
                if ends is not None:
                    key = frozenset((end.speaker.name, end.address) for end in ends)
                    self.sessions.setdefault(key, ends)
        # per speaker: peer address -> (own End, peer End)
        self.ends = {name: {} for name in self.speakers}
        for first, second in self.sessions.values():
            self.ends[first.speaker.name][second.address] = (first, second)
            self.ends[second.speaker.name][first.address] = (second, first)
        self.rib_in, self.sent = self._propagate()

    # -- sessions ------------------------------------------------------------------------------
    def _endpoint_at(self, address):
        return next((ep for ep in self.network.endpoints
                     if ep.tunnel_ip is not None and str(ep.tunnel_ip.ip) == address), None)

    def _linked(self, a, b):
        """Can endpoints ``a`` and ``b`` talk over the tunnel (one registered at the other, or
        each mapping the other statically, as hubs do)?"""
        return self.network.static_link(a, b) or any(hub is b and problem is None for _tip, _nbma, hub, problem in self.network.registrations_of(a)) \
            or any(hub is a and problem is None for _tip, _nbma, hub, problem in self.network.registrations_of(b))

    def _evaluate(self, speaker, address):
        """((own End, peer End), None) when ``speaker``'s neighbor ``address`` is established,
        else (None, reason)."""
        own = speaker.neighbor_settings(address)
        peer_ep = self._endpoint_at(address)
        if peer_ep is None:
            return None, "peer down"
        if peer_ep.router is speaker.router:
            return None, "neighbor address is local"
        peer = self.speakers.get(peer_ep.router.name)
        if peer is None:
            return None, "BGP not running on peer"
        local_ep = next((ep for ep in speaker.endpoints if self._linked(ep, peer_ep)), None)
        if local_ep is None:
            return None, "no NHRP registration"
        local_address = str(local_ep.tunnel_ip.ip)
        theirs, dynamic = peer.accepts(local_address)
        if theirs is None:
            return None, "not accepted by peer (no neighbor or listen range)"
        if not remote_as_matches(own.remote_as, speaker.asn, peer.asn):
            return None, "remote-as mismatch: %s vs %s" % (own.remote_as or "none", peer.asn)
        if not remote_as_matches(theirs.remote_as, peer.asn, speaker.asn):
            return None, "remote-as mismatch at peer: %s vs %s" % (theirs.remote_as or "none", speaker.asn)
        return (End(speaker, local_address, own, False), End(peer, address, theirs, dynamic)), None

    # -- routes --------------------------------------------------------------------------------
    def _local_paths(self, speaker):
        return {net: Path(net, None, (), "local", speaker.name, None, None, None, None, ())
                for net in speaker.originated}

    def _best(self, speaker, received):
        """The best path per prefix: own networks first, then the shortest AS path, eBGP over
        iBGP, the lowest peer router id."""
        best = {}
        for path in received.values():
            current = best.get(path.prefix)
            if current is None or _rank(path) < _rank(current):
                best[path.prefix] = path
        best.update(self._local_paths(speaker))
        return best

    def _export(self, sender, receiver, best):
        """The paths ``sender`` advertises to ``receiver`` (two Ends of one session)."""
        ebgp = sender.speaker.asn != receiver.speaker.asn
        out = []
        for path in best.values():
            if path.peer_name == receiver.speaker.name:
                continue  # never back to the peer it came from
            next_hop = path.next_hop
            originator, clusters = path.originator_id, path.cluster_list
            as_path = path.as_path
            if path.source == "local":
                next_hop = sender.address
            if ebgp:
                as_path = (sender.speaker.asn,) + as_path
                if not sender.settings.next_hop_unchanged:
                    next_hop = sender.address
                originator, clusters = None, ()
            elif path.source == "ibgp":
                source_settings = self.ends[sender.speaker.name][path.peer][0].settings
                if not (sender.settings.rr_client or source_settings.rr_client):
                    continue
                # reflected: FRR leaves the next hop alone (nexthop-self needs ``force`` here)
                originator = originator or path.peer_id
                clusters = (sender.speaker.cluster_id,) + clusters
            elif sender.settings.nexthop_self:
                next_hop = sender.address
            out.append(Path(path.prefix, next_hop, as_path, "ebgp" if ebgp else "ibgp", path.origin, sender.address,
                            sender.speaker.name, sender.speaker.router_id, originator, clusters))
        return out

    @staticmethod
    def _accepted(speaker, path):
        if path.source == "ebgp" and speaker.asn in path.as_path:
            return False
        if path.originator_id == speaker.router_id or speaker.cluster_id in path.cluster_list:
            return False
        return path.next_hop not in speaker.addresses

    def _propagate(self):
        """Exchange routes over the established sessions until nothing changes.

        Returns ({speaker name: {(peer address, prefix): Path}}, {(speaker name, peer address): sent}).
        """
        active = [ends for ends in self.sessions.values() if all(end.settings.ipv4 for end in ends)]
        rib_in = {name: {} for name in self.speakers}
        sent = {}
        for _round in range(MAX_ROUNDS):
            best = {name: self._best(speaker, rib_in[name]) for name, speaker in self.speakers.items()}
            new = {name: {} for name in self.speakers}
            sent = {}
            for ends in active:
                for sender, receiver in (ends, ends[::-1]):
                    paths = self._export(sender, receiver, best[sender.speaker.name])
                    sent[(sender.speaker.name, receiver.address)] = len(paths)
                    for path in paths:
                        if self._accepted(receiver.speaker, path):
                            new[receiver.speaker.name][(sender.address, path.prefix)] = path
            if new == rib_in:
                break
            rib_in = new
        return rib_in, sent

    # -- what the routers show -----------------------------------------------------------------
    def best_paths(self, router):
        """The router's best learned paths (those it installs), sorted by prefix."""
        speaker = self.speakers.get(router.name)
        if speaker is None:
            return []
        best = self._best(speaker, self.rib_in[router.name])
        return sorted((path for path in best.values() if path.source != "local"), key=lambda p: _net_key(p.prefix))

    def routes(self, router):
        """[(IPv4Network, next hop)] of the router's installed BGP routes."""
        return [(path.prefix, path.next_hop) for path in self.best_paths(router)]

    def table(self, router):
        """[(Path, best)] of every path the router holds (own networks included), by prefix,
        the best path of each prefix first; None when the router has no BGP."""
        speaker = self.speaker(router)
        if speaker is None:
            return None
        paths = list(self._local_paths(speaker).values()) + list(self.rib_in.get(router.name, {}).values())
        best = self._best(speaker, self.rib_in.get(router.name, {}))
        rows = [(path, best.get(path.prefix) == path) for path in paths]
        return sorted(rows, key=lambda row: (_net_key(row[0].prefix), not row[1], _rank(row[0])))

    def speaker(self, router):
        """The router's BGP speaker (also for a router outside the view), or None without BGP."""
        if router.name in self.speakers:
            return self.speakers[router.name]
        return speaker_of(router, self.network.endpoints_of(router))

    def neighbors(self, router):
        """The rows of ``show ip bgp summary``: explicit neighbors (whatever their state) and
        the dynamic neighbors whose sessions are established; None when the router has no BGP."""
        speaker = self.speaker(router)
        if speaker is None:
            return None
        rows = []
        ends = self.ends.get(router.name, {})
        explicit = self.explicit.get(router.name, {})
        for address in speaker.neighbors:
            established, reason = explicit.get(address, (False, "router down" if router.faults.down else
                                                         "no NHRP registration"))
            remote_as = speaker.neighbor_settings(address).remote_as
            asn = {"internal": speaker.asn, "external": 0}.get(remote_as, remote_as)
            if established:
                asn = ends[address][1].speaker.asn
            rows.append(self._row(router, address, False, int(asn or 0), established, reason))
        for address, (own, peer) in ends.items():
            if own.dynamic and address not in speaker.neighbors:
                rows.append(self._row(router, address, True, peer.speaker.asn, True, None))
        return sorted(rows, key=lambda row: _ip_key(row.address))

    def _row(self, router, address, dynamic, asn, established, reason):
        received = sum(1 for peer, _prefix in self.rib_in.get(router.name, {}) if peer == address)
        sent = self.sent.get((router.name, address), 0)
        return Neighbor(address, dynamic, asn, established, reason, received, sent)

    def neighbor(self, router, address):
        """The summary row of one neighbor of the router, or None."""
        return next((row for row in self.neighbors(router) or [] if row.address == address), None)

    def table_version(self, router):
        """The lab's stand-in for FRR's table version: the number of paths the router holds."""
        return len(self.table(router) or [])

    def summary(self, router):
        """The text of ``show ip bgp summary`` (FRR's format)."""
        speaker = self.speaker(router)
        if speaker is None:
            return "% BGP instance not found"
        rows = self.neighbors(router)
        if not rows:
            return "% No BGP neighbors found in VRF default"
        version = self.table_version(router)
        prefixes = len({path.prefix for path, _best in self.table(router)})
        out = ["IPv4 Unicast Summary (VRF default):",
               "BGP router identifier %s, local AS number %d vrf-id 0" % (speaker.router_id, speaker.asn),
               "BGP table version %d" % version,
               "RIB entries %d, using %d bytes of memory" % (prefixes, prefixes * 192),
               "Peers %d, using %d KiB of memory" % (len(rows), len(rows) * 723)]
        if speaker.groups:
            out.append("Peer groups %d, using %d bytes of memory" % (len(speaker.groups), len(speaker.groups) * 64))
        out += ["", "Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   "
                    "PfxSnt Desc"]
        for row in rows:
            name = ("*" if row.dynamic else "") + row.address
            if row.established:
                counts = (12 + row.received, 12 + row.sent, version, "00:05:12", str(row.received), row.sent)
            else:
                counts = (0, 0, 0, "never", "Active", 0)
            out.append("%-15s %1d %10d %9d %9d %8d %4d %4d %8s %12s %8d %s"
                       % ((name, 4, row.asn) + counts[:3] + (0, 0) + counts[3:] + ("N/A",)))
        out += ["", "Total number of neighbors %d" % len(rows)]
        dynamic = sum(1 for row in rows if row.dynamic)
        if dynamic:
            out += ["* - dynamic neighbor", "%d dynamic neighbor(s), limit %d" % (dynamic, speaker.listen_limit)]
        return "\n".join(out)


def _rank(path):
    """Sort key of a path: lower is better. After the AS path and eBGP over iBGP, FRR compares
    the router id, the originator id in its place on a reflected path, then the cluster list's
    length, then the neighbor address (bgpd/bgp_route.c bgp_path_info_cmp, steps 13-15): a hub
    prefers a spoke's own path to the same path reflected by the other hub."""
    if path.source == "local":
        return (0, 0, 0, 0, 0, 0)
    return (1, len(path.as_path), 0 if path.source == "ebgp" else 1, _ip_key(path.originator_id or path.peer_id),
            len(path.cluster_list), _ip_key(path.peer))


def _net_key(network):
    return (int(network.network_address), network.prefixlen)


def bgp_view_of(network):
    """The BGP state over a NetworkView, computed once per view."""
    cached = vars(network).get("bgp")
    if cached is None:
        cached = network.bgp = BgpView(network)
    return cached
