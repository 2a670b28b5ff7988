"""Launcher of the dataplane lab: one qemu VM per router, wired inside a network namespace.

Layout (everything lives in network namespaces the launcher creates and deletes):

* ``dmvpn-dp``: the underlay ("the Internet"). Bridge ``dpwan`` joins every router's eth0
  tap; the namespace itself is the ISP router (the hubs' upstream gateways and the DHCP
  spokes' gateway live on that bridge), with dnsmasq handing out the spokes' addresses.
  The qemu processes run here, so their taps are here too.
* per router, a LAN: bridge ``dplN`` joins the router's eth1 tap and a veth to the LAN host
  namespace ``dmvpn-dp-<router>``, which has the address .10 of the router's LAN and a
  default route via the router. Pings between LAN hosts are real traffic through the VMs.

Each VM boots the cached image read-only (writes go to a throw-away overlay) and runs an
agent on a virtio serial port; ``VM.run`` sends it a shell script and returns the exit
code and output. ``Lab.close`` (also on exceptions and signals) stops the VMs, dnsmasq and
captures and deletes the namespaces.
"""

import base64
import io
import ipaddress
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time

NETNS = "dmvpn-dp"
WAN_BRIDGE = "dpwan"
LAN_HOST_SUFFIX = 10       # the LAN host's address: .10 of the router's LAN


class LabError(RuntimeError):
    """The VM lab could not be set up or a VM did not answer; the message says which."""


def _sh(argv, check=True, ns=None):
    if ns:
        argv = ["ip", "netns", "exec", ns] + argv
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise LabError("%s: %s" % (" ".join(argv), (proc.stderr or proc.stdout).strip()))
    return proc


def accel():
    """qemu's accelerator: tcg unless DMVPN_DATAPLANE_ACCEL says otherwise (e.g. kvm). TCG's
    translation cache is capped (qemu's default is 1 GiB per VM)."""
    return os.environ.get("DMVPN_DATAPLANE_ACCEL", "tcg,tb-size=128")


