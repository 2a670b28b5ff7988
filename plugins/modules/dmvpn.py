#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dmvpn
short_description: One DMVPN endpoint on VyOS (tunnel, NHRP, IPsec, routes) in one commit
version_added: 0.1.0
description:
  - Manages one DMVPN endpoint of a VyOS router - the multipoint GRE tunnel interface, its
    NHRP configuration, the IPsec profile that protects it (with its IKE and ESP groups and
    the IPsec interface), the static routes it owns and, optionally, BGP over the tunnel.
  - Reads the running configuration once, computes the exact difference and applies it in
    B(one) commit, so GRE/NHRP is never committed without its IPsec binding (no cleartext
    window) and a failure leaves the router as it was.
  - Supports VyOS 1.2 (the syntax of the VyOS DMVPN guide), 1.3, 1.4 and 1.5/rolling; the
    version is read from the router or given with O(version).
  - "Ownership: O(state=replaced), O(state=overridden) and O(state=deleted) touch only the
    named tunnel, its NHRP entry, the named IPsec profile and groups (groups only while no
    other profile uses them), the IPsec interface entry (only while nothing else uses IPsec
    when deleting), any other profile that binds only this tunnel, and static routes whose
    next hop lies inside the DMVPN tunnel subnet (plus the routes listed in O(config.static_routes)).
    Other tunnels, routes via other gateways, firewall, users and everything else are never touched."
  - "Several clouds: with O(endpoints) each endpoint owns as above, per tunnel, and all are applied in one commit;
    the tunnels in O(absent_tunnels) (of clouds the router left) are deleted as O(state=deleted) deletes a tunnel."
  - O(state=overridden) additionally deletes owned objects that are not in O(config), such as
    the NHRP mapping of a removed hub or a route to a removed spoke.
  - Inside the owned objects, O(state=replaced) and O(state=overridden) delete every leaf that is neither
    modelled nor declared in O(config.extra) (a leaf added by hand), and name each in a warning and in
    RV(removed_unmanaged), in check mode too. Declare an option the collection does not model in O(config.extra)
    to keep it.
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
extends_documentation_fragment:
  - dmvpn.vyos.common
  - dmvpn.vyos.config.dmvpn
"""

EXAMPLES = r"""
- name: The hub of the VyOS DMVPN guide, one commit
  dmvpn.vyos.dmvpn:
    config:
      tunnel: {name: tun0, address: 10.0.0.1/24, source_address: 198.51.100.41, key: 1}
      nhrp: {role: hub, authentication: "{{ vault_nhrp_secret }}", holding_time: 300}
      ipsec:
        interface: eth0
        ike_group:
          name: IKE-HUB
          lifetime: 3600
          proposal:
            - {proposal_id: 1, encryption: aes256, hash: sha1}
            - {proposal_id: 2, encryption: aes128, hash: sha1}
        esp_group:
          name: ESP-HUB
          lifetime: 1800
          pfs: dh-group2
          proposal:
            - {proposal_id: 1, encryption: aes256, hash: sha1}
            - {proposal_id: 2, encryption: 3des, hash: md5}
        profile: {name: NHRPVPN, pre_shared_secret: "{{ vault_ipsec_psk }}"}
      static_routes:
        - {prefix: 192.168.2.0/24, next_hop: 10.0.0.2}
        - {prefix: 192.168.3.0/24, next_hop: 10.0.0.3}
    state: overridden
    confirm: 5
    save: true

- name: A DHCP spoke, with routes via the hub only
  dmvpn.vyos.dmvpn:
    config:
      tunnel: {name: tun0, address: 10.0.0.2/24, source_address: 0.0.0.0, key: 1}
      nhrp:
        role: spoke
        authentication: "{{ vault_nhrp_secret }}"
        nhs: [{tunnel_ip: 10.0.0.1, nbma: 198.51.100.41}]
      ipsec: "{{ dmvpn_ipsec }}"
      static_routes: [{prefix: 192.168.0.0/16, next_hop: 10.0.0.1}]
    state: replaced

