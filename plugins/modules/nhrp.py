#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: nhrp
short_description: NHRP on VyOS tunnel interfaces (resource module)
version_added: 0.1.0
description:
  - Manages C(protocols nhrp tunnel) entries in the opennhrp syntax of VyOS 1.2 to 1.4
    (C(cisco-authentication), C(holding-time), C(map ... nbma-address ... register)) and in
    the FRR syntax of VyOS 1.5 (C(authentication), C(holdtime), C(nhs tunnel-ip ... nbma ...)).
  - "Ownership: the NHRP entries of the tunnels named in O(config); with O(state=overridden)
    (or O(state=deleted) without O(config)) every NHRP tunnel entry on the router."
  - The hub mapping prefix needs the tunnel's subnet; it is read from the tunnel's address on
    the router, or given with O(config[].tunnel_address).
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
extends_documentation_fragment:
  - dmvpn.vyos.common
  - dmvpn.vyos.config.nhrp
"""

EXAMPLES = r"""
- name: NHRP of a spoke registering with two hubs
  dmvpn.vyos.nhrp:
    config:
      - tunnel: tun0
        role: spoke
        authentication: "{{ vault_nhrp_secret }}"
        nhs:
          - {tunnel_ip: 10.0.0.1, nbma: 198.51.100.41}
          - {tunnel_ip: 10.0.0.254, nbma: 203.0.113.7}
    state: replaced
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
  description: The C(delete)/C(set) lines sent (secrets masked).
  returned: when the state talks to a router
  type: list
  elements: str
plan:
  description:
    - In check mode, the owned objects the change adds and removes whole and the lines it removes from an object that
      stays (secrets masked); as in M(dmvpn.vyos.dmvpn)'s C(plan).
  returned: in check mode, when the state talks to a router
  type: dict
before:
  description: The NHRP entries before (secrets masked).
  returned: when the state talks to a router
  type: list
after:
  description: The NHRP entries after (secrets masked).
  returned: when the state talks to a router
  type: list
version:
  description: The VyOS version family used.
  returned: when the state talks to a router
  type: str
gathered:
  description: The NHRP entries on the router (secrets masked).
  returned: when O(state=gathered)
  type: list
rendered:
  description: The C(set) lines for O(config) (secrets masked).
  returned: when O(state=rendered)
  type: list
  elements: str
parsed:
  description: The NHRP entries in O(running_config) (secrets masked).
  returned: when O(state=parsed)
  type: list
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.resources import NHRP
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import NHRP_ARGUMENT_SPEC
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import resource_module_main


def main():
    resource_module_main(AnsibleModule, NHRP_ARGUMENT_SPEC, NHRP)


if __name__ == "__main__":
    main()
