"""Operational-mode commands of the emulated router."""

import asyncio
import time
import ipaddress

from . import opmode_show
from .config import CliError
from .network import NetworkView
from .schemas import VERSION_INFO

LOCAL_WEIGHT = 32768


def _invalid(words):
    return CliError("\n  Invalid command: [%s]\n" % " ".join(words))


async def run(session, words):
    if not words:
        return ""
    router = session.router
    key = tuple(words)
    if key[:2] == ("set", "terminal") or key[:1] == ("terminal",):
        return ""
    if key == ("show", "version"):
        return show_version(router)
    if key == ("show", "host", "name"):
        return router.hostname
    if key == ("show", "configuration"):
        return router.running.curly()
    if key == ("show", "configuration", "commands"):
        return "\n".join(router.running.commands(printed=True))
    if key == ("show", "system", "commit"):
        return show_commits(router)
    if key == ("show", "interfaces"):
        return show_interfaces(router)
    if key == ("show", "ip", "route"):
        return show_ip_route(router, await _view(session))
    if key in (("show", "lldp", "neighbors"), ("show", "lldp", "neighbors", "detail")):
        return "LLDP not configured"
    # 1.2-1.4: show nhrp tunnel (opennhrp); 1.5: show ip nhrp cache|nhs|shortcut (FRR), and
    # no other spelling (opmode_show names the op-mode definitions).
    if router.version != "1.5" and key == ("show", "nhrp", "tunnel"):
        return show_nhrp(session, await _view(session))
    if router.version == "1.5" and key[:3] == ("show", "ip", "nhrp") and len(key) == 4 and key[3] in FRR_NHRP_VIEWS:
        return FRR_NHRP_VIEWS[key[3]](session, await _view(session))
    if key == ("show", "vpn", "ipsec", "sa"):
        return show_ipsec_sa(session, await _view(session))
    if key[:1] == ("ping",) and len(key) >= 2:
        return ping(session, list(key[1:]), await _view(session))
    if key in (("show", "ip", "bgp", "summary"), ("show", "bgp", "summary")) and session.lab is not None:
        return session.lab.bgp_summary(router, await _view(session))
    if key in (("show", "ip", "bgp"), ("show", "bgp")) and session.lab is not None:
        return show_ip_bgp(router, session.lab.bgp_view(await _view(session)))
    if key in CONFIRM_PROBES:
        return pending_confirm(router, key)
    if key[:1] == ("reboot",) or key[:1] == ("restart",):
        raise _invalid(words)
    raise _invalid(words)


# Where a pending commit-confirm shows, as VyOS keeps it (the router's shell runs these for an
# admin user as for anyone):
# - 1.2/1.3: vyatta-config-mgmt.pl --action=commit-confirm (vyos/vyatta-config-mgmt,
#   scripts/vyatta-config-mgmt.pl, c28add8e387c) schedules the rollback with `at` and writes
#   the job number to /var/run/confirm.job; `confirm` removes the job (atrm) and the file.
# - 1.4/1.5: vyos.config_mgmt.ConfigMgmt.commit_confirm (vyos/vyos-1x, python/vyos/
#   config_mgmt.py, sagitta c3f688653, circinus d5322412e) starts a transient systemd timer,
#   `systemd-run --on-active=<minutes>m --unit=commit-confirm`; `confirm` stops it.
CONFIRM_JOB = ("cat", "/var/run/confirm.job")
AT_QUEUE = ("atq",)
CONFIRM_TIMER = ("systemctl", "list-timers", "commit-confirm.timer", "--no-legend", "--no-pager")
CONFIRM_PROBES = (CONFIRM_JOB, AT_QUEUE, CONFIRM_TIMER)


def pending_confirm(router, key):
    pending = router.confirm_timer is not None
    at_based = router.version in ("1.2", "1.3")
    deadline = router.confirm_deadline or 0
    if key == CONFIRM_JOB:
        if pending and at_based:
            return "%d" % router.confirm_job
        return "cat: /var/run/confirm.job: No such file or directory"
    if key == AT_QUEUE:
        if pending and at_based:
            return "%d\t%s a root" % (router.confirm_job, time.strftime("%a %b %e %H:%M:%S %Y", time.gmtime(deadline)))
        return ""
    if pending and not at_based:   # systemctl list-timers: NEXT LEFT LAST PASSED UNIT ACTIVATES
        left = max(0, int(deadline - time.time()))
        return "%s %dmin %ds left n/a n/a commit-confirm.timer commit-confirm.service" % (
            time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(deadline)), left // 60, left % 60)
    return ""


