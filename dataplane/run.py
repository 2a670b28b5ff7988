"""``python -m dataplane run``: build the image, converge the emulated lab with site.yml,
boot one VM per router with the translated configuration, and print the checks table.

Phases:
  static  the inventory as it is (dmvpn_routing: via_hub): registrations, IPsec SAs, pings
          hub<->spoke and spoke<->spoke, the spoke-to-spoke path switching to the NHRP
          shortcut, an underlay capture that must be ESP only, and a wrong PSK on one spoke.
  bgp     the same routers converged again with dmvpn_routing: bgp: registrations, SAs,
          BGP sessions, learned prefixes, pings.
The exit code is 0 only when every check ran and passed.
"""

import argparse
import concurrent.futures
import ipaddress
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import yaml

from . import capture, checks, clouds, feature_checks, image, launcher, lease_change, translate
from .checks import Report, wait_for
from vyos_lab.vault import vault_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.path.join(ROOT, "dataplane", "inventory")
# --phases clouds boots this one instead (two clouds over two ISPs; dataplane/inventory_dual)
INVENTORY_DUAL = os.path.join(ROOT, "dataplane", "inventory_dual")
CUT_OFF_SPOKE = "SPOKE3"        # the spoke whose VM gets a wrong PSK in the last static check
WRONG_KEY = "wrong-key-on-purpose"


# What diagnose() asks each VM (services, FRR's view, kernel routes and charon's log).
DIAGNOSTICS = "; ".join([
    "systemctl is-active frr strongswan", "ps -eo pid,etimes,args | grep -E '[z]ebra|[n]hrpd|[s]taticd|[w]atchfrr|[c]haron'",
    "ip -br addr", "ip route", "vtysh -c 'show ip nhrp nhs' -c 'show ip route'",
    "journalctl -b --no-pager -u frr | tail -40", "journalctl -b --no-pager -u strongswan | tail -20",
    "nft list ruleset | head -60"])


