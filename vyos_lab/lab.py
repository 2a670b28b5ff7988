"""The lab: many emulated routers in one asyncio process, each an SSH server on 127.0.0.1."""

import asyncio
import ipaddress
import json
import os
import threading
import zlib

import asyncssh

from .bgp import bgp_view_of
from .cli import CliSession, DropConnection
from .network import NetworkView
from .opmode import connected_networks, static_routes
from .config import Config
from .router import Faults, Router, default_config_lines

BANNER = "Welcome to VyOS!\r\n\r\n   This is the dmvpn.vyos emulated lab, not a real router.\r\n\r\n"


class RouterSpec:
    def __init__(self, name, version="1.4", port=0, host="127.0.0.1", initial_lines=None, dhcp_address=None):
        self.name = name
        self.version = str(version)
        self.port = int(port)
        self.host = host
        self.initial_lines = initial_lines
        self.dhcp_address = dhcp_address

    @classmethod
    def from_dict(cls, data):
        return cls(**data)

    def as_dict(self):
        return dict(vars(self))


def _check_loopback(host):
    """Routers listen on loopback only; inside a lab container (VYOS_LAB_IN_CONTAINER=1, its
    own network namespace, reached through a port published on 127.0.0.1) on any address."""
    if os.environ.get("VYOS_LAB_IN_CONTAINER") == "1":
        return
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError("lab routers listen on loopback addresses only, not %s" % host)


def dhcp_address_for(name):
    """The address a DHCP WAN of router ``name`` gets: derived from the name (carrier-grade
    NAT space, 100.64.0.0/10), so that routers in different lab processes never share one."""
    value = zlib.crc32(name.encode()) % (1 << 22)
    return str(ipaddress.IPv4Address("100.64.0.0") + max(1, value))


class RemoteRouter:
    """A router of another lab process (another container), seen through its control API:
    enough of it for the DMVPN state (name, version, running config, WAN address)."""

    def __init__(self, data, lab):
        self.name = data["name"]
        self.version = data["version"]
        self.lab = lab
        self.running = Config(self.version)
        from .cli import split_words

        for line in data["running"]:
            self.running.set(split_words(line)[1:])
        self.dhcp_address_value = data.get("dhcp_address")
        self.faults = Faults()
        self.faults.down = bool(data.get("down"))


