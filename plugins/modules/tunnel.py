#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tunnel
short_description: Multipoint GRE tunnel interfaces on VyOS (resource module)
version_added: 0.1.0
description:
  - Manages the multipoint GRE (mGRE) tunnel interfaces DMVPN runs on, for VyOS 1.2 to 1.5.
  - "Ownership: this module owns the tunnels named in O(config) and, with O(state=overridden)
    (or O(state=deleted) without O(config)), every multipoint GRE tunnel on the router
    (encapsulation C(gre) and no remote end). Point-to-point tunnels and all other
    configuration are never touched."
  - A tunnel that has a remote end on the router is deleted and created again in the same
    commit, because VyOS cannot turn it into a multipoint tunnel in place.
  - To change a tunnel together with its NHRP and IPsec in one commit (no cleartext window),
    use M(dmvpn.vyos.dmvpn).
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
extends_documentation_fragment:
  - dmvpn.vyos.common
  - dmvpn.vyos.config.tunnel
"""

EXAMPLES = r"""
- name: A hub tunnel
  dmvpn.vyos.tunnel:
    config:
      - {name: tun0, address: 10.0.0.1/24, source_address: 198.51.100.41, key: 1}
    state: merged

- name: Only these multipoint tunnels may exist
  dmvpn.vyos.tunnel:
    config: "{{ tunnels }}"
    state: overridden

- name: Read them
  dmvpn.vyos.tunnel:
    state: gathered
"""

RETURN = r"""
pending_commit_confirm:
  description:
    - When the run found a commit-confirm pending on the router (an earlier run's C(confirm) never arrived), the
      time it would have rolled back, as the router shows it. The router held what this run wants, so the run
      confirmed it (C(commands) is C(confirm), and C(save) when O(save)); with anything else on the router the
      run fails naming the deadline instead.
  returned: when a pending commit-confirm was confirmed
  type: str
  sample: Wed 2026-12-02 01:40:00 UTC
commands:
  description: The C(delete)/C(set) lines sent.
  returned: when the state talks to a router
  type: list
  elements: str
  sample: ["set interfaces tunnel tun0 parameters ip key '1'"]
plan:
  description:
    - In check mode, the owned objects the change adds and removes whole and the lines it removes from an object that
      stays (secrets masked); as in M(dmvpn.vyos.dmvpn)'s C(plan).
  returned: in check mode, when the state talks to a router
  type: dict
before:
  description: The multipoint GRE tunnels before.
  returned: when the state talks to a router
  type: list
after:
  description: The multipoint GRE tunnels after (or as they would be, in check mode).
  returned: when the state talks to a router
  type: list
version:
  description: The VyOS version family used.
  returned: when the state talks to a router
  type: str
gathered:
  description: The multipoint GRE tunnels on the router.
  returned: when O(state=gathered)
  type: list
rendered:
  description: The C(set) lines for O(config).
  returned: when O(state=rendered)
  type: list
  elements: str
parsed:
  description: The multipoint GRE tunnels in O(running_config).
  returned: when O(state=parsed)
  type: list
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.resources import TUNNEL
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import TUNNEL_ARGUMENT_SPEC
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import resource_module_main


def main():
    resource_module_main(AnsibleModule, TUNNEL_ARGUMENT_SPEC, TUNNEL)


if __name__ == "__main__":
    main()
