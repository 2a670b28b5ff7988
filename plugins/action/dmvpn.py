# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of the dmvpn.vyos modules: netcommon's network action (connection checks,
in-process execution of the module in the persistent connection's context), and the read of
the router over a fresh connection after the module's session was lost during or after the
commit (the module cannot log in again: closing its session ends the persistent connection)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import os
import time

from ansible.errors import AnsibleError
from ansible.executor.task_executor import start_connection
from ansible.module_utils.connection import Connection

from ansible_collections.ansible.netcommon.plugins.action.network import ActionModule as ActionNetworkModule
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import fresh_read
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import REREAD, REREAD_KEY

OFFLINE_STATES = ("rendered", "parsed")
KEY_OPTION = REREAD_KEY  # (spec_options.COMMON: no_log)
SOCKET_GONE_WAIT = 10.0         # seconds for the old persistent connection to shut down


class ActionModule(ActionNetworkModule):
    # modules taking the key option (spec_options.COMMON); dmvpn_status does not
    _rereads = True

    def run(self, tmp=None, task_vars=None):
        del tmp  # tmp no longer has any effect
        self._config_module = False
        state = self._task.args.get("state")
        connection = self._play_context.connection.split(".")[-1]
        if connection != "network_cli" and state not in OFFLINE_STATES:
            return {
                "failed": True,
                "msg": "%s talks to VyOS over ansible.netcommon.network_cli (set "
                       "ansible_connection: ansible.netcommon.network_cli and ansible_network_os: "
                       "vyos.vyos.vyos); connection '%s' works only with state rendered or parsed"
                       % (self._task.action, self._play_context.connection),
            }
        if not self._rereads:
            return super(ActionModule, self).run(task_vars=task_vars)
        # A fresh key per task, in this process's memory only: the module gets it as a no_log
        # option (so Ansible masks it in the result's invocation), and it leaves the task's
        # args before anything records them. (The args themselves, not a copy: netcommon adds
        # _ansible_socket to them, by which the play's end closes the persistent connection.)
        key = binascii.hexlify(os.urandom(32)).decode("ascii")
        self._task.args[KEY_OPTION] = key
        try:
            result = super(ActionModule, self).run(task_vars=task_vars)
        finally:
            self._task.args.pop(KEY_OPTION, None)
        result.get("invocation", {}).get("module_args", {}).pop(KEY_OPTION, None)
        reread = result.pop(REREAD, None)
        if result.get("failed") and isinstance(reread, dict):
            state = self._state_read_afresh(reread, key)
            if state is not None:
                result["msg"] = "%s; %s" % (reread["head"], state)
        return result

    def _state_read_afresh(self, reread, key):
        """The end of the message saying what the router holds, read over a fresh connection;
        None when it cannot be read (the module's "could not be read afterwards" stays).

        The fresh connection is started the way TaskExecutor starts every task's persistent
        connection (ansible.executor.task_executor.start_connection, with this task's play
        context and connection options): Connection.reset() on this side only marks this
        plugin's copy closed, and a network_cli opened here, outside ansible-connection,
        would bypass its timeouts and log handling. The module closed its session, so its
        ansible-connection shuts down and removes the socket; a new one is started once the
        socket is gone (started earlier, ansible-connection would find the dying one). It is
        left running as a persistent connection is: the next task of this host reuses it and
        the play's end closes it. The answers carry secrets: they are only parsed and hashed
        here (module_utils/network/fresh_read.py), never put in
        the result, and ansible-connection logs them only with persistent_log_messages, as
        for every module's read."""
        if not fresh_read.usable(reread):
            return None
        old_socket = self._connection.socket_path
        give_up = time.time() + SOCKET_GONE_WAIT
        while old_socket and os.path.exists(old_socket):
            if time.time() > give_up:
                return None
            time.sleep(0.1)
        try:
            socket_path = start_connection(self._play_context, self._connection.get_options(), self._task._uuid)
        except AnsibleError:
            return None  # the module's "could not be read afterwards" stays
        self._connection._socket_path = socket_path
        return fresh_read.state_after_lost_session(Connection(socket_path).get, reread, key)
