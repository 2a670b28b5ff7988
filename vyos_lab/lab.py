"""The lab: many emulated routers in one asyncio process, each an SSH server on 127.0.0.1.

This module runs the lab: which routers exist (here and in peer lab processes), starting and
stopping their SSH servers, and the JSON control API tests and ``python -m vyos_lab`` drive.
How packets cross the DMVPN is forwarding.py's job (mixed into Lab); the SSH servers and
shells are ssh_server.py's.
"""

import asyncio
import ipaddress
import json
import os
import threading
import zlib

from .cli import CliSession
from .config import Config
from .forwarding import Forwarding
from .owner import REFUSED, TOKEN_ENV, lab_token, private_dir, token_matches
from .router import Faults, Router, default_config_lines
from .shell import split_words
from .ssh_server import create_ssh_server, load_host_key
from .upgrade import installed_version, upgrade_router


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
        for line in data["running"]:
            self.running.set(split_words(line)[1:])
        self.dhcp_address_value = data.get("dhcp_address")
        self.faults = Faults()
        self.faults.down = bool(data.get("down"))


def control_request(host, port, request, timeout=60.0, token=None):
    """Send one request to a lab's control API with the lab's ``token`` (owner.read_token of
    its state dir); return its reply ({ok, result|error})."""
    import socket

    if token is not None:
        request = dict(request, token=token)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall((json.dumps(request) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


def _fetch_peer(host, port, token):
    reply = control_request(host, port, {"op": "export"}, timeout=2.0, token=token)
    return reply["result"] if reply.get("ok") else []


class Lab(Forwarding):
    def __init__(self, specs, state_dir=None, users=None, authorized_keys=None, minute_seconds=None):
        self.specs = {spec.name: spec for spec in specs}
        self.state_dir = state_dir
        self.users = dict(users or {"vyos": "vyos"})
        self.authorized_keys = list(authorized_keys or [])
        self.routers = {}
        self.servers = {}
        self.connections = {}
        self.shortcuts = set()  # spoke-to-spoke shortcuts that Forwarding.forward learnt
        # Other lab processes (one container per router): "host:port" of their control APIs.
        self.peers = [tuple(item.rsplit(":", 1)) for item in os.environ.get("VYOS_LAB_PEERS", "").split(",") if item]
        self.host_key = None
        self.control_server = None
        self.control_writers = set()
        self.control_port = None
        self.control_token = None  # what every control request must carry (owner.py)
        self.loop = None
        self.stopped = None
        for index, spec in enumerate(specs, 1):
            _check_loopback(spec.host)
            router_dir = os.path.join(state_dir, "routers", spec.name) if state_dir else None
            spec.version = installed_version(router_dir) or spec.version   # (upgraded earlier)
            initial = spec.initial_lines or default_config_lines(spec.name, spec.version, index)
            router = Router(spec.name, spec.version, initial, router_dir, self, minute_seconds)
            self.routers[spec.name] = router
            if spec.dhcp_address is None:
                spec.dhcp_address = dhcp_address_for(spec.name)

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self, control_port=None):
        self.loop = asyncio.get_running_loop()
        self.stopped = asyncio.Event()
        if self.state_dir:   # (routers/ too: an earlier lab version made it with the umask's mode)
            private_dir(os.path.join(private_dir(self.state_dir), "routers"))
        if self.peers and not os.environ.get(TOKEN_ENV):
            raise ValueError("VYOS_LAB_PEERS needs %s: the peer labs' control APIs take one shared token" % TOKEN_ENV)
        self.host_key = load_host_key(self.state_dir)
        for name in self.routers:
            await self.start_router(name)
        if control_port is not None or self.peers:
            self.control_token = lab_token(self.state_dir)
        if control_port is not None:
            control_host = "127.0.0.1"
            if os.environ.get("VYOS_LAB_IN_CONTAINER") == "1":
                control_host = os.environ.get("VYOS_LAB_CONTROL_HOST", "0.0.0.0")  # peers reach it over the lab network
            self.control_server = await asyncio.start_server(self._control_client, control_host, control_port)
            self.control_port = self.control_server.sockets[0].getsockname()[1]

    async def start_router(self, name):
        spec = self.specs[name]
        router = self.routers[name]
        server = await create_ssh_server(self, router, spec.host, spec.port)
        self.servers[name] = server
        if not spec.port:
            spec.port = server.sockets[0].getsockname()[1]

    async def stop_router(self, name):
        server = self.servers.pop(name, None)
        if server is not None:
            server.close()
        # The connections go before waiting for the server: from Python 3.12.1 on,
        # wait_closed() also waits for every connection the server accepted to end.
        for conn in list(self.connections.pop(name, ())):
            conn.abort()
        for session in list(self.routers[name].sessions):
            session.close()
        if server is not None:
            await server.wait_closed()

    async def stop(self):
        for name in list(self.servers):
            await self.stop_router(name)
        if self.control_server is not None:
            self.control_server.close()
            for writer in list(self.control_writers):  # (Python 3.12.1+: wait_closed waits for them)
                writer.close()
            await self.control_server.wait_closed()
        for router in self.routers.values():
            router.confirm()
        if self.stopped is not None:
            self.stopped.set()

    # -- the routers of the network (here and in peer labs) ----------------------------------
    def all_routers(self):
        """This process's routers plus those of the peer labs (unreachable peers are down)."""
        routers = list(self.routers.values())
        for host, port in self.peers:
            try:
                exported = _fetch_peer(host, int(port), self.control_token)
            except (OSError, ValueError):
                continue
            routers += [RemoteRouter(data, self) for data in exported if data["name"] not in self.routers]
        return routers

    def dhcp_address(self, router):
        if router.name in self.specs:
            return self.specs[router.name].dhcp_address
        return getattr(router, "dhcp_address_value", None) or dhcp_address_for(router.name)

    # -- control API -------------------------------------------------------------------------
    async def _control_client(self, reader, writer):
        self.control_writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                request = self._owners_request(line)
                if request is None:   # nothing ran; the connection ends, no second try on it
                    writer.write((json.dumps({"ok": False, "error": "PermissionError: " + REFUSED}) + "\n").encode())
                    await writer.drain()
                    break
                try:
                    result = await self.control(request)
                    reply = {"ok": True, "result": result}
                except Exception as exc:  # report any failure to the client
                    reply = {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}
                writer.write((json.dumps(reply) + "\n").encode())
                await writer.drain()
                if request.get("op") == "shutdown":
                    break
        finally:
            self.control_writers.discard(writer)
            writer.close()

    def _owners_request(self, line):
        """The request of ``line`` (its token removed) when it carries the lab's token, else None."""
        try:
            request = json.loads(line)
        except ValueError:
            return None
        if not isinstance(request, dict) or not token_matches(self.control_token, request.pop("token", None)):
            return None
        return request

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
        if op == "upgrade":   # the image of another VyOS version, its config migrated (upgrade.py)
            old = router.version
            changed = upgrade_router(router, request["version"])
            self.specs[name].version = router.version
            return {"router": name, "from": old, "to": router.version, "lines_changed": changed}
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
        """A control request from this process, the lab's owner: straight to Lab.control, no token."""
        return self.call(self.lab.control(request))

    def stop(self):
        if self.loop is not None and self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.lab.stop(), self.loop).result(30)
            self.thread.join(10)