def control_request(host, port, request, timeout=60.0):
    """Send one request to a lab's control API; return its reply ({ok, result|error})."""
    import socket

    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall((json.dumps(request) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


def _fetch_peer(host, port):
    reply = control_request(host, port, {"op": "export"}, timeout=2.0)
    return reply["result"] if reply.get("ok") else []


class Lab:
    def __init__(self, specs, state_dir=None, users=None, authorized_keys=None, minute_seconds=None):
        self.specs = {spec.name: spec for spec in specs}
        self.state_dir = state_dir
        self.users = dict(users or {"vyos": "vyos"})
        self.authorized_keys = list(authorized_keys or [])
        self.routers = {}
        self.servers = {}
        self.connections = {}
        self.shortcuts = set()
        # Other lab processes (one container per router): "host:port" of their control APIs.
        self.peers = [tuple(item.rsplit(":", 1)) for item in os.environ.get("VYOS_LAB_PEERS", "").split(",") if item]
        self.host_key = None
        self.control_server = None
        self.control_port = None
        self.loop = None
        self.stopped = None
        for index, spec in enumerate(specs, 1):
            _check_loopback(spec.host)
            router_dir = os.path.join(state_dir, "routers", spec.name) if state_dir else None
            initial = spec.initial_lines or default_config_lines(spec.name, spec.version, index)
            router = Router(spec.name, spec.version, initial, router_dir, self, minute_seconds)
            self.routers[spec.name] = router
            if spec.dhcp_address is None:
                spec.dhcp_address = dhcp_address_for(spec.name)

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self, control_port=None):
        self.loop = asyncio.get_running_loop()
        self.stopped = asyncio.Event()
        self.host_key = self._host_key()
        for name in self.routers:
            await self.start_router(name)
        if control_port is not None:
            control_host = "127.0.0.1"
            if os.environ.get("VYOS_LAB_IN_CONTAINER") == "1":
                control_host = os.environ.get("VYOS_LAB_CONTROL_HOST", "0.0.0.0")  # peers reach it over the lab network
            self.control_server = await asyncio.start_server(self._control_client, control_host, control_port)
            self.control_port = self.control_server.sockets[0].getsockname()[1]

    def _host_key(self):
        path = os.path.join(self.state_dir, "ssh_host_ed25519_key") if self.state_dir else None
        if path and os.path.exists(path):
            return asyncssh.read_private_key(path)
        key = asyncssh.generate_private_key("ssh-ed25519")
        if path:
            os.makedirs(self.state_dir, exist_ok=True)
            key.write_private_key(path)
        return key

    async def start_router(self, name):
        spec = self.specs[name]
        router = self.routers[name]
        server = await asyncssh.create_server(
            lambda: _SSHServer(self, router), spec.host, spec.port,
            server_host_keys=[self.host_key],
            process_factory=lambda process: self._handle(process, router),
            line_editor=False, encoding="utf-8", errors="replace",
            keepalive_interval=0, login_timeout=30,
        )
        self.servers[name] = server
        if not spec.port:
            spec.port = server.sockets[0].getsockname()[1]

    async def stop_router(self, name):
        server = self.servers.pop(name, None)
        if server is not None:
            server.close()
            await server.wait_closed()
        for conn in list(self.connections.pop(name, ())):
            conn.abort()
        for session in list(self.routers[name].sessions):
            session.close()

    async def stop(self):
        for name in list(self.servers):
            await self.stop_router(name)
        if self.control_server is not None:
            self.control_server.close()
            await self.control_server.wait_closed()
        for router in self.routers.values():
            router.confirm()
        if self.stopped is not None:
            self.stopped.set()

    # -- SSH shells --------------------------------------------------------------------------
    async def _handle(self, process, router):
        conn = process.channel.get_connection()
        session = CliSession(router, self)
        try:
            if process.command is not None:
                output = await session.execute(process.command)
                process.stdout.write(_crlf(output))
                process.exit(0)
                return
            process.stdout.write(BANNER + session.prompt())
            buffer = ""
            skip_lf = False
            while not process.stdin.at_eof():
                try:
                    data = await process.stdin.read(4096)
                except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged):
                    continue
                if not data:
                    break
                router.counters.input_chunks += 1
                buffer += data
                while True:
                    if skip_lf and buffer.startswith("\n"):
                        buffer = buffer[1:]
                    skip_lf = False
                    cut = min((i for i in (buffer.find("\r"), buffer.find("\n")) if i >= 0), default=-1)
                    if cut < 0:
                        break
                    line, sep, buffer = buffer[:cut], buffer[cut], buffer[cut + 1:]
                    if sep == "\r":
                        if buffer.startswith("\n"):
                            buffer = buffer[1:]
                        elif not buffer:
                            skip_lf = True
                    output = await session.execute(line)
                    text = line + "\n" + output
                    if output and not output.endswith("\n") and session.pending is None:
                        text += "\n"
                    process.stdout.write(_crlf(text) + session.prompt())
        except DropConnection:
            conn.abort()
            return
        except (asyncssh.ConnectionLost, asyncssh.DisconnectError, BrokenPipeError, ConnectionError):
            return
        finally:
            session.close()
        process.exit(0)

    # -- helpers for the network view --------------------------------------------------------
    def all_routers(self):
        """This process's routers plus those of the peer labs (unreachable peers are down)."""
        routers = list(self.routers.values())
        for host, port in self.peers:
            try:
                exported = _fetch_peer(host, int(port))
            except (OSError, ValueError):
                continue
            routers += [RemoteRouter(data, self) for data in exported if data["name"] not in self.routers]
        return routers

    def dhcp_address(self, router):
        if router.name in self.specs:
            return self.specs[router.name].dhcp_address
        return getattr(router, "dhcp_address_value", None) or dhcp_address_for(router.name)

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
        dst = ipaddress.IPv4Address(target)
        current = source
        path = [source.name]
        hops = []  # (from endpoint, to endpoint)
        for _hop in range(8):
            if current.faults.down:
                return False, path
            if self.owns(current, target):
                self._learn_shortcuts(view, hops)
                return True, path
            tunnel_ip = self._next_tunnel_hop(current, dst, view)
            if tunnel_ip is None:
                return False, path
            ep = next((e for e in view.endpoints_of(current)
                       if e.tunnel_ip is not None and (tunnel_ip in e.tunnel_ip.network or
                                                       e.tunnel_ip.network.prefixlen == 32)), None)
            if ep is None:
                return False, path
            nxt = self._resolve(view, ep, str(tunnel_ip))
            if nxt is None:
                return False, path
            hops.append((ep, nxt))
            current = nxt.router
            path.append(current.name)
        return False, path

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
        if best is None or best[2] is None:
            return None
        hop = best[2]
        # a next hop must itself sit on a tunnel of this router
        for iface, name in connected_networks(router):
            if name.startswith("tun") and (hop in iface.network or iface.network.prefixlen == 32):
                return hop
        return None

    def _resolve(self, view, ep, tunnel_ip):
        """NHRP resolution of ``tunnel_ip`` from endpoint ``ep``: the next endpoint or None."""
        if ep.is_hub:
            for spoke, _tip in view.registered_spokes(ep):
                if str(spoke.tunnel_ip.ip) == tunnel_ip:
                    return spoke
            return None
        hubs = [hub for tip, nbma, hub, problem in view.registrations_of(ep) if problem is None]
        for hub in hubs:
            if str(hub.tunnel_ip.ip) == tunnel_ip:
                return hub
        for other_name in self.shortcuts_of(ep.router):
            other = next((o for o in view.endpoints if o.router.name == other_name), None)
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

    # -- control API -------------------------------------------------------------------------
    async def _control_client(self, reader, writer):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                try:
                    request = json.loads(line)
                    result = await self.control(request)
                    reply = {"ok": True, "result": result}
                except Exception as exc:  # report any failure to the client
                    reply = {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}
                writer.write((json.dumps(reply) + "\n").encode())
                await writer.drain()
                if request.get("op") == "shutdown":
                    break
        finally:
            writer.close()

    async def control(self, request):
        op = request.get("op")
        name = request.get("router")
        router = self.routers.get(name) if name else None
        if name and router is None:
            raise KeyError("no router named %r" % name)
        if op == "export":
            return [{"name": r.name, "version": r.version, "running": r.running.commands(),
                     "dhcp_address": self.dhcp_address(r), "down": r.faults.down} for r in self.routers.values()]
        if op == "status":
            return {"routers": [self.describe(r) for r in self.routers.values()], "control_port": self.control_port}
        if op == "snapshot":
            return router.snapshot()
        if op == "counters":
            return {n: r.counters.as_dict() for n, r in self.routers.items()}
        if op == "journal":
            lines = [list(entry) for entry in router.journal]
            if request.get("clear"):
                router.journal.clear()
            return lines
        if op == "reset_counters":
            for r in self.routers.values():
                r.counters.__init__()
            return True
        if op == "fault":
            values = dict(request.get("set") or {})
            if "down" in values:
                await self.set_down(name, bool(values["down"]))
            router.faults.update(**values)
            return router.faults.as_dict()
        if op == "clear_faults":
            for r in ([router] if router else self.routers.values()):
                if r.faults.down:
                    await self.set_down(r.name, False)
                r.faults.reset()
            return True
        if op == "restart":
            router.reboot()
            return True
        if op == "command":
            session = CliSession(router, self)
            try:
                output = await session.execute(request["command"])
            finally:
                session.close()
            return output
        if op == "load":
            # Replace the running (and saved) config by the given lines: test setup only.
            session = router.open_config_session()
            session.working = type(router.running)(router.version)
            for line in request.get("lines") or []:
                from .cli import split_words

                session.set(split_words(line)[1:])
            session.deleted_paths.add(())
            await asyncio.get_running_loop().run_in_executor(None, lambda: router.commit(session, via="lab"))
            if request.get("save", True):
                router.save()
            return router.running.commands()
        if op == "shutdown":
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.stop()))
            return True
        raise ValueError("unknown control op %r" % op)

    async def set_down(self, name, down):
        router = self.routers[name]
        if down and name in self.servers:
            await self.stop_router(name)
        elif not down and name not in self.servers:
            await self.start_router(name)
        router.faults.down = down

    def describe(self, router):
        spec = self.specs[router.name]
        return {"name": router.name, "version": router.version, "host": spec.host, "port": spec.port,
                "hostname": router.hostname, "commits": router.counters.commits, "down": router.faults.down}


