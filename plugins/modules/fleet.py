#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: fleet
short_description: Every router of a DMVPN at once from one task on the controller (dmvpn_engine fleet)
version_added: 0.1.0
description:
  - What site.yml's hub and spoke plays do for each router (the underlay when managed, then the endpoint in one
    commit, with the modules' own read, diff, commit-confirm, save, masking and router lock), for every router of
    the run at once, over one asyncssh client on the controller instead of one ansible.netcommon.network_cli
    connection per router. site.yml runs it when O(hosts) routers set C(dmvpn_engine=fleet).
  - Checks everything before any router is touched and lists every problem at once, naming host, variable and
    fix; the inventory (as site.yml's check), each router's connection settings (every C(ansible_ssh_*),
    C(ansible_paramiko_*), C(ansible_libssh_*), C(ansible_network_cli_*), C(ansible_become*) variable the engine
    does not honour is a problem) and each router's module arguments.
  - Connection settings per host, read as network_cli reads them - C(ansible_host), C(ansible_port),
    C(ansible_user), C(ansible_password) / C(ansible_ssh_pass), C(ansible_ssh_private_key_file),
    C(ansible_host_key_checking) (default from Ansible's C(host_key_checking), on; checked against
    C(~/.ssh/known_hosts)), C(ansible_connect_timeout), C(ansible_command_timeout), and one jump host given in
    C(ansible_ssh_common_args) as C(-J [user@]host[:port]) or C(-o ProxyJump=[user@]host[:port]). ProxyCommand
    is refused.
  - Runs in waves as site.yml's plays (hubs, then spokes), at most C(dmvpn_fleet_concurrency) routers at once
    (default 50). A router that fails or is unreachable does not stop the others; the task fails at the end,
    naming each. Needs the Python package C(asyncssh) on the controller.
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
options:
  hosts:
    description: The routers of this run (site.yml passes C(ansible_play_hosts_all), so C(--limit) applies).
    type: list
    elements: str
    required: true
  network_groups:
    description: The inventory groups that are each one DMVPN (C(dmvpn_network_groups)).
    type: list
    elements: str
    default: [dmvpn]
  allow_partial:
    description: Let a C(--limit) leave routers behind whose configuration depends on routers of this run.
    type: bool
    default: false
  run_tags:
    description: C(ansible_run_tags); C(hubs), C(spokes) and C(underlay) select as they do for site.yml's plays.
    type: list
    elements: str
    default: [all]
  skip_tags:
    description: C(ansible_skip_tags).
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    support: full
    description: Every router checks the lines (typed in a configuration session and discarded); nothing is committed.
  diff_mode:
    support: full
    description: One diff per changed router and step, secrets masked.
notes:
  - Runs on the controller (C(delegate_to=localhost), C(run_once=true)); see docs/fleet.md.
"""

EXAMPLES = r"""
- name: Every router at once (what site.yml does with dmvpn_engine fleet)
  dmvpn.vyos.fleet:
    hosts: "{{ ansible_play_hosts_all }}"
    run_tags: "{{ ansible_run_tags }}"
    skip_tags: "{{ ansible_skip_tags }}"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
routers:
  description: Per router that changed, failed or was unreachable - changed, failed, unreachable, msg (when it failed), commands (secrets masked),
    pending_commit_confirm (when an earlier run's commit-confirm was confirmed).
  returned: when the run reached the routers
  type: dict
summary:
  description: How many routers changed, were ok, failed and were unreachable.
  returned: when the run reached the routers
  type: dict
  sample: {changed: 2, ok: 999, failed: 0, unreachable: 0}
"""