def show_version(router):
    info = VERSION_INFO[router.version]
    lines = [
        "Version:          VyOS %s" % info["version"],
        "Release train:    %s" % info["train"],
    ]
    if router.version in ("1.4", "1.5"):
        lines.append("Release flavor:   generic")
    lines += [
        "",
        "Built by:         dmvpn.vyos emulated lab",
        "Built on:         Thu 01 Jan 1970 00:00 UTC",
        "Build UUID:       00000000-0000-4000-8000-%012d" % (abs(hash(router.name)) % 10 ** 12),
        "Build commit ID:  0000000000000",
        "",
        "Architecture:     x86_64",
        "Boot via:         installed image",
        "System type:      KVM guest",
        "",
        "Hardware vendor:  dmvpn.vyos",
        "Hardware model:   vyos-lab",
        "Hardware S/N:     LAB-%s" % router.name,
        "Hardware UUID:    00000000-0000-4000-8000-000000000000",
        "",
        "Copyright:        VyOS maintainers and contributors",
    ]
    return "\n".join(lines)


def show_commits(router):
    out = []
    for index, rev in enumerate(router.history):
        out.append("%-3d %s by %s via %s" % (index, rev.when, rev.user, rev.via))
        if rev.comment:
            out.append("    %s" % rev.comment)
    return "\n".join(out)


def _interfaces(router):
    conf = router.running
    rows = []
    for kind in ("ethernet", "loopback", "tunnel"):
        for name, data in sorted((conf.get(["interfaces", kind]) or {}).items()):
            addrs = list(data.get("address") or [])
            if kind == "ethernet" and "dhcp" in addrs and router.lab is not None:
                addrs = [a for a in addrs if a != "dhcp"] + [router.lab.dhcp_address(router) + "/24"]
            if kind == "loopback":
                addrs = ["127.0.0.1/8"] + addrs
            state = "A/D" if "disable" in data else "u/u"
            desc = (data.get("description") or [""])[0]
            rows.append((name, addrs, state, desc))
    return rows


def show_interfaces(router):
    out = ["Codes: S - State, L - Link, u - Up, D - Down, A - Admin Down",
           "Interface        IP Address                        S/L  Description",
           "---------        ----------                        ---  -----------"]
    for name, addrs, state, desc in _interfaces(router):
        first = addrs[0] if addrs else "-"
        out.append("%-16s %-33s %-4s %s" % (name, first, state, desc))
        for extra in addrs[1:]:
            out.append("%-16s %-33s" % ("", extra))
    return "\n".join(out)


def connected_networks(router):
    nets = []
    for name, addrs, state, _desc in _interfaces(router):
        if state != "u/u":
            continue
        for addr in addrs:
            if ":" in addr or "/" not in addr:
                continue
            iface = ipaddress.IPv4Interface(addr)
            nets.append((iface, name))
    return nets


def static_routes(router):
    routes = []
    for prefix, route in (router.running.get(["protocols", "static", "route"]) or {}).items():
        for nh, data in ((route.get("next-hop") or {}).items()):
            if "disable" in data:
                continue
            distance = int((data.get("distance") or ["1"])[0])
            routes.append((ipaddress.IPv4Network(prefix), nh, distance))
        if "blackhole" in route:
            routes.append((ipaddress.IPv4Network(prefix), "blackhole", 1))
    return routes


def show_ip_route(router, view=None):
    """The routing table: connected, static and (with the lab's NetworkView) BGP routes; a BGP
    route is selected only when no connected or static route of a lower distance holds its prefix."""
    out = ["Codes: K - kernel route, C - connected, S - static, N - NHRP, B - BGP,",
           "       > - selected route, * - FIB route", ""]
    entries = []
    for iface, name in connected_networks(router):
        entries.append((iface.network, "C>* %s is directly connected, %s" % (iface.network, name)))
    for net, nh, distance in static_routes(router):
        if nh == "blackhole":
            entries.append((net, "S>* %s [%d/0] unreachable (blackhole)" % (net, distance)))
        else:
            entries.append((net, "S>* %s [%d/0] via %s" % (net, distance, nh)))
    if view is not None:
        shadowed = {iface.network: 0 for iface, _name in connected_networks(router)}
        for net, _nh, distance in static_routes(router):
            shadowed[net] = min(distance, shadowed.get(net, distance))
        for path in view.lab.bgp_view(view).best_paths(router):
            distance = 20 if path.source == "ebgp" else 200
            selected = ">*" if shadowed.get(path.prefix, 256) > distance else "  "
            entries.append((path.prefix, "B%s %s [%d/0] via %s" % (selected, path.prefix, distance, path.next_hop)))
    for _net, line in sorted(entries, key=lambda e: (int(e[0].network_address), e[0].prefixlen)):
        out.append(line)
    return "\n".join(out)