class _SSHServer(asyncssh.SSHServer):
    def __init__(self, lab, router):
        self.lab = lab
        self.router = router
        self.conn = None

    def connection_made(self, conn):
        self.conn = conn
        self.lab.connections.setdefault(self.router.name, set()).add(conn)

    def connection_lost(self, exc):
        self.lab.connections.get(self.router.name, set()).discard(self.conn)

    def begin_auth(self, username):
        return True

    def password_auth_supported(self):
        return True

    def validate_password(self, username, password):
        return self._login(self.lab.users.get(username) == password)

    def public_key_auth_supported(self):
        return bool(self.lab.authorized_keys)

    def validate_public_key(self, username, key):
        if username not in self.lab.users:
            return self._login(False)
        wanted = key.export_public_key("openssh").split()[:2]
        return self._login(any(k.split()[:2] == [w.decode() for w in wanted] for k in self.lab.authorized_keys))

    def _login(self, ok):
        counters = self.router.counters
        if ok and not self.router.faults.refuse_login:
            counters.logins += 1
            return True
        counters.logins_refused += 1
        return False


def _crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


class LabThread:
    """Run a Lab in a background thread (for tests): ``with LabThread(specs) as lab: ...``."""

    def __init__(self, specs, state_dir=None, control=True, **kwargs):
        self.lab = Lab(specs, state_dir=state_dir, **kwargs)
        self.with_control = control
        self.thread = None
        self.loop = None
        self._ready = threading.Event()
        self._error = None

    def __enter__(self):
        self.start()
        return self.lab

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.thread = threading.Thread(target=self._run, name="vyos-lab", daemon=True)
        self.thread.start()
        self._ready.wait(60)
        if self._error:
            raise self._error

    def _run(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.lab.start(control_port=0 if self.with_control else None))
        except Exception as exc:  # surface start-up failures to the caller
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_until_complete(self.lab.stopped.wait())
        self.loop.close()

    def call(self, coro):
        """Run a coroutine on the lab's loop from another thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def control(self, **request):
        return self.call(self.lab.control(request))

    def stop(self):
        if self.loop is not None and self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.lab.stop(), self.loop).result(30)
            self.thread.join(10)
