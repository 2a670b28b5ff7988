"""The dataplane checks of the options a DMVPN runs with in production: TCP MSS clamping, the
WAN firewall, hub-side dead peer detection, and spoke-to-spoke traffic in each of two clouds.

Each check runs only when the converged configuration has the option (the translated guest
says so); otherwise its row is NOT RUN with the reason, never a pass.
"""

import os
import re
import signal
import subprocess
import sys
import time

from . import checks, launcher

MSS_PORT = 8080
# strongSwan's IKEv2 retransmission defaults (charon: retransmit_timeout 4.0 s, retransmit_base
# 1.8, retransmit_tries 5; vyos-1x current 3710c5879 data/templates/ipsec/charon.j2 leaves them
# commented out, so VyOS 1.5 runs these): a peer that stopped answering is declared dead after
# the last retransmission times out, 4 * (1 + 1.8 + ... + 1.8^5) s after the first liveness
# check. IKEv2 has no dpd_timeout (strongSwan uses it for IKEv1 only).
IKEV2_RETRANSMIT_BUDGET = sum(4.0 * 1.8 ** k for k in range(6))
DPD_SLACK = 15                 # polling interval and a loaded machine's delays
# What the firewall check sends to the hub's WAN address from the underlay: (label, kind, port).
# The rule: with the firewall on, the WAN drops what is not GRE/ESP/IKE/NAT-T/SSH.
PROBES_DROPPED = (("TCP 23", "tcp", 23), ("TCP 80", "tcp", 80), ("UDP 53", "udp", 53))
PROBE_SSH = ("TCP 22 (SSH)", "tcp", 22)


# One TCP connection from a LAN host, tried again while the listener is not up yet.
CONNECT = """import socket, time
for attempt in range(20):
    try:
        socket.create_connection((%r, %d), 10).close()
        break
    except ConnectionRefusedError:
        time.sleep(1)
else:
    raise SystemExit("refused 20 times")
"""


def extra_note(run, keyword):
    """" [option from --extra FILE]" when that file added lines with ``keyword``: the row then
    tests the dataplane on lines the collection did not render."""
    lines = [line for lines in (run.extra or {}).values() for line in lines or []]
    return run.extra_note if any(keyword in line for line in lines) else ""


def parse_syn_mss(text):
    """``tcpdump -n -v`` lines -> [(flags, mss)] of the SYN and SYN-ACK segments."""
    out = []
    for m in re.finditer(r"Flags \[(S\.?)\][^\n]*?options \[[^\]]*?mss (\d+)", text):
        out.append((m.group(1), int(m.group(2))))
    return out


