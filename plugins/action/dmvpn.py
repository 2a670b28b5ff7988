# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of the dmvpn.vyos modules: netcommon's network action (connection checks,
in-process execution of the module in the persistent connection's context)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ansible.netcommon.plugins.action.network import ActionModule as ActionNetworkModule

OFFLINE_STATES = ("rendered", "parsed")


class ActionModule(ActionNetworkModule):
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
        return super(ActionModule, self).run(task_vars=task_vars)