def log(msg):
    print("[dataplane %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# -- the emulated lab and site.yml ---------------------------------------------------------
class EmulatedLab:
    def __init__(self, state_dir):
        self.state_dir = state_dir

    def _lab(self, *args, check=True):
        proc = subprocess.run([sys.executable, "-m", "vyos_lab", "--state-dir", self.state_dir] + list(args),
                              cwd=ROOT, capture_output=True, text=True, check=False)
        if check and proc.returncode != 0:
            raise RuntimeError("vyos_lab %s failed: %s" % (args[0], proc.stderr.strip() or proc.stdout.strip()))
        return proc.stdout

    def up(self):
        self._lab("up", "--inventory", INVENTORY, "--fresh")

    def down(self):
        self._lab("down", check=False)

    def converge(self, extra_vars=None):
        # (the dataplane inventory's vault is the lab's, labelled lab: ansible.cfg names no password)
        argv = ["ansible-playbook", "-i", INVENTORY, os.path.join(ROOT, "playbooks", "site.yml")] + vault_args(None)
        for key, value in (extra_vars or {}).items():
            argv += ["-e", "%s=%s" % (key, value)]
        start = time.time()
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = "\n".join(proc.stdout.splitlines()[-25:])
            raise RuntimeError("site.yml failed (exit %d):\n%s" % (proc.returncode, tail))
        return time.time() - start

    def configuration(self, router):
        return self._lab("show", router, "show configuration commands")


def host_vars(router):
    with open(os.path.join(INVENTORY, "host_vars", "%s.yml" % router)) as fh:
        return yaml.safe_load(fh) or {}


def routers_of_inventory():
    with open(os.path.join(INVENTORY, "hosts.yml")) as fh:
        data = yaml.safe_load(fh)
    groups = data["all"]["children"]["dmvpn"]["children"]
    return list(groups["dmvpn_hubs"]["hosts"]), list(groups["dmvpn_spokes"]["hosts"])


def wiring(guests):
    """What the launcher needs of each router: its LAN, and its WAN as the underlay sees it."""
    out = []
    bridges = clouds.bridges_of(guests)
    for name, guest in guests.items():
        if not guest.lans:
            raise RuntimeError("%s has no LAN interface to put a LAN host on" % name)
        spec = {"name": name, "lan": guest.lans[0][1], "wan": guest.wan[1], "bridges": bridges[name]}
        if guest.wan[1] == "dhcp":
            addr = host_vars(name).get("lab_dhcp_address")
            if not addr:
                raise RuntimeError("%s: DHCP WAN but no lab_dhcp_address in its host_vars" % name)
            net = ipaddress.IPv4Network(addr + "/24", strict=False)
            spec.update(dhcp_address=addr, gateway="%s/24" % (net.network_address + 1))
        else:
            gw = host_vars(name).get("dmvpn_upstream_gateway")
            prefix = next(iface.network.prefixlen for ifname, iface in guest.all_addresses if ifname == guest.wan[0])
            spec["gateway"] = "%s/%d" % (gw, prefix) if gw else None
        out.append(spec)
    return out


# -- helpers on the VMs ----------------------------------------------------------------------
def shell_of(command):
    """The shell line that runs ``command``: FRR's ``show ...`` through vtysh (which prints its
    errors, e.g. ``% Unknown command``, where the output goes), others without their stderr."""
    return "vtysh -c %s" % translate.shell_quote(command) if command.startswith("show ") else command + " 2>/dev/null"


def load_extra(path):
    """``--extra FILE``: YAML {router name | hubs | spokes | all: [set lines]} appended to the
    converged configurations before translation (debugging, and exercising translated options
    the collection does not render yet). Every line must be a ``set`` line."""
    with open(path) as fh:
        data = yaml.safe_load(fh) or {}
    for key, lines in data.items():
        bad = [line for line in lines or [] if not str(line).startswith("set ") or "\n" in str(line)]
        if bad:
            raise RuntimeError("%s: %s: not a set line: %s" % (path, key, bad[0]))
    return data


def extra_lines(extra, router, hubs):
    role = "hubs" if router in hubs else "spokes"
    return list(extra.get("all") or []) + list(extra.get(role) or []) + list(extra.get(router) or [])


def nbma_of(guest, wiring_spec):
    return wiring_spec.get("dhcp_address") or guest.wan[1]


class Run:
    def __init__(self, args):
        self.args = args
        self.report = Report(progress=lambda c: log("%-7s %s: %s (%s)" % (c.result, c.where, c.name, c.phase)))
        self.timings = {}
        self.memory_peak_kib = 0
        self.lab = None
        self.capture = capture.Capture()
        self.extra = load_extra(args.extra) if getattr(args, "extra", None) else {}
        # Rows of checks whose option came from --extra lines say so (not the collection's output).
        self.extra_note = " [option from --extra %s]" % os.path.basename(args.extra) if self.extra else ""

    def read(self, phase, vm, command):
        """What ``command`` prints on ``vm``, recorded when capturing."""
        return self.capture.save(phase, vm.name, command, vm.run(shell_of(command))[1])

    # -- phase plumbing ----------------------------------------------------------------------
    def configs(self, emulated, extra_vars=None):
        seconds = emulated.converge(extra_vars)
        texts = {r: emulated.configuration(r) + "".join(line + "\n" for line in extra_lines(self.extra, r, self.hubs))
                 for r in self.hubs + self.spokes}
        guests = {r: translate.translate(t) for r, t in texts.items()}
        return seconds, texts, guests

    def start_vms(self, phase, guests):
        start = time.time()
        booted = self.lab.reboot() if self.lab.running else self.lab.boot()
        for name, seconds in booted.items():
            self.report.add(phase, "VM booted, agent answers", name, True, "after %.0f s" % seconds)

        def apply(name):
            vm = self.lab.vms[name]
            vm.push(dict(guests[name].files, **{"/run/dataplane-apply.sh": guests[name].script}))
            # (the script waits for FRR up to 150 s on a loaded machine; the agent allows 300 s)
            return vm.run("bash /run/dataplane-apply.sh 2>&1", timeout=320)

        # every VM applies its configuration at the same time (each has its own agent channel)
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(guests)) as pool:
            results = dict(zip(guests, pool.map(apply, guests)))
        for name, (rc, out) in results.items():
            err = [line for line in out.splitlines() if line and not line.startswith("+") and "plugin '" not in line]
            self.report.add(phase, "configuration applied", name, rc == 0,
                            ("exit 0" + "".join("; " + line for line in err if line.startswith("frr: ")))
                            if rc == 0 else "exit %d: %s" % (rc, (err or ["?"])[-1][:100]))
        self.sample_memory()
        self.timings["%s: boot and apply" % phase] = time.time() - start

    def sample_memory(self):
        self.memory_peak_kib = max(self.memory_peak_kib, self.lab.memory_rss_kib())

    # -- checks ----------------------------------------------------------------------------
    def check_registrations(self, phase, guests, specs):
        hub = self.lab.vms[self.hubs[0]]
        want = {guests[s].tunnel_ip: nbma_of(guests[s], specs[s]) for s in self.spokes}

        cache = wait_for(lambda: checks.nhrp_cache(self.read(phase, hub, "show ip nhrp cache")),
                         lambda cache: all(cache.get(t, ("", ""))[0] == "dynamic" for t in want), 150)
        failed = False
        for spoke in self.spokes:
            tip = guests[spoke].tunnel_ip
            kind, nbma = cache.get(tip, (None, None))
            failed |= not self.report.add(phase, "NHRP registration at %s" % self.hubs[0], spoke,
                                          kind == "dynamic" and nbma == want[tip],
                                          "%s -> NBMA %s (%s)" % (tip, nbma, kind) if kind else "%s not in the hub's cache" % tip)
        if failed:
            self.diagnose(phase)

    def diagnose(self, phase):
        """What the routers' daemons say when registration failed: written to the work folder
        (kept with --keep) and its first lines logged."""
        for name, vm in self.lab.vms.items():
            out = vm.run(DIAGNOSTICS, timeout=120)[1]
            path = os.path.join(self.lab.workdir, "%s-%s-diagnostics.txt" % (phase, name))
            with open(path, "w") as fh:
                fh.write(out)
            log("diagnostics of %s: %s\n%s" % (name, path, "\n".join(out.splitlines()[:25])))

    def check_sas(self, phase, guests, specs):
        hub_nbma = nbma_of(guests[self.hubs[0]], specs[self.hubs[0]])
        for spoke in self.spokes:
            vm = self.lab.vms[spoke]
            sas = checks.parse_swanctl_sas(self.read(phase, vm, "swanctl --list-sas"))
            sa = checks.established_with(sas, hub_nbma)
            out_n, in_n = checks.xfrm_states_between(vm.run("ip xfrm state")[1], nbma_of(guests[spoke], specs[spoke]), hub_nbma)
            ok = sa is not None and out_n >= 1 and in_n >= 1
            evidence = ("%s %s, child %s; xfrm ESP states out %d / in %d" %
                        (sa["version"], sa["state"], " ".join(sa["children"][0][1:]), out_n, in_n)) if sa else \
                "no ESTABLISHED IKE SA with an INSTALLED child to %s (%d SAs listed)" % (hub_nbma, len(sas))
            self.report.add(phase, "IPsec SA with %s" % self.hubs[0], spoke, ok, evidence)

    def ping(self, phase, src, dst, count=5):
        sent, received, dummy = checks.parse_ping(self.lab.lan_ping(src, dst, count=count))
        ok = sent > 0 and received >= sent - 1
        self.report.add(phase, "ping LAN %s -> LAN %s" % (src, dst), "%s->%s" % (src, dst), ok,
                        "%d/%d replies" % (received, sent))
        return ok

    def first_contact_ping(self, phase, src, dst, count=10, settled=5):
        """Spoke to spoke with no NHRP entry yet: the first packets wait for the resolution and
        the IKE exchange between the two spokes (lost ones are shown); the last ``settled``
        must all be answered."""
        out = self.lab.lan_ping(src, dst, count=count, interval=0.5)
        sent, received, dummy = checks.parse_ping(out)
        seqs = checks.replied_seqs(out)
        ok = sent == count and all(n in seqs for n in range(count - settled + 1, count + 1))
        self.report.add(phase, "ping LAN %s -> LAN %s" % (src, dst), "%s->%s" % (src, dst), ok,
                        "%d/%d replies, the last %d all answered: %s; first reply icmp_seq %s"
                        % (received, sent, settled, "yes" if ok else "no", seqs[0] if seqs else "-"))
        return ok

    def check_shortcut(self, phase, a, b, guests):
        vm = self.lab.vms[a]
        dst = self.lab.lan_host(b)
        hub_tip = guests[self.hubs[0]].tunnel_ip
        b_tip = guests[b].tunnel_ip
        before = checks.route_get_via(vm.run("ip route get %s" % dst)[1])
        first = checks.parse_ping(self.lab.lan_ping(a, b, count=1))[2]
        rounds, after, shortcut = 0, before, {}
        while rounds < 20:
            rounds += 1
            self.lab.lan_ping(a, b, count=3, interval=0.3)
            after = checks.route_get_via(vm.run("ip route get %s" % dst)[1])
            shortcut = checks.nhrp_shortcuts(self.read(phase, vm, "show ip nhrp shortcut"))
            direct = after != hub_tip and any(t == "dynamic" and via == b_tip for t, via in shortcut.values())
            if direct:
                break
            time.sleep(1)
        last = checks.parse_ping(self.lab.lan_ping(a, b, count=2))[2]
        ok = before == hub_tip and after != hub_tip and any(v[1] == b_tip and v[0] == "dynamic" for v in shortcut.values())
        entry = ", ".join("%s via %s" % (p, v[1]) for p, v in shortcut.items() if v[0] == "dynamic") or "none"
        self.report.add(phase, "shortcut %s -> %s" % (a, b), a, ok,
                        "before: via %s, ttl %s; after %d pings: nhrp shortcut %s, next hop %s, ttl %s"
                        % (before, first[0] if first else "-", 1 + 3 * rounds, entry, after or "direct on tun0",
                           last[-1] if last else "-"))

    def check_capture(self, phase, capture_text, guests, specs, pairs):
        lans = [str(g.lans[0][1].network) for g in guests.values()]
        kinds, esp_pairs = checks.classify_capture(capture_text, lans)
        self.report.add(phase, "underlay carries ESP, no cleartext GRE", "underlay", kinds["esp"] > 0 and kinds["gre"] == 0,
                        "ESP %d, GRE %d, IKE %d, other %d packets" % (kinds["esp"], kinds["gre"], kinds["ike"], kinds["other"]))
        self.report.add(phase, "no LAN address on the underlay", "underlay", kinds["lan"] == 0,
                        "%d packets with LAN addresses" % kinds["lan"])
        for a, b in pairs:
            na, nb = nbma_of(guests[a], specs[a]), nbma_of(guests[b], specs[b])
            n = esp_pairs.get((na, nb), 0) + esp_pairs.get((nb, na), 0)
            self.report.add(phase, "ESP directly between the spokes", "%s<->%s" % (a, b), n > 0,
                            "%d ESP packets %s <-> %s" % (n, na, nb))

    def check_wrong_psk(self, phase, texts, guests, specs):
        spoke, other = CUT_OFF_SPOKE, self.spokes[0]
        hub_nbma = nbma_of(guests[self.hubs[0]], specs[self.hubs[0]])
        wrong = translate.translate(texts[spoke], psk_override=WRONG_KEY)
        vm = self.lab.vms[spoke]
        vm.push({"/etc/swanctl/conf.d/vyos.conf": wrong.files["/etc/swanctl/conf.d/vyos.conf"]})
        vm.run("swanctl --load-all --clear >/dev/null 2>&1; for id in $(swanctl --list-sas 2>/dev/null | "
               "sed -n 's/^[^ ].*: #\\([0-9]*\\),.*/\\1/p'); do swanctl --terminate --ike-id $id --force >/dev/null 2>&1; done; "
               "ip xfrm state flush")
        time.sleep(2)
        sent, received, dummy = checks.parse_ping(self.lab.lan_ping(spoke, self.hubs[0], count=8, interval=1))
        sas = checks.parse_swanctl_sas(vm.run("swanctl --list-sas 2>/dev/null")[1])
        hub_log = self.lab.vms[self.hubs[0]].run("journalctl -u strongswan --no-pager --since '-60s' | "
                                                 "grep -c -i 'MAC mismatched\\|authentication of .* failed\\|AUTHENTICATION_FAILED'")[1].strip()
        if self.capture.on:   # what nhrpd shows of the hub once the SAs are gone
            for command in ("show ip nhrp cache", "show ip nhrp nhs"):
                self.read(phase + "-wrong-key", vm, command)
        ok = received == 0 and checks.established_with(sas, hub_nbma) is None
        self.report.add(phase, "wrong key on one spoke cuts it off", spoke, ok,
                        "%d/%d replies to LAN %s, IKE SA with hub: %s, hub logged %s auth failures"
                        % (received, sent, self.hubs[0], "none" if checks.established_with(sas, hub_nbma) is None else "UP",
                           hub_log or "0"))
        self.ping(phase, other, self.hubs[0])

    def record_views(self, phase, commands):
        """With DMVPN_DATAPLANE_CAPTURE: what FRR and swanctl print on the hub and the first
        spoke (fixtures for the status parsers; no check reads them)."""
        if not self.capture.on:
            return
        for name in (self.hubs[0], self.spokes[0]):
            for command in commands:
                self.read(phase, self.lab.vms[name], command)

    def check_bgp(self, phase, guests):
        hub = self.lab.vms[self.hubs[0]]
        spoke_tips = {guests[s].tunnel_ip for s in self.spokes}

        # (a spoke that tried before it had registered waits for BGP's connect retry, 120 s)
        peers = wait_for(
            lambda: checks.bgp_established_peers(json.loads(self.read(phase, hub, "show bgp ipv4 unicast summary json") or "{}")),
            lambda peers: all(peers.get(t) == "Established" for t in spoke_tips), 200)
        for spoke in self.spokes:
            tip = guests[spoke].tunnel_ip
            self.report.add(phase, "BGP session at %s" % self.hubs[0], spoke, peers.get(tip) == "Established",
                            "%s %s" % (tip, peers.get(tip, "no session")))
        for spoke in self.spokes:
            want = {str(guests[r].lans[0][1].network) for r in self.hubs + self.spokes if r != spoke}

            vm = self.lab.vms[spoke]
            got = wait_for(lambda vm=vm: checks.bgp_route_prefixes(json.loads(self.read(phase, vm, "show ip route bgp json") or "{}")),
                           lambda got, want=want: want <= got, 60)
            self.report.add(phase, "BGP prefixes learned", spoke, want <= got,
                            "%d of %d other LANs: %s" % (len(want & got), len(want), " ".join(sorted(want & got)) or "-"))

    # -- the run -----------------------------------------------------------------------------
    def execute(self):
        t0 = time.time()
        self.hubs, self.spokes = routers_of_inventory()
        img = image.build(log=log)
        self.timings["image (build or cache)"] = time.time() - t0
        state = tempfile.mkdtemp(prefix="dmvpn-dataplane-lab-")
        emulated = EmulatedLab(state)
        log("emulated lab: %s (%d routers, VyOS 1.5)" % (INVENTORY, len(self.hubs + self.spokes)))
        emulated.up()
        try:
            secs, texts, guests = self.configs(emulated)
            self.timings["site.yml (static)"] = secs
            log("site.yml converged in %.0f s; translated %d configurations" % (secs, len(guests)))
            adaptations = sorted({a for g in guests.values() for a in g.adaptations})
            specs_list = wiring(guests)
            specs = {s["name"]: s for s in specs_list}
            self.lab = launcher.Lab(img, specs_list, memory=self.args.memory)
            try:
                self.lab.setup()
                log("booting %d VMs (qemu -accel %s, %d MiB each)" % (len(specs), launcher.accel(), self.args.memory))
                if "static" in self.args.phases:
                    self.static_phase(texts, guests, specs)
                if "clouds" in self.args.phases:
                    clouds.phase(self, guests)
                if "bgp" in self.args.phases:
                    log("converging the emulated lab again with dmvpn_routing: bgp")
                    secs, texts, guests = self.configs(emulated, {"dmvpn_routing": "bgp"})
                    self.timings["site.yml (bgp)"] = secs
                    self.bgp_phase(guests, specs)
            finally:
                self.sample_memory()
                if self.args.hold:
                    for vm in self.lab.vms.values():
                        vm._disconnect()  # pylint: disable=protected-access
                    log("holding the VMs for %d s (agents: %s/*/agent.sock)" % (self.args.hold, self.lab.workdir))
                    time.sleep(self.args.hold)
                self.lab.close(keep_workdir=self.args.keep)
        finally:
            emulated.down()
        self.timings["total"] = time.time() - t0
        return adaptations

    def static_phase(self, texts, guests, specs):
        phase = "static"
        self.start_vms(phase, guests)
        self.check_registrations(phase, guests, specs)
        self.check_sas(phase, guests, specs)
        t = time.time()
        packets = self.lab.capture_start("static")
        for spoke in self.spokes:
            self.ping(phase, spoke, self.hubs[0])
            self.ping(phase, self.hubs[0], spoke)
        pairs = [(a, b) for i, a in enumerate(self.spokes) for b in self.spokes[i + 1:]]
        for a, b in pairs:
            self.check_shortcut(phase, a, b, guests)
            self.ping(phase, b, a)
        self.sample_memory()
        self.record_views(phase, lease_change.NHRP_VIEWS + ("show ip route",))
        self.check_capture(phase, self.lab.capture_stop(packets), guests, specs, pairs)
        feature_checks.check_mss(self, phase, guests, self.spokes[0], self.hubs[0])
        feature_checks.check_firewall(self, phase, guests, specs, self.hubs[0])
        feature_checks.check_clouds(self, phase, guests)
        lease_change.check(self, phase, guests, specs)
        self.check_wrong_psk(phase, texts, guests, specs)
        # last: it pauses the first spoke's VM until the hub gives it up
        feature_checks.check_dpd(self, phase, guests, specs, self.hubs[0], self.spokes[0], nbma_of)
        self.timings["static: checks"] = time.time() - t

    def bgp_phase(self, guests, specs):
        phase = "bgp"
        self.start_vms(phase, guests)
        t = time.time()
        self.check_registrations(phase, guests, specs)
        self.check_sas(phase, guests, specs)
        self.check_bgp(phase, guests)
        self.record_views(phase, ("show ip bgp summary", "show ip route", "show ip nhrp cache"))
        for i, a in enumerate(self.spokes):
            self.ping(phase, a, self.hubs[0])
            for b in self.spokes[i + 1:]:
                self.first_contact_ping(phase, a, b)
        self.sample_memory()
        self.timings["bgp: checks"] = time.time() - t


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dataplane", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build (or reuse) the VM image only")
    run = sub.add_parser("run", help="build, converge, boot, check, print the table")
    run.add_argument("--phases", nargs="+", default=["static", "bgp"], choices=["static", "bgp", "clouds"],
                     help="clouds (alone): the two-cloud inventory dataplane/inventory_dual")
    run.add_argument("--memory", type=int, default=384, help="MiB per VM (default 384)")
    run.add_argument("--keep", action="store_true", help="keep the VM work folder (consoles, captures)")
    run.add_argument("--extra", metavar="FILE",
                     help="YAML {router|hubs|spokes|all: [set lines]} appended to the converged configurations "
                          "before translation (the checks of those options say so in their evidence)")
    run.add_argument("--hold", type=int, default=0, metavar="SECONDS",
                     help="debugging: keep the VMs running this long after the checks")
    args = parser.parse_args(argv)
    if args.command == "build":
        img = image.build(log=log)
        print(json.dumps(img.manifest, indent=2))
        return 0
    if "clouds" in args.phases:
        if len(args.phases) > 1:
            parser.error("--phases clouds runs alone (it boots another inventory)")
        global INVENTORY  # pylint: disable=global-statement
        INVENTORY = INVENTORY_DUAL
    # A stop (Ctrl-C, kill) runs the clean-up: VMs, helpers and namespaces go away.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    r = Run(args)
    try:
        adaptations = r.execute()
    except (RuntimeError, launcher.LabError, image.BuildError, translate.TranslateError) as exc:
        print(r.report.table())
        print("\ndataplane: stopped: %s" % exc)
        return 2
    print()
    print(r.report.table())
    counts = r.report.counts()
    print("\n%d passed, %d failed, %d not run" % (counts[checks.PASS], counts[checks.FAIL], counts[checks.NOT_RUN]))
    for a in adaptations:
        print("adaptation: %s" % a)
    print("time: " + ", ".join("%s %.0f s" % (k, v) for k, v in r.timings.items()))
    print("memory: VMs %.0f MiB resident at peak (%d VMs x %d MiB configured)"
          % (r.memory_peak_kib / 1024, len(r.hubs + r.spokes), args.memory))
    return 0 if r.report.passed else 1