def _ns_popen(ns, argv):
    return subprocess.Popen(["ip", "netns", "exec", ns] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            return proc.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.communicate()[0]


def check_mss(run, phase, guests, src, dst):
    """A TCP connection from ``src``'s LAN host to a listener on ``dst``'s LAN host: the SYN
    that arrives and the SYN-ACK that comes back carry an MSS clamped by the routers' tunnels."""
    name = "TCP MSS clamped through the tunnel"
    where = "%s->%s" % (src, dst)
    mss = {r: (guests[r].tunnel or {}).get("adjust_mss") for r in (src, dst)}
    if not all(v and v.isdigit() for v in mss.values()):
        run.report.not_run(phase, name, where, "no numeric 'interfaces tunnel ... ip adjust-mss' on %s and %s (%s)"
                           % (src, dst, ", ".join("%s: %s" % kv for kv in sorted(mss.items()))))
        return
    lab = run.lab
    host = lab.lan_host(dst)
    server = _ns_popen(lab.lan_ns(dst), [sys.executable, "-m", "http.server", str(MSS_PORT), "--bind", host])
    filt = ["tcp", "port", str(MSS_PORT), "and", "tcp[tcpflags]", "&", "tcp-syn", "!=", "0"]
    dumps = {r: _ns_popen(lab.lan_ns(r), ["tcpdump", "-i", "lan0", "-n", "-v", "-l", "-U"] + filt) for r in (src, dst)}
    try:
        for proc in dumps.values():
            proc.stderr.readline()          # "listening on": it captures
        # (a loaded machine starts the listener slowly: a refused connection is tried again)
        connect = subprocess.run(["ip", "netns", "exec", lab.lan_ns(src), sys.executable, "-c", CONNECT % (host, MSS_PORT)],
                                 capture_output=True, text=True, check=False)
        time.sleep(1)
    finally:
        seen = {r: parse_syn_mss(_stop(p)) for r, p in dumps.items()}
        _stop(server)
    sent_syn = [m for f, m in seen[src] if f == "S"]
    got_syn = [m for f, m in seen[dst] if f == "S"]
    sent_ack = [m for f, m in seen[dst] if f == "S."]
    got_ack = [m for f, m in seen[src] if f == "S."]
    limit_src, limit_dst = int(mss[src]), int(mss[dst])
    ok = (connect.returncode == 0 and got_syn and got_ack and sent_syn and sent_ack
          and max(got_syn) <= limit_src and max(got_ack) <= limit_dst
          and min(sent_syn) > limit_src and min(sent_ack) > limit_dst)   # the clamp, not the hosts, set it
    failed = "" if connect.returncode == 0 else \
        "; connect failed: " + (connect.stderr.strip().splitlines() or ["?"])[-1][:80]
    run.report.add(phase, name, where, ok,
                   "SYN mss %s sent, %s arrived (adjust-mss %d on %s); SYN-ACK mss %s sent, %s arrived "
                   "(adjust-mss %d on %s)%s" % (sent_syn or "-", got_syn or "-", limit_src, src, sent_ack or "-",
                                                got_ack or "-", limit_dst, dst, failed)
                   + extra_note(run, "adjust-mss"))


def probe(ns, address, kind, port, timeout=3.0):
    """What the underlay sees of one probe: 'answered' (TCP accepted or refused with RST, UDP
    refused with ICMP port unreachable: the packet reached the router's stack) or 'dropped'."""
    script = ("import socket,sys\n"
              "s=socket.socket(socket.AF_INET,socket.SOCK_%s)\n"
              "s.settimeout(%r)\n"
              "try:\n"
              "    s.connect((%r,%d))\n"
              "    if %r=='udp':\n"
              "        s.send(b'x'); s.recv(64)\n"
              "    print('answered connected')\n"
              "except ConnectionRefusedError: print('answered refused')\n"
              "except (socket.timeout, TimeoutError): print('dropped timeout')\n"
              "except OSError as e: print('dropped', e)\n")
    script %= ("STREAM" if kind == "tcp" else "DGRAM", timeout, address, port, kind)
    out = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", script], capture_output=True, text=True,
                         check=False).stdout.strip()
    return out or "dropped (no output)"


def check_firewall(run, phase, guests, specs, hub):
    name = "WAN firewall drops other traffic"
    g = guests[hub]
    if not g.firewall:
        run.report.not_run(phase, name, hub, "no 'firewall ipv4' rules in %s's converged configuration" % hub)
        return
    address = specs[hub]["wan"]
    results = {label: probe(launcher.NETNS, address, kind, port) for label, kind, port in PROBES_DROPPED + (PROBE_SSH,)}
    ping = checks.parse_ping(subprocess.run(["ip", "netns", "exec", launcher.NETNS, "ping", "-n", "-c", "3", "-i", "0.3",
                                             "-W", "1", address], capture_output=True, text=True, check=False).stdout)
    dropped = all(results[label].startswith("dropped") for label, dummy, dummy2 in PROBES_DROPPED)
    evidence = ", ".join("%s %s" % (label, results[label]) for label, dummy, dummy2 in PROBES_DROPPED)
    run.report.add(phase, name, hub, dropped, "from the underlay to %s: %s; ICMP echo %d/%d replies"
                   % (address, evidence, ping[1], ping[0]) + extra_note(run, "firewall"))
    ssh = results[PROBE_SSH[0]]
    run.report.add(phase, "WAN firewall accepts SSH", hub, ssh.startswith("answered"),
                   "TCP 22 %s (the VM runs no sshd: a refused connection is the kernel's RST, the packet "
                   "was let in)" % ssh + extra_note(run, "firewall"))
    # GRE, ESP and IKE: this phase's registrations, SAs and pings ran with these rules loaded.
    earlier = [c for c in run.report.checks if c.phase == phase and
               (c.name.startswith("NHRP registration") or c.name.startswith("IPsec SA") or c.name.startswith("ping LAN"))]
    run.report.add(phase, "DMVPN up with the WAN firewall on", hub, bool(earlier) and all(c.passed for c in earlier),
                   "%d of %d registration, SA and ping checks of this phase passed with %s's rules loaded"
                   % (sum(c.passed for c in earlier), len(earlier), hub))


