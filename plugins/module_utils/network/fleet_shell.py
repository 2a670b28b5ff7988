# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet engine's SSH client: one interactive VyOS shell per router over asyncssh, all
routers' shells on one event loop, answering the same ``get(command, prompt, answer)`` calls
as network_cli with the vyos terminal plugin.

What network_cli does and this keeps: the terminal set-up of vyos.vyos's terminal plugin
(``set terminal length 0`` and ``width 512``, on_open_shell), its prompt and error patterns
(terminal_stdout_re / terminal_stderr_re: an error pattern in an answer raises
ConnectionError with the answer, as network_cli raises AnsibleConnectionFailure), the
command's echo and the closing prompt taken out of the answer, one answer per prompt.
What it does not: network_cli waits for 0.1 s of silence after every prompt
(buffer_read_timeout) in case more output follows; this client knows how many lines it
sent and returns at the prompt of the last one, so a read of the router costs one round
trip. (When the router answers fewer lines than were typed ahead, the runner's own count of
``[edit]`` prompts asks for the rest: runner.enter_lines.)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import re

from ansible.module_utils.connection import ConnectionError

try:
    import asyncssh
    HAS_ASYNCSSH, ASYNCSSH_ERROR = True, None
except ImportError as exc:  # (the network_cli engine does not need it)
    asyncssh, HAS_ASYNCSSH, ASYNCSSH_ERROR = None, False, exc

try:
    from ansible_collections.vyos.vyos.plugins.terminal.vyos import TerminalModule
    STDOUT_RE, STDERR_RE, ANSI_RE = (TerminalModule.terminal_stdout_re, TerminalModule.terminal_stderr_re,
                                     TerminalModule.ansi_re)
except ImportError:  # pragma: no cover (vyos.vyos is a dependency of this collection)
    STDOUT_RE, STDERR_RE, ANSI_RE = [], [], []

# asyncssh's own cipher list with AES-GCM first: its chacha20-poly1305 makes a new cipher
# object per packet (the fleet engine's most expensive step in a profile of a no-op run over
# 1,000 routers). Only the order changes: SSH negotiates the first cipher of this list the
# router also offers (RFC 4253 7.1), so a router without AES-GCM gets what it has.
CIPHERS = None
if HAS_ASYNCSSH:
    from asyncssh.encryption import get_default_encryption_algs

    _GCM = [name for name in get_default_encryption_algs() if b"gcm" in name]
    CIPHERS = [name.decode() for name in sorted(_GCM, key=lambda name: b"128" not in name)
               + [name for name in get_default_encryption_algs() if name not in _GCM]]
TERMINAL_SETUP = ("set terminal length 0", "set terminal width 512", "set terminal length 10000")
READ_SIZE = 65536


class LoginError(ConnectionError):
    """The router could not be reached or refused the login (Ansible's "unreachable")."""


def _is_prompt(text):
    """Whether ``text`` ends with a VyOS prompt, by the vyos terminal plugin's own patterns,
    matched on the last line only (a value in the output that ends in ``#`` is on a line of
    its own, before the prompt line)."""
    last = text.rsplit("\n", 1)[-1].encode("utf-8", "surrogateescape")
    return bool(last) and any(pattern.search(last) for pattern in STDOUT_RE)


def _clean(text):
    data = text.encode("utf-8", "surrogateescape")
    for pattern in ANSI_RE:
        data = pattern.sub(b"", data)
    return data.decode("utf-8", "surrogateescape").replace("\r\n", "\n").replace("\r", "")


def _sanitize(text, line):
    """The answer to ``line`` without its echo (the first line) and the prompt (the last)."""
    lines = text.split("\n")[:-1]
    if lines and lines[0].strip() == line.strip():
        lines = lines[1:]
    return "\n".join(lines)


class Shell:
    """One router's interactive shell (async; the engine's threads call it through the loop)."""

    def __init__(self, settings):
        self.settings = settings
        self.conn = None
        self.tunnel = None
        self.writer = None
        self.reader = None

    async def open(self):
        s = self.settings
        options = dict(port=s.port, username=s.user or None, password=s.password, encryption_algs=CIPHERS,
                       known_hosts=() if s.host_key_checking else None,
                       connect_timeout=s.connect_timeout, login_timeout=s.connect_timeout,
                       keepalive_interval=0)
        if s.key_file:
            options["client_keys"] = [s.key_file]
        try:
            if s.jump:
                self.tunnel = await asyncssh.connect(
                    s.jump["host"], port=s.jump["port"], username=s.jump["user"] or s.user or None,
                    known_hosts=() if s.host_key_checking else None, connect_timeout=s.connect_timeout,
                    client_keys=[s.key_file] if s.key_file else (), password=s.password)
                options["tunnel"] = self.tunnel
            self.conn = await asyncssh.connect(s.address, **options)
            self.writer, self.reader, dummy = await self.conn.open_session(
                term_type="vt100", term_size=(512, 10000), encoding="utf-8", errors="surrogateescape")
            await asyncio.wait_for(self._read_prompt(), s.connect_timeout)
        except (OSError, asyncssh.Error, asyncio.TimeoutError, ConnectionError) as exc:
            await self.close()
            raise LoginError("could not log in to %s@%s:%d%s: %s" % (
                s.user, s.address, s.port, " via %s" % s.jump["host"] if s.jump else "",
                _reason(exc)))
        for line in TERMINAL_SETUP:
            await self.get(line)

    async def _read_prompt(self, answer_to=None):
        """Read up to the next prompt (answering ``answer_to``'s question once, if asked)."""
        chunks = []
        answered = False
        while True:
            tail = _clean("".join(chunks[-2:])[-600:])
            if chunks and _is_prompt(tail):
                return _clean("".join(chunks))
            if answer_to is not None and not answered and answer_to[0].search(tail):
                self.writer.write(answer_to[1] + "\r")
                answered = True
            chunk = await self.reader.read(READ_SIZE)
            if not chunk:
                raise ConnectionError("the session was closed by the router (the answer ended before its prompt)")
            chunks.append(chunk)

    async def get(self, command, prompt=None, answer=None):
        """Send ``command`` and return its answer. Several lines are sent one at a time, each
        once the one before it was answered, and their answers joined: every line answered
        when this returns (what runner.enter_lines counts), and an error pattern stops at
        the line the router refused."""
        answer_to = (re.compile(prompt), answer or "") if prompt else None
        answers = []
        for line in command.split("\n"):
            try:
                # (a session the router closed refuses the write itself: BrokenPipeError)
                self.writer.write(line + "\r")
                text = await asyncio.wait_for(self._read_prompt(answer_to), self.settings.command_timeout)
            except asyncio.TimeoutError:
                raise ConnectionError("command timeout triggered, timeout value is %d secs"
                                      % self.settings.command_timeout)
            except (OSError, asyncssh.Error) as exc:
                raise ConnectionError("the session was lost: %s" % _reason(exc))
            answers.append(_sanitize(text, line))
            if any(pattern.search(("\n" + text).encode("utf-8", "surrogateescape")) for pattern in STDERR_RE):
                raise ConnectionError("\n".join(answers).strip())
        return "\n".join(answers)

    async def close(self):
        for conn in (self.conn, self.tunnel):
            if conn is not None:
                conn.abort()
        self.conn = self.tunnel = None


def _reason(exc):
    text = str(exc) or type(exc).__name__
    if asyncssh is not None and isinstance(exc, asyncssh.HostKeyNotVerifiable):
        text += " (the router's host key is not in known_hosts: add it, or set ansible_host_key_checking: false)"
    return text