class VM:
    """One router's VM and its agent channel."""

    def __init__(self, lab, index, name, image, memory, bridges=None):
        self.lab, self.index, self.name, self.image = lab, index, name, image
        # the underlay bridge of eth0 and, for a router in two clouds over two ISPs, of eth2
        self.wan_bridge = (bridges or {}).get("eth0", WAN_BRIDGE)
        self.wan2_bridge = (bridges or {}).get("eth2")
        self.wan2_tap, self.wan2_mac = "dpx%d" % index, "52:54:00:d0:%02x:03" % index
        self.memory = memory
        self.dir = os.path.join(lab.workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.sock_path = os.path.join(self.dir, "agent.sock")
        self.console = os.path.join(self.dir, "console.log")
        self.wan_tap, self.lan_tap = "dpw%d" % index, "dpl%dt" % index
        self.lan_bridge = "dpl%d" % index
        self.wan_mac = "52:54:00:d0:%02x:01" % index
        self.lan_mac = "52:54:00:d0:%02x:02" % index
        self.proc = None
        self.sock = None
        self.rfile = None
        self.ids = itertools.count(1)

    def start(self):
        argv = ["ip", "netns", "exec", NETNS, "qemu-system-x86_64", "-name", self.name,
                "-accel", accel(), "-m", str(self.memory), "-smp", "1", "-nodefaults", "-no-user-config",
                "-display", "none", "-monitor", "none", "-serial", "file:%s" % self.console,
                "-kernel", str(self.image.kernel), "-initrd", str(self.image.initrd),
                "-append", "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=5",
                "-drive", "file=%s,if=virtio,format=raw,snapshot=on" % self.image.rootfs,
                "-netdev", "tap,id=wan,ifname=%s,script=no,downscript=no" % self.wan_tap,
                "-device", "virtio-net-pci,netdev=wan,mac=%s,romfile=" % self.wan_mac,
                "-netdev", "tap,id=lan,ifname=%s,script=no,downscript=no" % self.lan_tap,
                "-device", "virtio-net-pci,netdev=lan,mac=%s,romfile=" % self.lan_mac]
        if self.wan2_bridge:   # the third NIC is the guest's eth2 (PCI order, net.ifnames=0)
            argv += ["-netdev", "tap,id=wan2,ifname=%s,script=no,downscript=no" % self.wan2_tap,
                     "-device", "virtio-net-pci,netdev=wan2,mac=%s,romfile=" % self.wan2_mac]
        argv += ["-device", "virtio-serial",
                 "-chardev", "socket,id=agent,path=%s,server=on,wait=off" % self.sock_path,
                 "-device", "virtserialport,chardev=agent,name=dp.agent"]
        with open(os.path.join(self.dir, "qemu.log"), "w") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_agent(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise LabError("%s: qemu exited (%s); see %s" % (self.name, self.proc.returncode, self.console))
            try:
                self._connect()
                rc, out = self.run("echo ready", timeout=5)
                if rc == 0 and out.strip() == "ready":
                    return time.time()
            except (OSError, LabError):
                self._disconnect()
            time.sleep(1)
        raise LabError("%s: the guest agent did not answer within %d s; see %s" % (self.name, timeout, self.console))

    def _connect(self):
        if self.sock is None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(self.sock_path)
            self.rfile = self.sock.makefile("rb")

    def _disconnect(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = self.rfile = None

    def run(self, script, timeout=120):
        """Run ``script`` with bash in the guest; return (exit code, output)."""
        self._connect()
        ident = str(next(self.ids))
        self.sock.settimeout(timeout)
        self.sock.sendall(("%s %s\n" % (ident, base64.b64encode(script.encode()).decode())).encode())
        try:
            while True:
                line = self.rfile.readline()
                if not line:
                    raise LabError("%s: agent closed the channel" % self.name)
                parts = line.decode().split(" ")
                if len(parts) == 4 and parts[0] == "R" and parts[1] == ident:
                    return int(parts[2]), base64.b64decode(parts[3]).decode(errors="replace")
        except socket.timeout:
            self._disconnect()
            raise LabError("%s: no answer within %d s to: %s" % (self.name, timeout, script.splitlines()[0][:80]))

    def push(self, files):
        """Write files (absolute path -> text) into the guest."""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            for path, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(path.lstrip("/"))
                info.size, info.mode = len(data), 0o600 if "swanctl" in path else 0o644
                tar.addfile(info, io.BytesIO(data))
        payload = base64.b64encode(buf.getvalue()).decode()
        rc, out = self.run("echo %s | base64 -d | tar -xzf - -C / --no-same-owner" % payload)
        if rc != 0:
            raise LabError("%s: writing the configuration failed: %s" % (self.name, out.strip()))

    def stop(self):
        self._disconnect()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Lab:
    """The namespaces, bridges, DHCP server and VMs of one run."""

    def __init__(self, image, routers, memory=384, workdir=None):
        """``routers``: list of dicts {name, lan (IPv4Interface of the router's LAN address),
        wan (address or "dhcp"), dhcp_address (for dhcp), gateway (ISP address with prefix)}."""
        self.image, self.routers, self.memory = image, routers, memory
        self.workdir = workdir or tempfile.mkdtemp(prefix="dmvpn-dataplane-")
        self.vms = {}
        self.helpers = []      # dnsmasq, captures
        self.dnsmasq, self.leases = None, {}
        self.lan_namespaces = []

    # -- namespaces -----------------------------------------------------------------------
    @staticmethod
    def lan_ns(router):
        return "%s-%s" % (NETNS, router.lower())

    def setup(self):
        self.cleanup_stale()
        _sh(["ip", "netns", "add", NETNS])
        ns = NETNS
        for cmd in (["ip", "link", "set", "lo", "up"],
                    ["ip", "link", "add", WAN_BRIDGE, "type", "bridge"],
                    ["ip", "link", "set", WAN_BRIDGE, "up"],
                    ["sysctl", "-qw", "net.ipv4.ip_forward=1"],
                    ["sysctl", "-qw", "net.ipv4.conf.all.send_redirects=0"],
                    ["sysctl", "-qw", "net.ipv4.conf.default.send_redirects=0"]):
            _sh(cmd, ns=ns)
        # a second underlay (two clouds over two ISPs): its own bridge, joined like dpwan
        for bridge in sorted({b for r in self.routers for b in (r.get("bridges") or {}).values()} - {WAN_BRIDGE}):
            _sh(["ip", "link", "add", bridge, "type", "bridge"], ns=ns)
            _sh(["ip", "link", "set", bridge, "up"], ns=ns)
        gateways = sorted({r["gateway"] for r in self.routers if r.get("gateway")})
        for gw in gateways:
            _sh(["ip", "addr", "add", gw, "dev", WAN_BRIDGE], ns=ns)
        dhcp = [r for r in self.routers if r["wan"] == "dhcp"]
        for index, router in enumerate(self.routers, start=1):
            vm = VM(self, index, router["name"], self.image, self.memory, router.get("bridges"))
            self.vms[router["name"]] = vm
            for tap in (vm.wan_tap, vm.lan_tap) + ((vm.wan2_tap,) if vm.wan2_bridge else ()):
                _sh(["ip", "tuntap", "add", tap, "mode", "tap"], ns=ns)
                _sh(["ip", "link", "set", tap, "up"], ns=ns)
            _sh(["ip", "link", "set", vm.wan_tap, "master", vm.wan_bridge], ns=ns)
            if vm.wan2_bridge:
                _sh(["ip", "link", "set", vm.wan2_tap, "master", vm.wan2_bridge], ns=ns)
            _sh(["ip", "link", "add", vm.lan_bridge, "type", "bridge"], ns=ns)
            _sh(["ip", "link", "set", vm.lan_bridge, "up"], ns=ns)
            _sh(["ip", "link", "set", vm.lan_tap, "master", vm.lan_bridge], ns=ns)
            lan_ns = self.lan_ns(router["name"])
            _sh(["ip", "netns", "add", lan_ns])
            self.lan_namespaces.append(lan_ns)
            peer = "dplv%d" % index
            _sh(["ip", "link", "add", peer, "type", "veth", "peer", "name", "lan0", "netns", lan_ns], ns=ns)
            _sh(["ip", "link", "set", peer, "master", vm.lan_bridge], ns=ns)
            _sh(["ip", "link", "set", peer, "up"], ns=ns)
            host = self.lan_host(router["name"])
            for cmd in (["ip", "link", "set", "lo", "up"], ["ip", "link", "set", "lan0", "up"],
                        ["ip", "addr", "add", "%s/%d" % (host, router["lan"].network.prefixlen), "dev", "lan0"],
                        ["ip", "route", "add", "default", "via", str(router["lan"].ip)]):
                _sh(cmd, ns=lan_ns)
        if dhcp:
            self._dnsmasq(dhcp)

    def _dnsmasq(self, routers):
        argv = ["ip", "netns", "exec", NETNS, "dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--port=0", "--interface=%s" % WAN_BRIDGE, "--bind-interfaces",
                "--dhcp-leasefile=%s" % os.path.join(self.workdir, "dnsmasq.leases"),
                "--log-dhcp", "--log-facility=%s" % os.path.join(self.workdir, "dnsmasq.log")]
        for net in sorted({ipaddress.IPv4Interface(r["gateway"]).network for r in routers}):
            argv.append("--dhcp-range=%s,static,%s,1h" % (net.network_address, net.netmask))
        # The leases are in a hosts file, which dnsmasq reads again on SIGHUP: set_lease
        # changes a spoke's address without restarting the DHCP server. (dnsmasq reads it
        # after dropping to an unprivileged user, who cannot enter the private work folder:
        # it stays root, inside the lab's namespace.)
        argv.append("--user=root")
        self.leases = {r["name"]: r["dhcp_address"] for r in routers}
        argv.append("--dhcp-hostsfile=%s" % self._write_leases())
        self.dnsmasq = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.helpers.append(self.dnsmasq)

    def _write_leases(self):
        path = os.path.join(self.workdir, "dnsmasq.hosts")
        with open(path, "w") as fh:
            fh.writelines("%s,%s\n" % (self.vms[name].wan_mac, address) for name, address in sorted(self.leases.items()))
        return path

    def set_lease(self, router, address):
        """From now on the DHCP server gives ``router`` ``address`` (its next DISCOVER gets it)."""
        self.leases[router] = address
        self._write_leases()
        self.dnsmasq.send_signal(signal.SIGHUP)

    @staticmethod
    def cleanup_stale():
        out = _sh(["ip", "netns", "list"], check=False).stdout
        for line in out.splitlines():
            name = line.split()[0] if line.split() else ""
            if name == NETNS or name.startswith(NETNS + "-"):
                for pid in _sh(["ip", "netns", "pids", name], check=False).stdout.split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                _sh(["ip", "netns", "del", name], check=False)

    def lan_host(self, router):
        spec = next(r for r in self.routers if r["name"] == router)
        return str(spec["lan"].network.network_address + LAN_HOST_SUFFIX)

    # -- VMs ------------------------------------------------------------------------------
    @property
    def running(self):
        return any(vm.proc is not None and vm.proc.poll() is None for vm in self.vms.values())

    def boot(self, timeout=300):
        """Start every VM; return seconds until each agent answered."""
        start = time.time()
        for vm in self.vms.values():
            vm.start()
        return {name: vm.wait_agent(timeout - (time.time() - start)) - start for name, vm in self.vms.items()}

    def reboot(self, timeout=300):
        for vm in self.vms.values():
            vm.stop()
            if os.path.exists(vm.sock_path):
                os.unlink(vm.sock_path)
        return self.boot(timeout)

    def lan_ping(self, src, dst_router, count=3, interval=0.5, wait=2):
        """Ping from router ``src``'s LAN host to ``dst_router``'s LAN host; return ping's output
        (checks.parse_ping reads it)."""
        argv = ["ping", "-n", "-c", str(count), "-i", str(interval), "-W", str(wait), self.lan_host(dst_router)]
        return _sh(argv, check=False, ns=self.lan_ns(src)).stdout

    def capture_start(self, name, bridge=WAN_BRIDGE):
        path = os.path.join(self.workdir, "%s.pcap" % name)
        proc = subprocess.Popen(["ip", "netns", "exec", NETNS, "tcpdump", "-i", bridge, "-n", "-U", "-s", "128",
                                 "-w", path, "ip"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        # tcpdump says "listening on" once it captures.
        proc.stderr.readline()
        self.helpers.append(proc)
        return proc, path

    @staticmethod
    def capture_stop(capture):
        proc, path = capture
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
        out = subprocess.run(["tcpdump", "-r", path, "-n", "-tt"], capture_output=True, text=True, check=False)
        return out.stdout

    def memory_rss_kib(self):
        """Resident memory of the qemu processes (KiB), summed."""
        total = 0
        for vm in self.vms.values():
            # ``ip netns exec`` execs qemu: the process started is qemu itself
            if vm.proc and vm.proc.poll() is None:
                try:
                    with open("/proc/%d/status" % vm.proc.pid) as fh:
                        total += sum(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
                except OSError:
                    pass
        return total

    def close(self, keep_workdir=False):
        for vm in self.vms.values():
            vm.stop()
        for proc in self.helpers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        self.cleanup_stale()
        if not keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