def _sa_up_with(vm, peer):
    return checks.established_with(checks.parse_swanctl_sas(vm.run("swanctl --list-sas 2>/dev/null")[1]), peer)


def check_dpd(run, phase, guests, specs, hub, spoke, nbma_of):
    """Pause ``spoke``'s VM (SIGSTOP: it stops answering anything) and time how long ``hub``'s
    charon keeps the IKE SA with it."""
    name = "hub DPD detects a dead spoke"
    dpd = next(iter(guests[hub].dpd.values()), None)
    if not dpd:
        run.report.not_run(phase, name, spoke, "no 'ike-group ... dead-peer-detection' in %s's converged configuration" % hub)
        return
    hub_vm, spoke_vm = run.lab.vms[hub], run.lab.vms[spoke]
    peer = nbma_of(guests[spoke], specs[spoke])
    interval, timeout = int(dpd["interval"]), int(dpd["timeout"])
    budget = timeout if dpd["version"] == "1" else IKEV2_RETRANSMIT_BUDGET
    limit = interval + budget + DPD_SLACK
    if not _sa_up_with(hub_vm, peer):
        run.report.add(phase, name, spoke, False, "no ESTABLISHED IKE SA with %s at %s before the pause" % (peer, hub))
        return
    os.kill(spoke_vm.proc.pid, signal.SIGSTOP)
    start = time.time()
    try:
        while time.time() - start < limit + 30 and _sa_up_with(hub_vm, peer):
            time.sleep(2)
        seconds = time.time() - start
    finally:
        os.kill(spoke_vm.proc.pid, signal.SIGCONT)
    gone = not _sa_up_with(hub_vm, peer)
    log = hub_vm.run("journalctl -u strongswan --no-pager --since '-%ds' | grep -c -i 'retransmit\\|giving up\\|DPD'"
                     % int(seconds + 30))[1].strip()
    run.report.add(phase, name, spoke, gone and seconds <= limit,
                   "%s's IKE SA with %s gone %.0f s after the spoke stopped (limit %.0f s = interval %d + %s + %d s "
                   "slack; action %s); %s log lines on retransmits/DPD"
                   % (hub, peer, seconds, limit, interval,
                      "timeout %d (IKEv1)" % timeout if dpd["version"] == "1"
                      else "charon's IKEv2 retransmissions %.0f s (IKEv2 has no dpd_timeout)" % budget,
                      DPD_SLACK, dpd["action"], log or "0") + extra_note(run, "dead-peer-detection"))


def check_clouds(run, phase, guests):
    """Spoke to spoke over each cloud: from one spoke's VM to another's tunnel address in that
    cloud, then the route to it must leave the hub out (an NHRP shortcut on that tunnel)."""
    name = "spoke <-> spoke over each cloud"
    clouds = {}
    for spoke in run.spokes:
        for tun in sorted(guests[spoke].tunnels):
            clouds.setdefault(tun, []).append(spoke)
    if len(clouds) < 2:
        run.report.not_run(phase, name, "clouds", "%d cloud in the dataplane inventory (%s): no second tunnel"
                           % (len(clouds), ", ".join(sorted(clouds)) or "none"))
        return
    for tun, members in sorted(clouds.items()):
        if len(members) < 2:
            run.report.not_run(phase, name, tun, "fewer than two spokes in the cloud of %s" % tun)
            continue
        a, b = members[0], members[1]
        target = guests[b].tunnels[tun]["address"].split("/")[0]
        hubs_tips = {guests[h].tunnels[tun]["address"].split("/")[0] for h in run.hubs if tun in guests[h].tunnels}
        vm = run.lab.vms[a]
        sent, received = 0, 0
        via = None
        for dummy in range(10):
            s, r, dummy2 = checks.parse_ping(vm.run("ping -n -c 3 -i 0.3 -W 2 %s" % target)[1])
            sent, received = sent + s, received + r
            via = checks.route_get_via(vm.run("ip route get %s" % target)[1])
            if r == s and via not in hubs_tips:
                break
            time.sleep(1)
        dev = re.search(r"\bdev (\S+)", vm.run("ip route get %s" % target)[1])
        ok = received > 0 and via not in hubs_tips and dev is not None and dev.group(1) == tun
        run.report.add(phase, name, "%s %s->%s" % (tun, a, b), ok,
                       "%d/%d replies from %s; route: %s dev %s"
                       % (received, sent, target, "via %s" % via if via else "direct", dev.group(1) if dev else "?"))
