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
  - O(state=overridden) additionally deletes owned objects that are not in O(config), such as
    the NHRP mapping of a removed hub or a route to a removed spoke.
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
extends_documentation_fragment:
  - dmvpn.vyos.common
options:
  config:
    description:
      - The endpoint. For O(state=deleted) only O(config.tunnel.name) is needed.
    type: dict
    suboptions:
      tunnel:
        description: The multipoint GRE tunnel interface.
        type: dict
        suboptions:
          name:
            description: Interface name, C(tunN).
            type: str
            required: true
          address:
            description:
              - This router's tunnel address with the prefix of the whole DMVPN subnet, for
                example C(10.0.0.1/24). On VyOS 1.5 the router gets the /32 host address.
            type: str
          source_address:
            description:
              - The public (NBMA) address the tunnel runs from; C(0.0.0.0) for a spoke whose
                WAN address comes from DHCP (rendered as C(local-ip) on 1.2).
            type: str
          source_interface:
            description:
              - The WAN interface a tunnel from C(0.0.0.0) is bound to on VyOS 1.5, where FRR's
                nhrpd takes the NBMA address from it (rendered as C(source-interface)). Defaults
                to O(config.ipsec.interface). Ignored on 1.2-1.4 and for a fixed source_address.
            type: str
          key:
            description: GRE key (0-4294967295), the same on every router of the DMVPN.
            type: int
          description:
            description: Interface description.
            type: str
          mtu:
            description: Interface MTU.
            type: int
          multicast:
            description: Enable multicast on the tunnel (needed for routing protocols). Default true.
            type: bool
      nhrp:
        description: NHRP on the tunnel.
        type: dict
        suboptions:
          role:
            description: C(hub) answers registrations; C(spoke) registers with every O(config.nhrp.nhs).
            type: str
            choices: [hub, spoke]
          authentication:
            description:
              - The NHRP authentication key (1-8 characters), the same on every router.
                C(cisco-authentication) up to 1.4, C(authentication) on 1.5. Never logged.
            type: str
          holding_time:
            description: NHRP holding time in seconds (C(holding-time), C(holdtime) on 1.5).
            type: int
          network_id:
            description:
              - NHRP network id, 1 to 4294967295. VyOS 1.5 (FRR nhrpd) renders it, 1 when not given.
              - VyOS 1.2-1.4 (opennhrp) have no network id; there it is checked and left out, so one value fits a DMVPN of mixed versions.
            type: int
          redirect:
            description: Send NHRP redirects (hubs) / accept them. Default true.
            type: bool
          shortcut:
            description: Create spoke-to-spoke shortcuts. Default true on spokes, false on hubs.
            type: bool
          nhs:
            description:
              - The hubs a spoke registers with, one entry per hub. Rendered as
                C(map <hub-tunnel-ip>/<len> nbma-address ...) + C(register) up to 1.4 and as
                C(nhs tunnel-ip ... nbma ...) on 1.5.
            type: list
            elements: dict
            suboptions:
              tunnel_ip:
                description: The hub's tunnel address.
                type: str
                required: true
              nbma:
                description: The hub's public (NBMA) address.
                type: str
                required: true
      ipsec:
        description:
          - The IPsec profile that protects the tunnel. Leave it out only if you really want
            cleartext GRE.
        type: dict
        suboptions:
          interface:
            description: The WAN interface IPsec runs on (C(ipsec-interfaces interface) before 1.4).
            type: str
          ike_group:
            description: The IKE group.
            type: dict
            suboptions:
              name:
                description: Group name.
                type: str
                required: true
              key_exchange:
                description: IKE version.
                type: str
                choices: [ikev1, ikev2]
              lifetime:
                description: IKE SA lifetime in seconds (30-86400).
                type: int
              proposal:
                description: Proposals, in order.
                type: list
                elements: dict
                suboptions:
                  proposal_id:
                    description: Proposal number (1-65535).
                    type: int
                    required: true
                  encryption:
                    description: Encryption algorithm, e.g. C(aes256).
                    type: str
                  hash:
                    description: Hash algorithm, e.g. C(sha1), C(sha256).
                    type: str
                  dh_group:
                    description: Diffie-Hellman group (1, 2, 5, 14-32).
                    type: raw
          esp_group:
            description: The ESP group.
            type: dict
            suboptions:
              name:
                description: Group name.
                type: str
                required: true
              lifetime:
                description: ESP SA lifetime in seconds (30-86400).
                type: int
              mode:
                description: ESP mode.
                type: str
                choices: [tunnel, transport]
              pfs:
                description: Perfect forward secrecy, e.g. C(enable), C(dh-group2), C(dh-group14).
                type: str
              proposal:
                description: Proposals, in order.
                type: list
                elements: dict
                suboptions:
                  proposal_id:
                    description: Proposal number (1-65535).
                    type: int
                    required: true
                  encryption:
                    description: Encryption algorithm.
                    type: str
                  hash:
                    description: Hash algorithm.
                    type: str
          profile:
            description: The IPsec profile bound to the tunnel.
            type: dict
            suboptions:
              name:
                description: Profile name (starts with a letter).
                type: str
                required: true
              pre_shared_secret:
                description: The pre-shared key, the same on every router. Never logged.
                type: str
      static_routes:
        description:
          - Static routes this endpoint owns, usually towards LANs behind other DMVPN routers
            (next hop = their tunnel address) and the hub's default route.
        type: list
        elements: dict
        suboptions:
          prefix:
            description: Destination prefix.
            type: str
            required: true
          next_hop:
            description: Next hop address.
            type: str
            required: true
          distance:
            description: Administrative distance (1-255).
            type: int
      bgp:
        description:
          - BGP over the tunnel (leave unset for static routing). Rendered per version - C(protocols bgp <asn>)
            on 1.2/1.3, C(protocols bgp system-as <asn>) on 1.4 and later; peers get the IPv4 unicast address
            family (1.4+ activates no family by default).
          - Owned - the AS number, router id, the peer group, listen ranges and neighbors inside the tunnel subnet,
            and the instance's IPv4 C(network) statements. Without O(config.bgp), neighbors and listen ranges
            inside the tunnel subnet (with the peer groups only they use) are removed, and the whole BGP
            instance when nothing else is left in it.
        type: dict
        suboptions:
          asn:
            description: This router's AS number.
            type: int
            required: true
          router_id:
            description: BGP router id; default the router's tunnel address.
            type: str
          peer_group:
            description:
              - One peer group for the DMVPN peers (hubs - the spokes). Members are the dynamic neighbors of
                O(config.bgp.listen_ranges) and every neighbor of O(config.bgp.neighbors).
            type: dict
            suboptions:
              name:
                description: Peer group name (1.2/1.3 allow letters, digits and underscores only).
                type: str
                required: true
              remote_as:
                description: C(internal), C(external) or an AS number; required with listen ranges.
                type: str
              route_reflector_client:
                description: Reflect routes to the members (iBGP hubs), so spokes learn each other's LANs.
                type: bool
              next_hop_unchanged:
                description:
                  - Keep the next hop of routes passed on to the members (eBGP hubs), so that spokes route to
                    each other's tunnel address and NHRP builds the shortcut.
                type: bool
          listen_ranges:
            description:
              - Prefixes (inside the tunnel subnet) from which peers may connect (VyOS 1.3.3 and later).
              - On VyOS 1.2, which has no listen ranges, give O(config.bgp.dynamic_neighbors) as well.
            type: list
            elements: str
          dynamic_neighbors:
            description:
              - The peers the listen ranges are for (a hub - its spokes).
              - Where VyOS has listen ranges (1.3 and later) they are checked and not rendered. On VyOS 1.2 they
                become neighbors of the peer group instead; with an eBGP peer group each gets its own remote AS.
              - So one endpoint fits a hub of any version, as the roles build it.
            type: list
            elements: dict
            suboptions:
              address:
                description: The peer's tunnel address.
                type: str
                required: true
              remote_as:
                description: The peer's AS number.
                type: str
                required: true
          neighbors:
            description: Explicit peers, by tunnel address (spokes - every hub).
            type: list
            elements: dict
            suboptions:
              address:
                description: The peer's tunnel address.
                type: str
                required: true
              remote_as:
                description: The peer's AS (unless the peer group sets it), or C(internal)/C(external).
                type: str
          networks:
            description: Prefixes this router announces (its LANs).
            type: list
            elements: str
          keepalive:
            description: Keepalive timer of neighbors outside a peer group (with O(config.bgp.holdtime)).
            type: int
          holdtime:
            description: Hold timer (0, or at least 3 x keepalive) of neighbors outside a peer group.
            type: int
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

- name: Remove the endpoint (tunnel, NHRP, its profile and unused groups, its routes)
  dmvpn.vyos.dmvpn:
    config: {tunnel: {name: tun0}}
    state: deleted
"""

RETURN = r"""
commands:
  description: The C(delete)/C(set) lines sent (secrets masked). Empty when nothing differed.
  returned: when the state talks to a router and changes or could change it
  type: list
  elements: str
  sample: ["set protocols nhrp tunnel tun0 holding-time '600'"]
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
  description: The DMVPN endpoints found on the router (secrets masked).
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

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.resources import DMVPN
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import DMVPN_ARGUMENT_SPEC
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import resource_module_main


def main():
    resource_module_main(AnsibleModule, DMVPN_ARGUMENT_SPEC, DMVPN, ("merged", "replaced", "overridden", "deleted"))


if __name__ == "__main__":
    main()
