"""The SSH side of the lab: one asyncssh server per router, its logins and its shells.

Serving only: what a line does is the CLI's job (cli.py), which routers run and when is the
lab's (lab.py). Every use of asyncssh is here.
"""

import os

import asyncssh

from .cli import CliSession, DropConnection
from .owner import private_dir, tighten, write_private

BANNER = "Welcome to VyOS!\r\n\r\n   This is the dmvpn.vyos emulated lab, not a real router.\r\n\r\n"


def load_host_key(state_dir):
    """The lab's one host key: kept in ``state_dir`` so that a restarted lab keeps its identity
    (clients with host key checking would refuse a new one); a fresh key without a state dir."""
    path = os.path.join(state_dir, "ssh_host_ed25519_key") if state_dir else None
    if path and os.path.exists(path):
        tighten(path)
        return asyncssh.read_private_key(path)
    key = asyncssh.generate_private_key("ssh-ed25519")
    if path:
        # (not key.write_private_key: it writes with the umask's mode, 0644)
        write_private(os.path.join(private_dir(state_dir), "ssh_host_ed25519_key"), key.export_private_key())
    return key


async def create_ssh_server(lab, router, host, port):
    """Listen for ``router`` on ``host``:``port`` (0: any free port); return the asyncssh server."""
    return await asyncssh.create_server(
        lambda: _SSHServer(lab, router), host, port,
        server_host_keys=[lab.host_key],
        process_factory=lambda process: serve_shell(lab, process, router),
        line_editor=False, encoding="utf-8", errors="replace",
        keepalive_interval=0, login_timeout=30,
    )


async def serve_shell(lab, process, router):
    """One SSH channel: an ``exec`` command or an interactive shell, line by line, with the
    prompt after each output (what network_cli waits for)."""
    conn = process.channel.get_connection()
    session = CliSession(router, lab)
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
            # A line ends at CR, LF or CRLF; a CR that ends one read may have its LF in the next.
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


class _SSHServer(asyncssh.SSHServer):
    """One router's SSH connections: tracked (so that a downed router can drop them) and
    authenticated by password or public key, each login counted (refused under the fault)."""

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
    # a terminal wants CRLF line ends, as a real VyOS shell sends them
    return text.replace("\r\n", "\n").replace("\n", "\r\n")
