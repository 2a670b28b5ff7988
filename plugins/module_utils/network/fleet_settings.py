# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the fleet engine reaches one router: its SSH settings, read from the host's variables
the way ansible.netcommon.network_cli reads them, and every setting it cannot honour named.

A variable network_cli (or the ssh, paramiko and libssh connection plugins it builds on) would
use and the fleet engine would silently ignore could send the run to another address, as
another user, or past a jump host the operator relies on. So such a variable is a problem of
the run, found before any router is touched, naming the host, the variable and the fix.

No Ansible imports: the action plugin hands in each host's variables (already templated) and
Ansible's configured defaults.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import shlex

# (variable names, first one set wins: the order ansible-core's ssh / paramiko / libssh
# plugins and netcommon's network_cli list them in their DOCUMENTATION "vars")
ADDRESS_VARS = ("ansible_host", "ansible_ssh_host")
PORT_VARS = ("ansible_port", "ansible_ssh_port")
USER_VARS = ("ansible_user", "ansible_ssh_user")
PASSWORD_VARS = ("ansible_password", "ansible_ssh_pass", "ansible_ssh_password")
KEY_VARS = ("ansible_private_key_file", "ansible_ssh_private_key_file")
HOST_KEY_VARS = ("ansible_host_key_checking", "ansible_ssh_host_key_checking", "ansible_libssh_host_key_checking",
                 "ansible_paramiko_host_key_checking")
CONNECT_TIMEOUT_VARS = ("ansible_connect_timeout",)
COMMAND_TIMEOUT_VARS = ("ansible_command_timeout",)
JUMP_VARS = ("ansible_ssh_common_args",)

# Variables that are read and honoured, or that only say what network_cli is (checked below).
HONOURED = set(ADDRESS_VARS + PORT_VARS + USER_VARS + PASSWORD_VARS + KEY_VARS + HOST_KEY_VARS
               + CONNECT_TIMEOUT_VARS + COMMAND_TIMEOUT_VARS + JUMP_VARS) | {
    "ansible_connection", "ansible_network_os", "ansible_python_interpreter",
    # (how network_cli itself talks SSH: the fleet engine has its own client, and either
    # choice reaches the same shell)
    "ansible_network_cli_ssh_type",
}
# Prefixes of the connection plugins' variables: one of these set and not honoured is refused.
CONNECTION_PREFIXES = ("ansible_ssh_", "ansible_paramiko_", "ansible_libssh_", "ansible_network_cli_",
                       "ansible_terminal_", "ansible_become", "ansible_persistent_", "ansible_sftp_",
                       "ansible_scp_", "ansible_netconf_", "ansible_httpapi_")

NETWORK_CLI = ("network_cli", "ansible.netcommon.network_cli")
VYOS = ("vyos", "vyos.vyos.vyos")
FIX_ENGINE = "or set dmvpn_engine: network_cli for this inventory"
# ProxyJump forms the engine honours: one hop, [user@]host[:port] (OpenSSH ssh_config(5)).
_HOP = re.compile(r"^(?:(?P<user>[A-Za-z0-9_.-]+)@)?(?P<host>[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?$")


class Settings:
    """One router's SSH settings (what the fleet engine's client is given)."""

    def __init__(self, host, address, port, user, password, key_file, host_key_checking, connect_timeout,
                 command_timeout, jump=None):
        self.host = host
        self.address = address
        self.port = port
        self.user = user
        self.password = password
        self.key_file = key_file
        self.host_key_checking = host_key_checking
        self.connect_timeout = connect_timeout
        self.command_timeout = command_timeout
        self.jump = jump  # None or {"user", "host", "port"}

    def __repr__(self):  # (never the password)
        return "Settings(%s -> %s@%s:%s)" % (self.host, self.user, self.address, self.port)


def _first(hostvars, names):
    for name in names:
        if hostvars.get(name) is not None:
            return name, hostvars[name]
    return None, None


def _problem(host, field, message, fix):
    return {"host": str(host), "field": field, "message": message, "fix": fix}


def _as_bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "yes", "y", "true", "on"):
        return True
    if text in ("0", "no", "n", "false", "off"):
        return False
    raise ValueError("%r is not a boolean" % value)