- name: A spoke announcing its LAN in iBGP to two hubs (no static routes)
  dmvpn.vyos.dmvpn:
    config:
      tunnel: {name: tun0, address: 10.0.0.2/24, source_address: 0.0.0.0, key: 1}
      nhrp:
        role: spoke
        authentication: "{{ vault_nhrp_secret }}"
        nhs:
          - {tunnel_ip: 10.0.0.1, nbma: 198.51.100.41}
          - {tunnel_ip: 10.0.0.254, nbma: 198.51.100.45}
      ipsec: "{{ dmvpn_ipsec }}"
      bgp:
        asn: 65000
        neighbors: [{address: 10.0.0.1, remote_as: "65000"}, {address: 10.0.0.254, remote_as: "65000"}]
        networks: [192.168.2.0/24]
        keepalive: 10
        holdtime: 30
    state: overridden

- name: What would the 1.5 lines be? (no router needed)
  dmvpn.vyos.dmvpn:
    config: "{{ endpoint }}"
    version: "1.5"
    state: rendered

- name: A spoke of two clouds (tun0 to hub A over eth0, tun1 to hub B over eth2), one commit
  dmvpn.vyos.dmvpn:
    endpoints:
      - "{{ cloud1_endpoint }}"
      - "{{ cloud2_endpoint }}"
    absent_tunnels: []
    state: overridden

- name: Remove the endpoint (tunnel, NHRP, its profile and unused groups, its routes)
  dmvpn.vyos.dmvpn:
    config: {tunnel: {name: tun0}}
    state: deleted
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
  description: The C(delete)/C(set) lines sent (secrets masked). Empty when nothing differed.
  returned: when the state talks to a router and changes or could change it
  type: list
  elements: str
  sample: ["set protocols nhrp tunnel tun0 holding-time '600'"]
removed_unmanaged:
  description:
    - The leaves the change deletes from an owned object that stays (tunnel, NHRP entry, IKE/ESP group, profile)
      that the collection does not model and O(config.extra) does not declare - added by hand, or an extra line
      taken out of O(config.extra); each by its path, secrets masked. A warning per leaf says how to keep it.
    - Modelled leaves that go (a stale MTU, a proposal) and whole objects that go (a stale route, a renamed group)
      are not in it.
  returned: when the state talks to a router and changes or could change it
  type: list
  elements: str
  sample: ["vpn ipsec ike-group IKE-DMVPN mode main"]
plan:
  description:
    - In check mode, what the change does to the objects the endpoint owns, for a plan to review
      (C(playbooks/plan.yml) writes it to files).
    - "C(objects_added) and C(objects_removed) are C(kind: path) of the owned objects (tunnel, nhrp, ike_group,
      esp_group, profile, ipsec_interface, route, bgp) that the change creates or deletes whole."
    - C(leaves_removed) are the lines (as the router shows them, secrets masked) that the change deletes from an
      object that stays without setting another value in their place - on the router but not in the inventory,
      such as a leaf added by hand. A value replaced by another (a rotated secret) is in C(commands), not here.
  returned: in check mode, when the state talks to a router and no commit-confirm is pending
  type: dict
  sample:
    objects_added: ["route: protocols static route 192.168.4.0/24 next-hop 10.0.0.4"]
    objects_removed: []
    leaves_removed: ["set interfaces tunnel tun0 mtu '1400'"]
before:
  description: The endpoint as found on the router (secrets masked).
  returned: when the state talks to a router
  type: dict
after:
  description: The endpoint as it is after the commit (or would be, in check mode); secrets masked.
  returned: when the state talks to a router
  type: dict
version:
  description: The VyOS version family used (detected or given).
  returned: when the state talks to a router
  type: str
  sample: "1.4"
gathered:
  description:
    - The DMVPN endpoints found on the router (secrets masked).
    - An endpoint whose objects hold leaves the collection does not model has them in C(extra), per object, as
      the lines O(config.extra) takes (secret leaves left out), so the endpoint given back as O(config) keeps them.
  returned: when O(state=gathered)
  type: list
rendered:
  description: The C(set) lines for O(config) (secrets masked).
  returned: when O(state=rendered)
  type: list
  elements: str
parsed:
  description: The DMVPN endpoints found in O(running_config) (secrets masked).
  returned: when O(state=parsed)
  type: list
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import (
    DMVPN_ARGUMENT_SPEC,
    DMVPN_RULES,
    dmvpn_resource,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import run_resource


def main():
    # (the module file's own AnsibleModule name: see runner.resource_module_main)
    module = AnsibleModule(argument_spec=DMVPN_ARGUMENT_SPEC, supports_check_mode=True, **DMVPN_RULES)
    run_resource(module, dmvpn_resource(module.params))


if __name__ == "__main__":
    main()