def show_ip_bgp(router, bgp):
    """FRR's ``show ip bgp`` table from a BgpView."""
    table = bgp.table(router)
    if table is None:
        return "% BGP instance not found"
    if not table:
        return "No BGP prefixes displayed, 0 exist"
    speaker = bgp.speaker(router)
    out = ["BGP table version is %d, local router ID is %s, vrf id 0" % (bgp.table_version(router), speaker.router_id),
           "Default local pref 100, local AS %d" % speaker.asn,
           "Status codes:  s suppressed, d damped, h history, * valid, > best, = multipath,",
           "               i internal, r RIB-failure, S Stale, R Removed",
           "Nexthop codes: @NNN nexthop's vrf id, < announce-nh-self",
           "Origin codes:  i - IGP, e - EGP, ? - incomplete",
           "RPKI validation codes: V valid, I invalid, N Not found",
           "",
           "   Network          Next Hop            Metric LocPrf Weight Path"]
    shown = set()
    for path, best in table:
        status = "*" + (">" if best else " ") + ("i" if path.source == "ibgp" else " ")
        network = "" if path.prefix in shown else str(path.prefix)
        shown.add(path.prefix)
        local_pref = "100" if path.source == "ibgp" else ""
        weight = LOCAL_WEIGHT if path.source == "local" else 0
        as_path = " ".join(str(asn) for asn in path.as_path + ("i",))
        out.append("%s%-17s%-16s%10d%7s%7d %s" % (status, network, path.next_hop or "0.0.0.0", 0, local_pref, weight,
                                                  as_path))
    out += ["", "Displayed  %d routes and %d total paths" % (len(shown), len(table))]
    return "\n".join(out)


async def _view(session):
    """The DMVPN state; routers of peer labs are fetched off the event loop, so that this
    lab keeps answering its own peers meanwhile."""
    if session.lab is None:
        return None
    routers = await asyncio.get_running_loop().run_in_executor(None, session.lab.all_routers)
    return NetworkView(session.lab, routers)


def _nhrp_configured(router):
    return bool(router.running.get(["protocols", "nhrp"]))


def show_nhrp(session, view):
    """``show nhrp tunnel`` (1.2-1.4): opennhrpctl's peers, as blocks (1.2/1.3) or VyOS 1.4's
    table; without NHRP configured opennhrp does not run."""
    router = session.router
    if view is None:
        return ""
    if not _nhrp_configured(router):
        return opmode_show.OPENNHRP_NOT_RUNNING
    peers = []
    for ep in view.endpoints_of(router):
        if ep.tunnel_ip is not None:
            peers.append([("Interface", ep.tunnel), ("Type", "local"), ("Protocol-Address", "%s/32" % ep.tunnel_ip.ip),
                          ("Alias-Address", str(ep.tunnel_ip.ip)), ("Flags", "up")])
        for ptype, proto, nbma, up in _nhrp_peers(session, view, ep):
            peer = [("Interface", ep.tunnel), ("Type", ptype),
                    ("Protocol-Address", proto if "/" in proto else proto + "/32"), ("NBMA-Address", str(nbma))]
            # opennhrp prints only the flags set (unique, used, up, lower-up) and no Flags
            # line when none is (nhrp/admin.c admin_show_peer; opennhrp history in
            # ibazzi/opennhrp, 9aa852d9c157): a peer not up shows none.
            peers.append(peer + ([("Flags", "up")] if up else []))
    if router.version == "1.4":
        return opmode_show.opennhrp_table("ok", peers)
    return opmode_show.opennhrp_blocks("ok", peers)