def jump_from_args(text):
    """The one hop of ``ansible_ssh_common_args`` (``-J hop`` or ``-o ProxyJump=hop``), as
    {user, host, port}, or raise ValueError naming what the engine does not honour."""
    words = shlex.split(str(text))
    hops = []
    index = 0
    while index < len(words):
        word = words[index]
        if word == "-J" and index + 1 < len(words):
            hops.append(words[index + 1])
            index += 2
            continue
        if word == "-o" and index + 1 < len(words):
            option = words[index + 1]
            index += 2
        elif word.startswith("-o") and len(word) > 2:
            option = word[2:]
            index += 1
        else:
            raise ValueError("'%s' (only -J HOP and -o ProxyJump=HOP are honoured)" % word)
        name, sep, value = option.replace(" ", "=", 1).partition("=")
        if name.lower() != "proxyjump" or not sep:
            raise ValueError("the ssh option '%s' (only ProxyJump is honoured; ProxyCommand and other options "
                             "are not)" % name)
        hops.append(value)
    if len(hops) != 1 or "," in hops[0]:
        raise ValueError("%s (exactly one jump host is honoured)" % ("no jump host" if not hops else "'%s'" % ",".join(hops)))
    match = _HOP.match(hops[0])
    if not match or (match.group("port") and not 0 < int(match.group("port")) < 65536):
        raise ValueError("the jump host '%s' (the form is [user@]host[:port])" % hops[0])
    return {"user": match.group("user"), "host": match.group("host").strip("[]"),
            "port": int(match.group("port") or 22)}


def settings_for(host, hostvars, defaults):
    """(Settings or None, problems) of ``host``. ``defaults``: what Ansible takes when a host
    sets nothing - remote_user, password, remote_port, private_key_file, host_key_checking,
    connect_timeout and command_timeout (the action plugin reads them from the command line,
    ansible.cfg and the environment)."""
    problems = []
    for name in sorted(hostvars):
        if name.startswith(CONNECTION_PREFIXES) and name not in HONOURED and hostvars.get(name) is not None:
            problems.append(_problem(host, name, "the fleet engine does not honour this connection variable",
                                     "remove it %s" % FIX_ENGINE))
    connection = str(hostvars.get("ansible_connection") or "")
    if connection not in NETWORK_CLI:
        problems.append(_problem(host, "ansible_connection", "is %r; the fleet engine replaces "
                                 "ansible.netcommon.network_cli and needs it set" % connection,
                                 "set ansible_connection: ansible.netcommon.network_cli"))
    network_os = str(hostvars.get("ansible_network_os") or "")
    if network_os not in VYOS:
        problems.append(_problem(host, "ansible_network_os", "is %r, not VyOS" % network_os,
                                 "set ansible_network_os: vyos.vyos.vyos"))
    dummy, address = _first(hostvars, ADDRESS_VARS)
    port_name, port = _first(hostvars, PORT_VARS)
    dummy, user = _first(hostvars, USER_VARS)
    dummy, password = _first(hostvars, PASSWORD_VARS)
    dummy, key_file = _first(hostvars, KEY_VARS)
    checking_name, checking = _first(hostvars, HOST_KEY_VARS)
    values = {}
    for field, name, value, default in (
            ("port", port_name, port, defaults.get("remote_port") or 22),
            ("connect_timeout", "ansible_connect_timeout", hostvars.get("ansible_connect_timeout"),
             defaults.get("connect_timeout", 30)),
            ("command_timeout", "ansible_command_timeout", hostvars.get("ansible_command_timeout"),
             defaults.get("command_timeout", 30))):
        try:
            values[field] = int(value if value is not None else default)
            if values[field] <= 0 or (field == "port" and values[field] > 65535):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(_problem(host, name or field, "%r is not a valid %s" % (value, field.replace("_", " ")),
                                     "give a positive whole number"))
    try:
        checking = _as_bool(checking if checking is not None else defaults.get("host_key_checking", True))
    except ValueError as exc:
        problems.append(_problem(host, checking_name or "host_key_checking", str(exc), "set true or false"))
    jump = None
    if hostvars.get("ansible_ssh_common_args"):
        try:
            jump = jump_from_args(hostvars["ansible_ssh_common_args"])
        except ValueError as exc:
            problems.append(_problem(host, "ansible_ssh_common_args", "the fleet engine does not honour %s" % exc,
                                     "use -o ProxyJump=[user@]host[:port] %s" % FIX_ENGINE))
    if problems:
        return None, problems
    return Settings(str(host), str(address or host), values["port"], str(user or defaults.get("remote_user") or ""),
                    str(password) if password is not None else defaults.get("password"),
                    key_file or defaults.get("private_key_file"), checking, values["connect_timeout"],
                    values["command_timeout"], jump), []
