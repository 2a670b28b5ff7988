"""How a packet crosses the lab's DMVPN: addresses, next hops, NHRP resolution, shortcuts, BGP.

The forwarding half of the lab, apart from its serving half (lab.py: routers, SSH servers,
control API). A mixin, so that the network view, the operational commands and the tests keep
calling ``lab.forward(...)``, ``lab.wan_of(...)`` and ``lab.bgp_view()`` on the lab itself.
"""

import ipaddress

from .bgp import bgp_view_of
from .network import NetworkView
from .opmode import connected_networks, static_routes


class Forwarding:
    """Forwarding decisions over the lab's routers.

    The class that mixes it in provides ``shortcuts`` (a set of frozensets of two router
    names: the spoke-to-spoke shortcuts learnt so far), ``dhcp_address(router)`` and
    ``all_routers()``.
    """

    def wan_of(self, router):
        """(interface, address) of the router's WAN: eth0 by convention."""
        eth0 = router.running.get(["interfaces", "ethernet", "eth0"]) or {}
        for addr in eth0.get("address") or []:
            if addr == "dhcp":
                return "eth0", self.dhcp_address(router)
            if "/" in addr and ":" not in addr:
                return "eth0", addr.split("/")[0]
        return "eth0", self.dhcp_address(router)

    def interface_with_address(self, router, address):
        for name, data in (router.running.get(["interfaces", "ethernet"]) or {}).items():
            for addr in data.get("address") or []:
                if addr.split("/")[0] == address:
                    return name
        return None

    def owns(self, router, address):
        if address == self.wan_of(router)[1]:
            return True
        return any(str(iface.ip) == address for iface, _name in connected_networks(router))

    def shortcuts_of(self, router):
        out = []
        for pair in self.shortcuts:
            if router.name in pair:
                out.extend(name for name in pair if name != router.name)
        return out

    def forward(self, source, target, view=None):
        """Follow a packet from ``source`` to ``target`` hop by hop through the DMVPN.

        Returns (reached, [router names]). Records a spoke-to-spoke shortcut when the packet
        went spoke -> hub -> spoke through a hub that redirects to a spoke that takes shortcuts.
        """
        view = view or NetworkView(self)
        reached, path, hops = self._walk(source, target, view)
        if reached:
            self._learn_shortcuts(view, hops)
        return reached, path

    def round_trip(self, source, target, from_address=None, view=None):
        """An echo request from ``source`` (sent from ``from_address``, one of its addresses;
        None: its tunnel address) to ``target`` and the reply back: the way there (the
        routes of ``source`` and of the routers on the way), the target's router, and the
        way back from that router to ``from_address`` (a hub without a route back to the
        spoke's LAN loses the reply). Returns (reached, [router names there and back]);
        shortcuts are learnt only from a round trip that came back."""
        view = view or NetworkView(self)
        if from_address is None:
            tunnels = [ep.tunnel_ip for ep in view.endpoints_of(source) if ep.tunnel_ip is not None]
            from_address = str(tunnels[0].ip) if tunnels else self.wan_of(source)[1]
        if not self.owns(source, from_address):
            return False, [source.name]   # ping -I with an address the router does not have
        reached, there, hops = self._walk(source, target, view)
        if not reached:
            return False, there
        owner = hops[-1][1].router if hops else source   # the target's router
        back, path, back_hops = self._walk(owner, from_address, view)
        if back:
            self._learn_shortcuts(view, hops)
            self._learn_shortcuts(view, back_hops)
        return back, there + path[1:]

    def _walk(self, source, target, view):
        """(reached, [router names], [(from endpoint, to endpoint)]) of a packet from ``source``
        to ``target``, learning nothing."""
        dst = ipaddress.IPv4Address(target)
        current = source
        path = [source.name]
        hops = []  # (from endpoint, to endpoint)
        for _hop in range(8):
            if current.faults.down:
                return False, path, hops
            if self.owns(current, target):
                return True, path, hops
            tunnel_ip = self._next_tunnel_hop(current, dst, view)
            if tunnel_ip is None:
                return False, path, hops
            ep = next((e for e in view.endpoints_of(current)
                       if e.tunnel_ip is not None and (tunnel_ip in e.tunnel_ip.network or
                                                       e.tunnel_ip.network.prefixlen == 32)), None)
            if ep is None:
                return False, path, hops
            nxt = self._resolve(view, ep, str(tunnel_ip))
            if nxt is None:
                return False, path, hops
            hops.append((ep, nxt))
            current = nxt.router
            path.append(current.name)
        return False, path, hops

    def _next_tunnel_hop(self, router, dst, view):
        best = None
        for iface, name in connected_networks(router):
            if dst in iface.network:
                cand = (iface.network.prefixlen, 1, dst if name.startswith("tun") else None)
                best = cand if best is None or cand[:2] > best[:2] else best
        for net, nh, _dist in static_routes(router):
            if nh != "blackhole" and dst in net:
                cand = (net.prefixlen, 0, ipaddress.IPv4Address(nh))
                best = cand if best is None or cand[:2] > best[:2] else best
        for net, nh in self.bgp_routes(router, view):
            if dst in net:
                cand = (net.prefixlen, -1, ipaddress.IPv4Address(nh))
                best = cand if best is None or cand[:2] > best[:2] else best
        for peer in self._nhrp_routes(router, view):
            if dst == peer:   # FRR nhrpd (1.5, /32 tunnel addresses) routes each NHRP peer (code N)
                best = (32, 2, dst)
        if best is None or best[2] is None:
            return None
        hop = best[2]
        # a next hop must itself sit on a tunnel of this router
        for iface, name in connected_networks(router):
            if name.startswith("tun") and (hop in iface.network or iface.network.prefixlen == 32):
                return hop
        return None

    def _nhrp_routes(self, router, view):
        """The tunnel addresses of the NHRP peers a /32 tunnel of ``router`` holds: the spokes
        registered at a hub, the hubs a spoke is registered at."""
        peers = []
        for ep in view.endpoints_of(router):
            if ep.tunnel_ip is None or ep.tunnel_ip.network.prefixlen != 32:
                continue
            peers += [spoke.tunnel_ip.ip for spoke, _tip in view.registered_spokes(ep) if spoke.tunnel_ip is not None]
            peers += [hub.tunnel_ip.ip for _tip, _nbma, hub, problem in view.registrations_of(ep)
                      if problem is None and hub.tunnel_ip is not None]
            # nhrpd announces a route for its static cache entries too (ip nhrp map)
            peers += [ipaddress.IPv4Address(tip) for tip, _nbma in ep.maps if view.static_peer(ep, tip) is not None]
        return peers

    def _resolve(self, view, ep, tunnel_ip):
        """NHRP resolution of ``tunnel_ip`` from endpoint ``ep``: the next endpoint or None."""
        if any(tip == tunnel_ip for tip, _nbma in ep.maps):   # a static map (hub to hub) decides alone
            return view.static_peer(ep, tunnel_ip)
        if ep.is_hub:
            for spoke, _tip in view.registered_spokes(ep):
                if str(spoke.tunnel_ip.ip) == tunnel_ip:
                    return spoke
            return None
        registrations = view.registrations_of(ep)
        for tip, nbma, hub, problem in registrations:
            if tip == tunnel_ip:
                # the next hop is this hub (its NHRP map): when it is down, or the spoke is not
                # registered there, the packet is lost; no other hub stands in for it
                return hub if problem is None else None
        hubs = [hub for tip, nbma, hub, problem in registrations if problem is None]
        for hub in hubs:
            if str(hub.tunnel_ip.ip) == tunnel_ip:
                return hub
        for other_name in self.shortcuts_of(ep.router):
            other = view.peer_of(ep, other_name)
            if other is not None and str(other.tunnel_ip.ip) == tunnel_ip and view.shortcut_ok(ep, other):
                return other
        return hubs[0] if hubs else None

    def _learn_shortcuts(self, view, hops):
        for (a, hub), (hub2, b) in zip(hops, hops[1:]):
            if hub is hub2 and hub.is_hub and not a.is_hub and not b.is_hub and view.shortcut_ok(a, b):
                self.shortcuts.add(frozenset((a.router.name, b.router.name)))

    def bgp_view(self, view=None):
        """The BGP state over ``view`` (a NetworkView of the whole lab when None), computed once per view."""
        return bgp_view_of(view or NetworkView(self, self.all_routers()))

    def bgp_routes(self, router, view=None):
        """[(IPv4Network, next hop)] of the BGP routes ``router`` installs."""
        return self.bgp_view(view).routes(router)

    def bgp_summary(self, router, view=None):
        """The text of ``show ip bgp summary`` on ``router``."""
        return self.bgp_view(view).summary(router)
