"""The two-cloud phase (``python -m dataplane run --phases clouds``): dataplane/inventory_dual
(inventories/dual_cloud on VyOS 1.5) booted with two underlay bridges, one per ISP.

Each tunnel is a cloud; its hub is the router whose NHRP tunnel has no NHS. Per cloud: every
spoke of it is registered at its hub (``dynamic``, NBMA the spoke's source address of that
tunnel) and has an ESTABLISHED IKE SA with an INSTALLED child with that hub; then
feature_checks.check_clouds sends spoke-to-spoke traffic over each cloud while tcpdump
watches every underlay bridge: no cleartext GRE, no LAN address, and per cloud ESP directly
between the spokes' sources of that cloud's tunnel (the shortcut's traffic leaves its hub out).
"""

import ipaddress
import re

from . import checks, feature_checks, launcher


def bridges_of(guests):
    """{router: {ifname: bridge}}: each underlay network (the static WANs' subnets, in the
    order the routers name them) gets a bridge, the first one dpwan (where DHCP lives)."""
    nets, out = [], {}
    for name, guest in guests.items():
        out[name] = {}
        for ifname, address in guest.wans:
            iface = next(i for n, i in guest.all_addresses if n == ifname and str(i.ip) == address)
            if iface.network not in nets:
                nets.append(iface.network)
            index = nets.index(iface.network)
            out[name][ifname] = launcher.WAN_BRIDGE if index == 0 else "%s%d" % (launcher.WAN_BRIDGE, index + 1)
    return out


def clouds_of(guests):
    """{tunnel: (hub, [spokes])} from the translated NHRP configuration."""
    out = {}
    for name, guest in sorted(guests.items()):
        for tun, nhrp in guest.nhrp.items():
            hub, spokes = out.get(tun, (None, []))
            if nhrp["nhs"]:
                spokes.append(name)
            else:
                hub = name
            out[tun] = (hub, spokes)
    return out


def source_of(guest, tun):
    """A tunnel's NBMA address: its source-address, else its source interface's address."""
    conf = guest.tunnels[tun]
    if conf["local"]:
        return conf["local"]
    return next((addr for ifname, addr in guest.wans if ifname == conf["dev"]), None)


def spoke_esp(guests, text):
    """``(kinds, rows)`` of the capture ``text`` (tcpdump -n -r lines of every bridge): the
    packet kinds (checks.classify_capture) and per cloud and spoke pair (tunnel, a, b, a's
    source, b's source, ESP packets between those two addresses either way, ESP in UDP 4500
    between them: tcpdump's "UDP-encap: ESP", which classify_capture counts as IKE)."""
    kinds, pairs = checks.classify_capture(text, [str(g.lans[0][1].network) for g in guests.values() if g.lans])
    encap = {}
    for m in re.finditer(r" IP (\d+\.\d+\.\d+\.\d+)\.\d+ > (\d+\.\d+\.\d+\.\d+)\.\d+: UDP-encap: ESP", text):
        encap[m.groups()] = encap.get(m.groups(), 0) + 1
    rows = []
    for tun, (dummy, spokes) in sorted(clouds_of(guests).items()):
        for index, a in enumerate(spokes):
            for b in spokes[index + 1:]:
                na, nb = source_of(guests[a], tun), source_of(guests[b], tun)
                rows.append((tun, a, b, na, nb, pairs.get((na, nb), 0) + pairs.get((nb, na), 0),
                             encap.get((na, nb), 0) + encap.get((nb, na), 0)))
    return kinds, rows


def phase(run, guests):
    name = "clouds"
    run.start_vms(name, guests)
    for tun, (hub, spokes) in sorted(clouds_of(guests).items()):
        if hub is None:
            run.report.not_run(name, "NHRP registration at the hub of %s" % tun, tun, "no router without NHS on %s" % tun)
            continue
        hub_vm = run.lab.vms[hub]
        want = {ipaddress.IPv4Interface(guests[s].tunnels[tun]["address"]).ip.exploded: source_of(guests[s], tun) for s in spokes}
        cache = checks.wait_for(lambda hub_vm=hub_vm: checks.nhrp_cache(run.read(name, hub_vm, "show ip nhrp cache")),
                                lambda cache, want=want: all(cache.get(t, ("", ""))[0] == "dynamic" for t in want), 150)
        hub_nbma = source_of(guests[hub], tun)
        for spoke in spokes:
            tip = ipaddress.IPv4Interface(guests[spoke].tunnels[tun]["address"]).ip.exploded
            kind, nbma = cache.get(tip, (None, None))
            run.report.add(name, "NHRP registration at %s (%s)" % (hub, tun), spoke, kind == "dynamic" and nbma == want[tip],
                           "%s -> NBMA %s (%s)" % (tip, nbma, kind) if kind else "%s not in %s's cache" % (tip, hub))
            sa = checks.established_with(checks.parse_swanctl_sas(run.read(name, run.lab.vms[spoke], "swanctl --list-sas")),
                                         hub_nbma)
            run.report.add(name, "IPsec SA with %s (%s)" % (hub, tun), spoke, sa is not None,
                           "%s %s with %s" % (sa["version"], sa["state"], hub_nbma) if sa else
                           "no ESTABLISHED IKE SA with an INSTALLED child to %s" % hub_nbma)
    bridges = sorted({b for per_router in bridges_of(guests).values() for b in per_router.values()})
    captures = [run.lab.capture_start("%s-%s" % (name, bridge), bridge) for bridge in bridges]
    feature_checks.check_clouds(run, name, guests)
    texts = [run.lab.capture_stop(capture) for capture in captures]
    kinds, rows = spoke_esp(guests, "".join(texts))
    where = "+".join(bridges)
    # (per bridge too: a bridge that carried nothing shows as 0 there)
    per_bridge = ", ".join("%s %d" % (bridge, spoke_esp(guests, text)[0]["esp"]) for bridge, text in zip(bridges, texts))
    evidence = "ESP %d (%s), GRE %d, IKE %d, other %d packets" % (
        kinds["esp"], per_bridge, kinds["gre"], kinds["ike"], kinds["other"])
    run.report.add(name, "underlay carries ESP, no cleartext GRE", where, kinds["esp"] > 0 and kinds["gre"] == 0,
                   evidence)
    run.report.add(name, "no LAN address on the underlay", where, kinds["lan"] == 0, "%d packets with LAN addresses" % kinds["lan"])
    for tun, a, b, na, nb, count, in_udp in rows:
        run.report.add(name, "ESP directly between the spokes (%s)" % tun, "%s<->%s" % (a, b), count + in_udp > 0,
                       "%d ESP packets %s <-> %s (%d more in UDP 4500)" % (count, na, nb, in_udp))
