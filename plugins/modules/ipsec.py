#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ipsec
short_description: The IPsec side of DMVPN on VyOS (resource module)
version_added: 0.1.0
description:
  - Manages the IPsec interface list, IKE and ESP groups and the IPsec profiles that bind
    tunnels (C(vpn ipsec profile ... bind tunnel ...)), for VyOS 1.2 to 1.5
    (C(ipsec-interfaces interface) before 1.4, C(interface) from 1.4).
  - Option names follow C(vyos.vyos.vyos_vpn_ipsec) of vyos.vyos's development branch
    (C(ike_group), C(esp_group), C(proposal)/C(proposal_id), C(profile) with
    C(authentication.pre_shared_secret) and C(bind_tunnel)), so playbooks move between them
    easily. Differences - this module covers VyOS 1.2 to 1.5 (that one targets 1.4+), is
    limited to what DMVPN needs (no site-to-site peers), and knows the DMVPN ownership rules.
    To change IPsec together with the tunnel and NHRP in one commit, use M(dmvpn.vyos.dmvpn).
  - "Ownership: the interfaces, groups and profiles named in O(config). With
    O(state=overridden) also every other profile, IKE/ESP group and IPsec interface entry;
    groups still referenced by configuration outside this module (site-to-site peers) are
    kept when deleting."
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
extends_documentation_fragment:
  - dmvpn.vyos.common
  - dmvpn.vyos.config.ipsec
"""

EXAMPLES = r"""
- name: Protect tun0
  dmvpn.vyos.ipsec:
    config:
      interface: [eth0]
      ike_group:
        - name: IKE-DMVPN
          key_exchange: ikev2
          proposal: [{proposal_id: 1, encryption: aes256, hash: sha256, dh_group: 14}]
      esp_group:
        - name: ESP-DMVPN
          mode: transport
          pfs: dh-group14
          proposal: [{proposal_id: 1, encryption: aes256, hash: sha256}]
      profile:
        - name: NHRPVPN
          authentication: {pre_shared_secret: "{{ vault_ipsec_psk }}"}
          bind_tunnel: [tun0]
          esp_group: ESP-DMVPN
          ike_group: IKE-DMVPN
    state: merged
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
  description: The IPsec configuration before (secrets masked).
  returned: when the state talks to a router
  type: dict
after:
  description: The IPsec configuration after (secrets masked).
  returned: when the state talks to a router
  type: dict
version:
  description: The VyOS version family used.
  returned: when the state talks to a router
  type: str
gathered:
  description: The IPsec configuration on the router (secrets masked).
  returned: when O(state=gathered)
  type: dict
rendered:
  description: The C(set) lines for O(config) (secrets masked).
  returned: when O(state=rendered)
  type: list
  elements: str
parsed:
  description: The IPsec configuration in O(running_config) (secrets masked).
  returned: when O(state=parsed)
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.resources import IPSEC
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import IPSEC_ARGUMENT_SPEC
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import resource_module_main


def main():
    resource_module_main(AnsibleModule, IPSEC_ARGUMENT_SPEC, IPSEC)


if __name__ == "__main__":
    main()