def show_frr_nhrp_cache(session, view):
    """1.5 ``show ip nhrp cache``, as the dataplane lab's nhrpd prints it (tests/fixtures/
    dataplane): the local entry (its NBMA the tunnel's source, identity ``-``) and one per peer
    bound to an NBMA address, ``nhs`` for a hub the spoke registered with, ``dynamic`` for a
    registered spoke or a resolved shortcut peer, each flagged T (it times out). The lab's
    entries carry no traffic (no U); the identity column is the IKE identity nhrpd learns
    over vici, empty there (Debian's charon sends none)."""
    rows = []
    for ep in (view.endpoints_of(session.router) if view is not None else []):
        if ep.tunnel_ip is not None:
            rows.append((ep.tunnel, "local", str(ep.tunnel_ip.ip), str(ep.nbma), str(ep.nbma), "", "-"))
        for ptype, proto, nbma, up in _nhrp_peers(session, view, ep):
            if up:
                rows.append((ep.tunnel, "nhs" if ptype == "nhs" else "dynamic", proto, str(nbma), str(nbma), "T", ""))
    return opmode_show.frr_nhrp_cache(rows)


def show_frr_nhrp_nhs(session, view):
    rows = []
    for ep in (view.endpoints_of(session.router) if view is not None else []):
        for tip, nbma, hub, problem in view.registrations_of(ep):
            rows.append((ep.tunnel, str(nbma), str(nbma) if problem is None else "-", tip))
    return opmode_show.frr_nhrp_nhs(rows)


def show_frr_nhrp_shortcut(session, view):
    """1.5 ``show ip nhrp shortcut``: per shortcut the other spoke's LAN (the prefix its
    resolution reply covers) via its tunnel address (the dataplane's nhrpd: tests/fixtures/
    dataplane)."""
    rows = []
    for ep in (view.endpoints_of(session.router) if view is not None else []):
        for other_name in session.lab.shortcuts_of(ep.router):
            other = view.peer_of(ep, other_name)
            if other is None or not view.shortcut_ok(ep, other):
                continue
            for net, ifname in connected_networks(other.router):
                if ifname not in (other.tunnel, other.wan_interface) and not ifname.startswith("lo"):
                    rows.append(("dynamic", str(net.network), str(other.tunnel_ip.ip), ""))
    return opmode_show.frr_nhrp_shortcut(rows)


FRR_NHRP_VIEWS = {"cache": show_frr_nhrp_cache, "nhs": show_frr_nhrp_nhs, "shortcut": show_frr_nhrp_shortcut}


def _nhrp_peers(session, view, ep):
    """(type, protocol address, nbma, up) rows for an endpoint."""
    rows = []
    for tip, nbma, hub, problem in view.registrations_of(ep):
        rows.append(("static" if ep.router.version != "1.5" else "nhs", tip, nbma, problem is None))
    for spoke, _tip in view.registered_spokes(ep):
        rows.append(("dynamic", str(spoke.tunnel_ip.ip), spoke.nbma, True))
    for other_name in session.lab.shortcuts_of(ep.router):
        other = view.peer_of(ep, other_name)
        if other is not None and view.shortcut_ok(ep, other):
            rows.append(("cached", str(other.tunnel_ip.ip), other.nbma, True))
    return rows


def show_ipsec_sa(session, view):
    if view is None:
        return ""
    running = bool(session.router.running.get(["vpn", "ipsec"]))
    entries = [(conn, str(nbma), state) for conn, nbma, state, _reason in view.sa_entries(session.router)]
    return opmode_show.ipsec_sa(session.router.version, entries, running)


def _ping_option(args, name, convert):
    """The value after option ``name`` of ``ping`` (vyos-1x src/op_mode/ping.py takes the
    options in any order after the host, equuleus a79b59070), or None."""
    if name not in args:
        return None
    try:
        return convert(args[args.index(name) + 1])
    except (IndexError, ValueError):
        raise CliError("\n  Invalid command: [ping %s]\n" % " ".join(args))


def ping(session, args, view):
    target = args[0]
    count = _ping_option(args, "count", int) or 3
    source = _ping_option(args, "source-address", lambda value: str(ipaddress.IPv4Address(value)))
    try:
        ipaddress.IPv4Address(target)
    except ValueError:
        raise CliError("\n  Invalid command: [ping %s]\n" % " ".join(args))
    lab = session.lab
    reached, path = (False, []) if lab is None else lab.round_trip(session.router, target, source, view)
    out = ["PING %s (%s) 56(84) bytes of data." % (target, target)]
    if reached:
        for seq in range(1, count + 1):
            out.append("64 bytes from %s: icmp_seq=%d ttl=%d time=0.%d ms" % (target, seq, 64 - len(path), 300 + seq))
    received = count if reached else 0
    out += ["", "--- %s ping statistics ---" % target,
            "%d packets transmitted, %d received, %d%% packet loss, time %dms"
            % (count, received, 0 if reached else 100, (count - 1) * 1000)]
    return "\n".join(out)
