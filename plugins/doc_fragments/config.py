# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Generated from plugins/module_utils/dmvpn_core/spec_options.py by tools/generate.py: edit the
# spec, not this file (the modules' argument specs come from the same data).

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The config option of each resource module."""

    DMVPN = r'''
options:
  config:
    type: dict
    description:
      - The endpoint. For O(state=deleted) only O(config.tunnel.name) is needed.
    suboptions:
      tunnel:
        type: dict
        description:
          - The multipoint GRE tunnel interface.
        suboptions:
          name:
            type: str
            description:
              - Interface name, C(tunN).
            required: true
          address:
            type: str
            description:
              - This router's tunnel address with the prefix of the whole DMVPN subnet, for example C(10.0.0.1/24).
                On VyOS 1.5 the router gets the /32 host address.
          source_address:
            type: str
            description:
              - The public (NBMA) address the tunnel runs from; C(0.0.0.0) for a spoke whose WAN address comes from
                DHCP (rendered as C(local-ip) on 1.2).
          source_interface:
            type: str
            description:
              - 'The WAN interface a tunnel from C(0.0.0.0) is bound to on VyOS 1.5, where FRR''s nhrpd takes the
                NBMA address from it (rendered as C(source-interface)). Defaults to the IPsec interface. Ignored
                on 1.2-1.4, for a fixed source_address and for a dynamic interface (C(ppp*), C(pppoe*), C(sstpc*),
                C(l2tp*), C(ipoe*)), which VyOS refuses as a source-interface: the tunnel stays at C(0.0.0.0).'
          key:
            type: int
            description:
              - GRE key (0-4294967295), the same on every router of the DMVPN.
          description:
            type: str
            description:
              - Interface description.
              - 'No double quote or backslash: VyOS does not print them back as stored.'
          mtu:
            type: int
            description:
              - Interface MTU (VyOS's default is 1476). Recommended with IPsec - C(1400) (the VyOS DMVPN documentation's
                value). Unset - not rendered.
          adjust_mss:
            type: raw
            description:
              - TCP MSS clamping on the tunnel (C(ip adjust-mss)) - a number from 536 to 65535 or C(clamp-mss-to-pmtu).
                Recommended - C(1360) with an MTU of C(1400). Unset - not rendered (off by default).
              - At most the MTU (or VyOS's default 1476) less 40. VyOS 1.4 and later only; refused on 1.2/1.3, which
                clamp only under C(firewall options).
          multicast:
            type: bool
            description:
              - Enable multicast on the tunnel (needed for routing protocols). Default true.
      nhrp:
        type: dict
        description:
          - NHRP on the tunnel.
        suboptions:
          role:
            type: str
            description:
              - C(hub) answers registrations; C(spoke) registers with every next hop server (C(nhs)).
            choices:
              - hub
              - spoke
          authentication:
            type: str
            description:
              - The NHRP authentication key (1-8 characters), the same on every router. C(cisco-authentication)
                up to 1.4, C(authentication) on 1.5. Never logged.
          holding_time:
            type: int
            description:
              - NHRP holding time in seconds (C(holding-time), C(holdtime) on 1.5).
          network_id:
            type: int
            description:
              - NHRP network id, 1 to 4294967295. VyOS 1.5 (FRR nhrpd) renders it, 1 when not given.
              - VyOS 1.2-1.4 (opennhrp) have no network id; there it is checked and left out, so one value fits
                a DMVPN of mixed versions.
          redirect:
            type: bool
            description:
              - Send NHRP redirects (hubs) / accept them. Default true.
          shortcut:
            type: bool
            description:
              - Create spoke-to-spoke shortcuts. Default true on spokes, false on hubs.
          nhs:
            type: list
            description:
              - The hubs a spoke registers with, one entry per hub. Rendered as C(map <hub-tunnel-ip>/<len> nbma-address
                ...) + C(register) up to 1.4 and as C(nhs tunnel-ip ... nbma ...) on 1.5.
            elements: dict
            suboptions:
              tunnel_ip:
                type: str
                description:
                  - The hub's tunnel address.
                required: true
              nbma:
                type: str
                description:
                  - The hub's public (NBMA) address.
                required: true
          maps:
            type: list
            description:
              - 'Static mappings that do not register: peers reached by their public address without an NHS (a hub
                - every other hub, which it could not resolve otherwise).'
              - Rendered as C(map <tunnel-ip>/32 nbma-address ...) without C(register) up to 1.4 and as C(map tunnel-ip
                ... nbma ...) on 1.5.
            elements: dict
            suboptions:
              tunnel_ip:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              nbma:
                type: str
                description:
                  - The peer's public (NBMA) address.
                required: true
      ipsec:
        type: dict
        description:
          - The IPsec profile that protects the tunnel. Leave it out only if you really want cleartext GRE.
        suboptions:
          interface:
            type: str
            description:
              - The WAN interface IPsec runs on (C(ipsec-interfaces interface) before 1.4).
          ike_group:
            type: dict
            description:
              - The IKE group.
            suboptions:
              name:
                type: str
                description:
                  - Group name.
                required: true
              key_exchange:
                type: str
                description:
                  - IKE version.
                choices:
                  - ikev1
                  - ikev2
              lifetime:
                type: int
                description:
                  - SA lifetime in seconds (30-86400).
              proposal:
                type: list
                description:
                  - Proposals, in order.
                elements: dict
                suboptions:
                  proposal_id:
                    type: int
                    description:
                      - Proposal number (1-65535).
                    required: true
                  encryption:
                    type: str
                    description:
                      - Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list).
                  hash:
                    type: str
                    description:
                      - Hash algorithm, e.g. C(sha1), C(sha256).
                  dh_group:
                    type: raw
                    description:
                      - Diffie-Hellman group, e.g. C(14) (IKE only).
              dead_peer_detection:
                type: dict
                description:
                  - Dead peer detection (C(dead-peer-detection)); at least one key. VyOS fills the others with its
                    defaults.
                suboptions:
                  action:
                    type: str
                    description:
                      - What to do with the SAs of a peer that stopped answering.
                      - VyOS 1.2/1.3 take C(hold), C(clear), C(restart); 1.4 C(trap), C(clear), C(restart) (C(hold)
                        is written as C(trap), as VyOS's own 1.3 to 1.4 migration does); 1.5 only C(clear), the
                        action its DMVPN connection always uses.
                  interval:
                    type: int
                    description:
                      - Seconds between keep-alives (2-86400; VyOS's default 30).
                  timeout:
                    type: int
                    description:
                      - Seconds without an answer before the peer is dead (2-86400; VyOS's default 120; IKEv1).
              close_action:
                type: str
                description:
                  - C(close-action). No VyOS version's DMVPN connection reads it (1.5 forces C(none)), so it is
                    refused on every version rather than stored without effect.
              ikev2_reauth:
                type: bool
                description:
                  - Re-authenticate the peer at each IKE rekey (C(ikev2-reauth yes) on 1.2/1.3).
                  - Refused on versions whose DMVPN connection never uses it (see the table of options per version
                    in docs/vyos-versions.md).
              disable_mobike:
                type: bool
                description:
                  - Turn MOBIKE off (C(mobike disable) on 1.2/1.3).
                  - Refused on versions whose DMVPN connection never uses it (see the table of options per version
                    in docs/vyos-versions.md).
          esp_group:
            type: dict
            description:
              - The ESP group.
            suboptions:
              name:
                type: str
                description:
                  - Group name.
                required: true
              lifetime:
                type: int
                description:
                  - SA lifetime in seconds (30-86400).
              mode:
                type: str
                description:
                  - ESP mode.
                choices:
                  - tunnel
                  - transport
              pfs:
                type: str
                description:
                  - Perfect forward secrecy, e.g. C(enable), C(dh-group2), C(dh-group14).
              proposal:
                type: list
                description:
                  - Proposals, in order.
                elements: dict
                suboptions:
                  proposal_id:
                    type: int
                    description:
                      - Proposal number (1-65535).
                    required: true
                  encryption:
                    type: str
                    description:
                      - Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list).
                  hash:
                    type: str
                    description:
                      - Hash algorithm, e.g. C(sha1), C(sha256).
              compression:
                type: bool
                description:
                  - IPComp compression (C(compression enable) on 1.2/1.3).
                  - Refused on versions whose DMVPN connection never uses it (see the table of options per version
                    in docs/vyos-versions.md).
              life_bytes:
                type: int
                description:
                  - 'C(life-bytes) (VyOS 1.4+). No version''s DMVPN connection reads it: refused.'
              life_packets:
                type: int
                description:
                  - 'C(life-packets) (VyOS 1.4+). No version''s DMVPN connection reads it: refused.'
          profile:
            type: dict
            description:
              - The IPsec profile bound to the tunnel.
            suboptions:
              name:
                type: str
                description:
                  - Profile name (starts with a letter).
                required: true
              pre_shared_secret:
                type: str
                description:
                  - The pre-shared key, the same on every router. Never logged.
      static_routes:
        type: list
        description:
          - Static routes this endpoint owns, usually towards LANs behind other DMVPN routers (next hop = their
            tunnel address) and the hub's default route.
        elements: dict
        suboptions:
          prefix:
            type: str
            description:
              - Destination prefix.
            required: true
          next_hop:
            type: str
            description:
              - Next hop address.
            required: true
          distance:
            type: int
            description:
              - Administrative distance (1-255).
      bgp:
        type: dict
        description:
          - BGP over the tunnel (leave unset for static routing). Rendered per version - C(protocols bgp <asn>)
            on 1.2/1.3, C(protocols bgp system-as <asn>) on 1.4 and later; peers get the IPv4 unicast address family
            (1.4+ activates no family by default).
          - Owned - the AS number, router id, the peer group, listen ranges and neighbors inside the tunnel subnet,
            and the instance's IPv4 C(network) statements. Without O(config.bgp), neighbors and listen ranges inside
            the tunnel subnet (with the peer groups only they use) are removed, and the whole BGP instance when
            nothing else is left in it.
        suboptions:
          asn:
            type: int
            description:
              - This router's AS number.
            required: true
          router_id:
            type: str
            description:
              - BGP router id; default the router's tunnel address.
          peer_group:
            type: dict
            description:
              - One peer group for the DMVPN peers (hubs - the spokes). Members are the dynamic neighbors of the
                listen ranges and every neighbor of O(config.bgp.neighbors).
            suboptions:
              name:
                type: str
                description:
                  - Peer group name (1.2/1.3 allow letters, digits and underscores only).
                required: true
              remote_as:
                type: str
                description:
                  - C(internal), C(external) or an AS number; required with listen ranges.
              route_reflector_client:
                type: bool
                description:
                  - Reflect routes to the members (iBGP hubs), so spokes learn each other's LANs.
              next_hop_unchanged:
                type: bool
                description:
                  - Keep the next hop of routes passed on to the members (eBGP hubs), so that spokes route to each
                    other's tunnel address and NHRP builds the shortcut.
          listen_ranges:
            type: list
            description:
              - Prefixes (inside the tunnel subnet) from which peers may connect (VyOS 1.3.3 and later).
              - On VyOS 1.2, which has no listen ranges, give O(config.bgp.dynamic_neighbors) as well.
            elements: str
          dynamic_neighbors:
            type: list
            description:
              - The peers the listen ranges are for (a hub - its spokes).
              - Where VyOS has listen ranges (1.3 and later) they are checked and not rendered. On VyOS 1.2 they
                become neighbors of the peer group instead; with an eBGP peer group each gets its own remote AS.
              - So one endpoint fits a hub of any version, as the roles build it.
            elements: dict
            suboptions:
              address:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              remote_as:
                type: str
                description:
                  - The peer's AS number.
                required: true
          neighbors:
            type: list
            description:
              - Explicit peers, by tunnel address (spokes - every hub).
            elements: dict
            suboptions:
              address:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              remote_as:
                type: str
                description:
                  - The peer's AS (unless the peer group sets it), or C(internal)/C(external).
          hub_neighbors:
            type: list
            description:
              - 'The other hubs (a hub): neighbors outside the peer group, each with its own remote-as and the IPv4
                unicast family, so hubs learn each other''s LANs and the spokes'' routes.'
            elements: dict
            suboptions:
              address:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              remote_as:
                type: str
                description:
                  - The hub's AS number (all hubs share one), or C(internal)/C(external).
                required: true
          networks:
            type: list
            description:
              - Prefixes this router announces (its LANs).
            elements: str
          keepalive:
            type: int
            description:
              - Keepalive timer of neighbors outside a peer group (with O(config.bgp.holdtime)).
          holdtime:
            type: int
            description:
              - Hold timer (0, or at least 3 x keepalive) of neighbors outside a peer group.
      firewall:
        type: dict
        description:
          - WAN firewall rules that let the DMVPN in (leave unset to manage none). Rules 9900-9999 accept established/related,
            GRE, ESP, IKE (UDP 500) and NAT-T (UDP 4500) from O(config.firewall.peers) - on 1.2/1.3 in the WAN interface's
            C(firewall local) rule set (the operator's, or C(firewall name <rule_set>) made and attached when there
            is none), on 1.4 and later in C(firewall ipv4 input filter) with C(inbound-interface name).
          - Owned - the rules numbered 9900-9999 there, the collection's own rule set and its attachment, and an
            address group only those rules use; with O(state=overridden) and no O(config.firewall) they are removed.
            Nothing else of the firewall is touched.
        suboptions:
          interface:
            type: str
            description:
              - The WAN interface the rules are for; default the IPsec interface. On 1.2/1.3 an ethernet interface
                (its C(firewall local) rule set).
          peers:
            type: list
            description:
              - The public addresses GRE, ESP, IKE and NAT-T may come from (an address group); empty - any source
                (a DMVPN with DHCP routers).
            elements: str
          rule_set:
            type: str
            description:
              - 1.2/1.3 - the name of the collection's own local rule set, made and attached when the WAN interface
                has none; when it has one, the rules go into that set instead. Default C(DMVPN-WAN).
          address_group:
            type: str
            description:
              - Name of the address group of the peers. Default C(DMVPN-PEERS).
          drop_other:
            type: bool
            description:
              - Also accept SSH (O(config.firewall.ssh_port)) and then drop everything else arriving on the WAN
                for the router (rules 9905 and 9999). Default false - the rules only accept.
          ssh_port:
            type: int
            description:
              - The SSH port accepted with O(config.firewall.drop_other). Default 22.
      extra:
        type: dict
        description:
          - 'Options the collection does not model, declared so that C(replaced)/C(overridden) keep them: per owned
            object, a list of configuration lines. They are rendered below the object, so a run that finds them
            on the router has nothing to do, and a line taken out of the list is deleted like any other leaf the
            model does not hold.'
          - Words are split the way VyOS's CLI splits them (single quotes around a value with spaces); no C(;),
            C(|), C(&), C(<), C(>), backquote, C($(), double quote or backslash. The last word of a line of two
            or more words is its value and is sent quoted.
          - 'Refused - a line outside its object, a secret-looking leaf (NHRP authentication, pre-shared secrets:
            they are modelled and masked), and a line that sets what the collection models (the message names the
            field to use). The router validates the rest at commit: an unknown option is refused and the router
            is left as it was.'
          - A leaf inside these objects that is neither modelled nor declared (added by hand) is deleted by C(replaced)
            and C(overridden), and named in the warnings and in RV(removed_unmanaged) (in check mode too).
        suboptions:
          tunnel:
            type: list
            description:
              - Lines relative to the tunnel interface, e.g. C(parameters ip tos 16); a full C(set interfaces tunnel
                <name> ...) line is accepted too.
            elements: str
          nhrp:
            type: list
            description:
              - Lines relative to the tunnel's NHRP entry, e.g. C(shortcut-destination); a full C(set protocols
                nhrp tunnel <name> ...) line is accepted too.
            elements: str
          ike_group:
            type: list
            description:
              - Lines relative to the IKE group, e.g. C(mode main); a full C(set vpn ipsec ike-group <name> ...)
                line is accepted too.
            elements: str
          esp_group:
            type: list
            description:
              - Lines relative to the ESP group, e.g. C(disable-rekey); a full C(set vpn ipsec esp-group <name>
                ...) line is accepted too.
            elements: str
          profile:
            type: list
            description:
              - Lines relative to the IPsec profile, e.g. C(disable); a full C(set vpn ipsec profile <name> ...)
                line is accepted too.
            elements: str
  endpoints:
    type: list
    description:
      - 'Instead of O(config) (one of the two): the router''s endpoints of several DMVPN clouds, one tunnel each,
        each with the suboptions of O(config). They are applied in B(one) commit - the union of their configurations
        and of the objects they own (see the ownership notes: each endpoint owns per tunnel).'
      - Each endpoint needs its own tunnel, tunnel subnet and IPsec profile, and all need the same PSK (VyOS writes
        each profile's PSK as a secret without an id, so strongSwan would use one for both); IKE/ESP groups of one
        name are shared (and must then be the same); with several endpoints none may hold O(config.bgp).
      - For O(state=deleted) only each O(config.tunnel.name) is needed.
    elements: dict
    suboptions:
      tunnel:
        type: dict
        description:
          - The multipoint GRE tunnel interface.
        suboptions:
          name:
            type: str
            description:
              - Interface name, C(tunN).
            required: true
          address:
            type: str
            description:
              - This router's tunnel address with the prefix of the whole DMVPN subnet, for example C(10.0.0.1/24).
                On VyOS 1.5 the router gets the /32 host address.
          source_address:
            type: str
            description:
              - The public (NBMA) address the tunnel runs from; C(0.0.0.0) for a spoke whose WAN address comes from
                DHCP (rendered as C(local-ip) on 1.2).
          source_interface:
            type: str
            description:
              - 'The WAN interface a tunnel from C(0.0.0.0) is bound to on VyOS 1.5, where FRR''s nhrpd takes the
                NBMA address from it (rendered as C(source-interface)). Defaults to the IPsec interface. Ignored
                on 1.2-1.4, for a fixed source_address and for a dynamic interface (C(ppp*), C(pppoe*), C(sstpc*),
                C(l2tp*), C(ipoe*)), which VyOS refuses as a source-interface: the tunnel stays at C(0.0.0.0).'
          key:
            type: int
            description:
              - GRE key (0-4294967295), the same on every router of the DMVPN.
          description:
            type: str
            description:
              - Interface description.
              - 'No double quote or backslash: VyOS does not print them back as stored.'
          mtu:
            type: int
            description:
              - Interface MTU (VyOS's default is 1476). Recommended with IPsec - C(1400) (the VyOS DMVPN documentation's
                value). Unset - not rendered.
          adjust_mss:
            type: raw
            description:
              - TCP MSS clamping on the tunnel (C(ip adjust-mss)) - a number from 536 to 65535 or C(clamp-mss-to-pmtu).
                Recommended - C(1360) with an MTU of C(1400). Unset - not rendered (off by default).
              - At most the MTU (or VyOS's default 1476) less 40. VyOS 1.4 and later only; refused on 1.2/1.3, which
                clamp only under C(firewall options).
          multicast:
            type: bool
            description:
              - Enable multicast on the tunnel (needed for routing protocols). Default true.
      nhrp:
        type: dict
        description:
          - NHRP on the tunnel.
        suboptions:
          role:
            type: str
            description:
              - C(hub) answers registrations; C(spoke) registers with every next hop server (C(nhs)).
            choices:
              - hub
              - spoke
          authentication:
            type: str
            description:
              - The NHRP authentication key (1-8 characters), the same on every router. C(cisco-authentication)
                up to 1.4, C(authentication) on 1.5. Never logged.
          holding_time:
            type: int
            description:
              - NHRP holding time in seconds (C(holding-time), C(holdtime) on 1.5).
          network_id:
            type: int
            description:
              - NHRP network id, 1 to 4294967295. VyOS 1.5 (FRR nhrpd) renders it, 1 when not given.
              - VyOS 1.2-1.4 (opennhrp) have no network id; there it is checked and left out, so one value fits
                a DMVPN of mixed versions.
          redirect:
            type: bool
            description:
              - Send NHRP redirects (hubs) / accept them. Default true.
          shortcut:
            type: bool
            description:
              - Create spoke-to-spoke shortcuts. Default true on spokes, false on hubs.
          nhs:
            type: list
            description:
              - The hubs a spoke registers with, one entry per hub. Rendered as C(map <hub-tunnel-ip>/<len> nbma-address
                ...) + C(register) up to 1.4 and as C(nhs tunnel-ip ... nbma ...) on 1.5.
            elements: dict
            suboptions:
              tunnel_ip:
                type: str
                description:
                  - The hub's tunnel address.
                required: true
              nbma:
                type: str
                description:
                  - The hub's public (NBMA) address.
                required: true
          maps:
            type: list
            description:
              - 'Static mappings that do not register: peers reached by their public address without an NHS (a hub
                - every other hub, which it could not resolve otherwise).'
              - Rendered as C(map <tunnel-ip>/32 nbma-address ...) without C(register) up to 1.4 and as C(map tunnel-ip
                ... nbma ...) on 1.5.
            elements: dict
            suboptions:
              tunnel_ip:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              nbma:
                type: str
                description:
                  - The peer's public (NBMA) address.
                required: true
      ipsec:
        type: dict
        description:
          - The IPsec profile that protects the tunnel. Leave it out only if you really want cleartext GRE.
        suboptions:
          interface:
            type: str
            description:
              - The WAN interface IPsec runs on (C(ipsec-interfaces interface) before 1.4).
          ike_group:
            type: dict
            description:
              - The IKE group.
            suboptions:
              name:
                type: str
                description:
                  - Group name.
                required: true
              key_exchange:
                type: str
                description:
                  - IKE version.
                choices:
                  - ikev1
                  - ikev2
              lifetime:
                type: int
                description:
                  - SA lifetime in seconds (30-86400).
              proposal:
                type: list
                description:
                  - Proposals, in order.
                elements: dict
                suboptions:
                  proposal_id:
                    type: int
                    description:
                      - Proposal number (1-65535).
                    required: true
                  encryption:
                    type: str
                    description:
                      - Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list).
                  hash:
                    type: str
                    description:
                      - Hash algorithm, e.g. C(sha1), C(sha256).
                  dh_group:
                    type: raw
                    description:
                      - Diffie-Hellman group, e.g. C(14) (IKE only).
              dead_peer_detection:
                type: dict
                description:
                  - Dead peer detection (C(dead-peer-detection)); at least one key. VyOS fills the others with its
                    defaults.
                suboptions:
                  action:
                    type: str
                    description:
                      - What to do with the SAs of a peer that stopped answering.
                      - VyOS 1.2/1.3 take C(hold), C(clear), C(restart); 1.4 C(trap), C(clear), C(restart) (C(hold)
                        is written as C(trap), as VyOS's own 1.3 to 1.4 migration does); 1.5 only C(clear), the
                        action its DMVPN connection always uses.
                  interval:
                    type: int
                    description:
                      - Seconds between keep-alives (2-86400; VyOS's default 30).
                  timeout:
                    type: int
                    description:
                      - Seconds without an answer before the peer is dead (2-86400; VyOS's default 120; IKEv1).
              close_action:
                type: str
                description:
                  - C(close-action). No VyOS version's DMVPN connection reads it (1.5 forces C(none)), so it is
                    refused on every version rather than stored without effect.
              ikev2_reauth:
                type: bool
                description:
                  - Re-authenticate the peer at each IKE rekey (C(ikev2-reauth yes) on 1.2/1.3).
                  - Refused on versions whose DMVPN connection never uses it (see the table of options per version
                    in docs/vyos-versions.md).
              disable_mobike:
                type: bool
                description:
                  - Turn MOBIKE off (C(mobike disable) on 1.2/1.3).
                  - Refused on versions whose DMVPN connection never uses it (see the table of options per version
                    in docs/vyos-versions.md).
          esp_group:
            type: dict
            description:
              - The ESP group.
            suboptions:
              name:
                type: str
                description:
                  - Group name.
                required: true
              lifetime:
                type: int
                description:
                  - SA lifetime in seconds (30-86400).
              mode:
                type: str
                description:
                  - ESP mode.
                choices:
                  - tunnel
                  - transport
              pfs:
                type: str
                description:
                  - Perfect forward secrecy, e.g. C(enable), C(dh-group2), C(dh-group14).
              proposal:
                type: list
                description:
                  - Proposals, in order.
                elements: dict
                suboptions:
                  proposal_id:
                    type: int
                    description:
                      - Proposal number (1-65535).
                    required: true
                  encryption:
                    type: str
                    description:
                      - Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list).
                  hash:
                    type: str
                    description:
                      - Hash algorithm, e.g. C(sha1), C(sha256).
              compression:
                type: bool
                description:
                  - IPComp compression (C(compression enable) on 1.2/1.3).
                  - Refused on versions whose DMVPN connection never uses it (see the table of options per version
                    in docs/vyos-versions.md).
              life_bytes:
                type: int
                description:
                  - 'C(life-bytes) (VyOS 1.4+). No version''s DMVPN connection reads it: refused.'
              life_packets:
                type: int
                description:
                  - 'C(life-packets) (VyOS 1.4+). No version''s DMVPN connection reads it: refused.'
          profile:
            type: dict
            description:
              - The IPsec profile bound to the tunnel.
            suboptions:
              name:
                type: str
                description:
                  - Profile name (starts with a letter).
                required: true
              pre_shared_secret:
                type: str
                description:
                  - The pre-shared key, the same on every router. Never logged.
      static_routes:
        type: list
        description:
          - Static routes this endpoint owns, usually towards LANs behind other DMVPN routers (next hop = their
            tunnel address) and the hub's default route.
        elements: dict
        suboptions:
          prefix:
            type: str
            description:
              - Destination prefix.
            required: true
          next_hop:
            type: str
            description:
              - Next hop address.
            required: true
          distance:
            type: int
            description:
              - Administrative distance (1-255).
      bgp:
        type: dict
        description:
          - BGP over the tunnel (leave unset for static routing). Rendered per version - C(protocols bgp <asn>)
            on 1.2/1.3, C(protocols bgp system-as <asn>) on 1.4 and later; peers get the IPv4 unicast address family
            (1.4+ activates no family by default).
          - Owned - the AS number, router id, the peer group, listen ranges and neighbors inside the tunnel subnet,
            and the instance's IPv4 C(network) statements. Without O(config.bgp), neighbors and listen ranges inside
            the tunnel subnet (with the peer groups only they use) are removed, and the whole BGP instance when
            nothing else is left in it.
        suboptions:
          asn:
            type: int
            description:
              - This router's AS number.
            required: true
          router_id:
            type: str
            description:
              - BGP router id; default the router's tunnel address.
          peer_group:
            type: dict
            description:
              - One peer group for the DMVPN peers (hubs - the spokes). Members are the dynamic neighbors of the
                listen ranges and every neighbor of O(config.bgp.neighbors).
            suboptions:
              name:
                type: str
                description:
                  - Peer group name (1.2/1.3 allow letters, digits and underscores only).
                required: true
              remote_as:
                type: str
                description:
                  - C(internal), C(external) or an AS number; required with listen ranges.
              route_reflector_client:
                type: bool
                description:
                  - Reflect routes to the members (iBGP hubs), so spokes learn each other's LANs.
              next_hop_unchanged:
                type: bool
                description:
                  - Keep the next hop of routes passed on to the members (eBGP hubs), so that spokes route to each
                    other's tunnel address and NHRP builds the shortcut.
          listen_ranges:
            type: list
            description:
              - Prefixes (inside the tunnel subnet) from which peers may connect (VyOS 1.3.3 and later).
              - On VyOS 1.2, which has no listen ranges, give O(config.bgp.dynamic_neighbors) as well.
            elements: str
          dynamic_neighbors:
            type: list
            description:
              - The peers the listen ranges are for (a hub - its spokes).
              - Where VyOS has listen ranges (1.3 and later) they are checked and not rendered. On VyOS 1.2 they
                become neighbors of the peer group instead; with an eBGP peer group each gets its own remote AS.
              - So one endpoint fits a hub of any version, as the roles build it.
            elements: dict
            suboptions:
              address:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              remote_as:
                type: str
                description:
                  - The peer's AS number.
                required: true
          neighbors:
            type: list
            description:
              - Explicit peers, by tunnel address (spokes - every hub).
            elements: dict
            suboptions:
              address:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              remote_as:
                type: str
                description:
                  - The peer's AS (unless the peer group sets it), or C(internal)/C(external).
          hub_neighbors:
            type: list
            description:
              - 'The other hubs (a hub): neighbors outside the peer group, each with its own remote-as and the IPv4
                unicast family, so hubs learn each other''s LANs and the spokes'' routes.'
            elements: dict
            suboptions:
              address:
                type: str
                description:
                  - The peer's tunnel address.
                required: true
              remote_as:
                type: str
                description:
                  - The hub's AS number (all hubs share one), or C(internal)/C(external).
                required: true
          networks:
            type: list
            description:
              - Prefixes this router announces (its LANs).
            elements: str
          keepalive:
            type: int
            description:
              - Keepalive timer of neighbors outside a peer group (with O(config.bgp.holdtime)).
          holdtime:
            type: int
            description:
              - Hold timer (0, or at least 3 x keepalive) of neighbors outside a peer group.
      firewall:
        type: dict
        description:
          - WAN firewall rules that let the DMVPN in (leave unset to manage none). Rules 9900-9999 accept established/related,
            GRE, ESP, IKE (UDP 500) and NAT-T (UDP 4500) from O(config.firewall.peers) - on 1.2/1.3 in the WAN interface's
            C(firewall local) rule set (the operator's, or C(firewall name <rule_set>) made and attached when there
            is none), on 1.4 and later in C(firewall ipv4 input filter) with C(inbound-interface name).
          - Owned - the rules numbered 9900-9999 there, the collection's own rule set and its attachment, and an
            address group only those rules use; with O(state=overridden) and no O(config.firewall) they are removed.
            Nothing else of the firewall is touched.
        suboptions:
          interface:
            type: str
            description:
              - The WAN interface the rules are for; default the IPsec interface. On 1.2/1.3 an ethernet interface
                (its C(firewall local) rule set).
          peers:
            type: list
            description:
              - The public addresses GRE, ESP, IKE and NAT-T may come from (an address group); empty - any source
                (a DMVPN with DHCP routers).
            elements: str
          rule_set:
            type: str
            description:
              - 1.2/1.3 - the name of the collection's own local rule set, made and attached when the WAN interface
                has none; when it has one, the rules go into that set instead. Default C(DMVPN-WAN).
          address_group:
            type: str
            description:
              - Name of the address group of the peers. Default C(DMVPN-PEERS).
          drop_other:
            type: bool
            description:
              - Also accept SSH (O(config.firewall.ssh_port)) and then drop everything else arriving on the WAN
                for the router (rules 9905 and 9999). Default false - the rules only accept.
          ssh_port:
            type: int
            description:
              - The SSH port accepted with O(config.firewall.drop_other). Default 22.
      extra:
        type: dict
        description:
          - 'Options the collection does not model, declared so that C(replaced)/C(overridden) keep them: per owned
            object, a list of configuration lines. They are rendered below the object, so a run that finds them
            on the router has nothing to do, and a line taken out of the list is deleted like any other leaf the
            model does not hold.'
          - Words are split the way VyOS's CLI splits them (single quotes around a value with spaces); no C(;),
            C(|), C(&), C(<), C(>), backquote, C($(), double quote or backslash. The last word of a line of two
            or more words is its value and is sent quoted.
          - 'Refused - a line outside its object, a secret-looking leaf (NHRP authentication, pre-shared secrets:
            they are modelled and masked), and a line that sets what the collection models (the message names the
            field to use). The router validates the rest at commit: an unknown option is refused and the router
            is left as it was.'
          - A leaf inside these objects that is neither modelled nor declared (added by hand) is deleted by C(replaced)
            and C(overridden), and named in the warnings and in RV(removed_unmanaged) (in check mode too).
        suboptions:
          tunnel:
            type: list
            description:
              - Lines relative to the tunnel interface, e.g. C(parameters ip tos 16); a full C(set interfaces tunnel
                <name> ...) line is accepted too.
            elements: str
          nhrp:
            type: list
            description:
              - Lines relative to the tunnel's NHRP entry, e.g. C(shortcut-destination); a full C(set protocols
                nhrp tunnel <name> ...) line is accepted too.
            elements: str
          ike_group:
            type: list
            description:
              - Lines relative to the IKE group, e.g. C(mode main); a full C(set vpn ipsec ike-group <name> ...)
                line is accepted too.
            elements: str
          esp_group:
            type: list
            description:
              - Lines relative to the ESP group, e.g. C(disable-rekey); a full C(set vpn ipsec esp-group <name>
                ...) line is accepted too.
            elements: str
          profile:
            type: list
            description:
              - Lines relative to the IPsec profile, e.g. C(disable); a full C(set vpn ipsec profile <name> ...)
                line is accepted too.
            elements: str
  absent_tunnels:
    type: list
    description:
      - With O(endpoints) - tunnels of the clouds this router is no longer in. Each that is a multipoint GRE tunnel
        with NHRP on the router is deleted with what it owns (its NHRP, a profile binding only it and that profile's
        groups unless something else uses them, its routes, its BGP peers), as O(state=deleted) would; other tunnels
        of that name are left alone.
    elements: str
    default: []
  allow_mass_delete:
    type: bool
    description:
      - 'Let O(state=replaced) or O(state=overridden) remove more of the router''s owned entries than O(mass_delete_limit)
        and O(mass_delete_share) allow. Counted per router and kind, all clouds together - static routes (prefix
        and next hop), BGP peers (neighbors and listen ranges) and NHRP entries (the tunnel addresses its NHS and
        static maps name). Without it such a change fails before anything is sent to the router (in check mode too),
        naming the counts: an inventory that lacks routers (an AWX job slice) makes a hub delete the routes of the
        spokes it does not see.'
      - A kind is refused when the change removes more than max(O(mass_delete_limit), O(mass_delete_share) %) of
        its routes or BGP peers, or more than O(mass_delete_share) % of its NHRP entries (one hub of two is half
        of them). O(state=deleted) and O(state=merged) are not guarded.
    default: false
  mass_delete_limit:
    type: int
    description:
      - Routes or BGP peers a change may always remove from the router, whatever their share (0 or more).
    default: 5
  mass_delete_share:
    type: int
    description:
      - Percent of the router's routes, BGP peers or NHRP entries (each kind on its own) a change may remove (0-100).
    default: 25
'''

    TUNNEL = r'''
options:
  config:
    type: list
    description:
      - The tunnels. For O(state=deleted) only the names are needed.
    elements: dict
    suboptions:
      name:
        type: str
        description:
          - Interface name, C(tunN).
        required: true
      address:
        type: str
        description:
          - This router's tunnel address with the prefix of the whole DMVPN subnet, for example C(10.0.0.1/24).
            On VyOS 1.5 the router gets the /32 host address.
      source_address:
        type: str
        description:
          - The public (NBMA) address the tunnel runs from; C(0.0.0.0) for a spoke whose WAN address comes from
            DHCP (rendered as C(local-ip) on 1.2).
      source_interface:
        type: str
        description:
          - 'The WAN interface a tunnel from C(0.0.0.0) is bound to on VyOS 1.5, where FRR''s nhrpd takes the NBMA
            address from it (rendered as C(source-interface)). Defaults to the IPsec interface. Ignored on 1.2-1.4,
            for a fixed source_address and for a dynamic interface (C(ppp*), C(pppoe*), C(sstpc*), C(l2tp*), C(ipoe*)),
            which VyOS refuses as a source-interface: the tunnel stays at C(0.0.0.0).'
      key:
        type: int
        description:
          - GRE key (0-4294967295), the same on every router of the DMVPN.
      description:
        type: str
        description:
          - Interface description.
          - 'No double quote or backslash: VyOS does not print them back as stored.'
      mtu:
        type: int
        description:
          - Interface MTU (VyOS's default is 1476). Recommended with IPsec - C(1400) (the VyOS DMVPN documentation's
            value). Unset - not rendered.
      adjust_mss:
        type: raw
        description:
          - TCP MSS clamping on the tunnel (C(ip adjust-mss)) - a number from 536 to 65535 or C(clamp-mss-to-pmtu).
            Recommended - C(1360) with an MTU of C(1400). Unset - not rendered (off by default).
          - At most the MTU (or VyOS's default 1476) less 40. VyOS 1.4 and later only; refused on 1.2/1.3, which
            clamp only under C(firewall options).
      multicast:
        type: bool
        description:
          - Enable multicast on the tunnel (needed for routing protocols). Default true.
'''

    NHRP = r'''
options:
  config:
    type: list
    description:
      - NHRP per tunnel. For O(state=deleted) only O(config[].tunnel) is needed.
    elements: dict
    suboptions:
      tunnel:
        type: str
        description:
          - The tunnel interface, C(tunN).
        required: true
      tunnel_address:
        type: str
        description:
          - The tunnel's address with the DMVPN prefix (C(10.0.0.2/24)). Default is the address the tunnel has on
            the router; needed for O(state=rendered).
      role:
        type: str
        description:
          - C(hub) answers registrations; C(spoke) registers with every next hop server (C(nhs)).
        choices:
          - hub
          - spoke
      authentication:
        type: str
        description:
          - The NHRP authentication key (1-8 characters), the same on every router. C(cisco-authentication) up to
            1.4, C(authentication) on 1.5. Never logged.
      holding_time:
        type: int
        description:
          - NHRP holding time in seconds (C(holding-time), C(holdtime) on 1.5).
      network_id:
        type: int
        description:
          - NHRP network id, 1 to 4294967295. VyOS 1.5 (FRR nhrpd) renders it, 1 when not given.
          - VyOS 1.2-1.4 (opennhrp) have no network id; there it is checked and left out, so one value fits a DMVPN
            of mixed versions.
      redirect:
        type: bool
        description:
          - Send NHRP redirects (hubs) / accept them. Default true.
      shortcut:
        type: bool
        description:
          - Create spoke-to-spoke shortcuts. Default true on spokes, false on hubs.
      nhs:
        type: list
        description:
          - The hubs a spoke registers with, one entry per hub. Rendered as C(map <hub-tunnel-ip>/<len> nbma-address
            ...) + C(register) up to 1.4 and as C(nhs tunnel-ip ... nbma ...) on 1.5.
        elements: dict
        suboptions:
          tunnel_ip:
            type: str
            description:
              - The hub's tunnel address.
            required: true
          nbma:
            type: str
            description:
              - The hub's public (NBMA) address.
            required: true
      maps:
        type: list
        description:
          - 'Static mappings that do not register: peers reached by their public address without an NHS (a hub -
            every other hub, which it could not resolve otherwise).'
          - Rendered as C(map <tunnel-ip>/32 nbma-address ...) without C(register) up to 1.4 and as C(map tunnel-ip
            ... nbma ...) on 1.5.
        elements: dict
        suboptions:
          tunnel_ip:
            type: str
            description:
              - The peer's tunnel address.
            required: true
          nbma:
            type: str
            description:
              - The peer's public (NBMA) address.
            required: true
'''

    IPSEC = r'''
options:
  config:
    type: dict
    description:
      - The IPsec configuration. For O(state=deleted) only the names are needed.
    suboptions:
      interface:
        type: list
        description:
          - Interfaces IPsec runs on (usually the WAN).
        elements: str
      ike_group:
        type: list
        description:
          - IKE groups.
        elements: dict
        suboptions:
          name:
            type: str
            description:
              - Group name.
            required: true
          key_exchange:
            type: str
            description:
              - IKE version.
            choices:
              - ikev1
              - ikev2
          lifetime:
            type: int
            description:
              - SA lifetime in seconds (30-86400).
          proposal:
            type: list
            description:
              - Proposals, in order.
            elements: dict
            suboptions:
              proposal_id:
                type: int
                description:
                  - Proposal number (1-65535).
                required: true
              encryption:
                type: str
                description:
                  - Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list).
              hash:
                type: str
                description:
                  - Hash algorithm, e.g. C(sha1), C(sha256).
              dh_group:
                type: raw
                description:
                  - Diffie-Hellman group, e.g. C(14) (IKE only).
          dead_peer_detection:
            type: dict
            description:
              - Dead peer detection (C(dead-peer-detection)); at least one key. VyOS fills the others with its defaults.
            suboptions:
              action:
                type: str
                description:
                  - What to do with the SAs of a peer that stopped answering.
                  - VyOS 1.2/1.3 take C(hold), C(clear), C(restart); 1.4 C(trap), C(clear), C(restart) (C(hold)
                    is written as C(trap), as VyOS's own 1.3 to 1.4 migration does); 1.5 only C(clear), the action
                    its DMVPN connection always uses.
              interval:
                type: int
                description:
                  - Seconds between keep-alives (2-86400; VyOS's default 30).
              timeout:
                type: int
                description:
                  - Seconds without an answer before the peer is dead (2-86400; VyOS's default 120; IKEv1).
          close_action:
            type: str
            description:
              - C(close-action). No VyOS version's DMVPN connection reads it (1.5 forces C(none)), so it is refused
                on every version rather than stored without effect.
          ikev2_reauth:
            type: bool
            description:
              - Re-authenticate the peer at each IKE rekey (C(ikev2-reauth yes) on 1.2/1.3).
              - Refused on versions whose DMVPN connection never uses it (see the table of options per version in
                docs/vyos-versions.md).
          disable_mobike:
            type: bool
            description:
              - Turn MOBIKE off (C(mobike disable) on 1.2/1.3).
              - Refused on versions whose DMVPN connection never uses it (see the table of options per version in
                docs/vyos-versions.md).
      esp_group:
        type: list
        description:
          - ESP groups.
        elements: dict
        suboptions:
          name:
            type: str
            description:
              - Group name.
            required: true
          lifetime:
            type: int
            description:
              - SA lifetime in seconds (30-86400).
          mode:
            type: str
            description:
              - ESP mode.
            choices:
              - tunnel
              - transport
          pfs:
            type: str
            description:
              - Perfect forward secrecy, e.g. C(enable), C(dh-group2), C(dh-group14).
          proposal:
            type: list
            description:
              - Proposals, in order.
            elements: dict
            suboptions:
              proposal_id:
                type: int
                description:
                  - Proposal number (1-65535).
                required: true
              encryption:
                type: str
                description:
                  - Encryption algorithm, e.g. C(aes256) (the model checks it against the version's list).
              hash:
                type: str
                description:
                  - Hash algorithm, e.g. C(sha1), C(sha256).
          compression:
            type: bool
            description:
              - IPComp compression (C(compression enable) on 1.2/1.3).
              - Refused on versions whose DMVPN connection never uses it (see the table of options per version in
                docs/vyos-versions.md).
          life_bytes:
            type: int
            description:
              - 'C(life-bytes) (VyOS 1.4+). No version''s DMVPN connection reads it: refused.'
          life_packets:
            type: int
            description:
              - 'C(life-packets) (VyOS 1.4+). No version''s DMVPN connection reads it: refused.'
      profile:
        type: list
        description:
          - Profiles binding tunnels.
        elements: dict
        suboptions:
          name:
            type: str
            description:
              - Profile name (starts with a letter).
            required: true
          authentication:
            type: dict
            description:
              - Authentication.
            suboptions:
              mode:
                type: str
                description:
                  - Only C(pre-shared-secret).
                choices:
                  - pre-shared-secret
                default: pre-shared-secret
              pre_shared_secret:
                type: str
                description:
                  - The pre-shared key, the same on every router. Never logged.
          bind_tunnel:
            type: list
            description:
              - Tunnels this profile protects.
            elements: str
          esp_group:
            type: str
            description:
              - The ESP group's name.
          ike_group:
            type: str
            description:
              - The IKE group's name.
'''

    UNDERLAY = r'''
options:
  config:
    type: dict
    description:
      - 'The router''s host name and the addresses of its ethernet interfaces (the underlay the DMVPN runs over):
        what the roles set with C(dmvpn_manage_underlay). Only O(state=merged) changes the router - it adds the
        addresses and sets the host name and deletes nothing (a wrong state could cut off the management address);
        O(state=gathered), O(state=rendered) and O(state=parsed) read or render them.'
    suboptions:
      hostname:
        type: str
        description:
          - 'The host name (C(system host-name)): letters, digits, C(-) and C(.), 1 to 63 characters.'
      interfaces:
        type: list
        description:
          - Ethernet interfaces and the addresses they get.
        elements: dict
        suboptions:
          name:
            type: str
            description:
              - The interface, C(ethN).
            required: true
          address:
            type: list
            description:
              - IPv4 addresses with prefix length (C(192.0.2.1/24)) or C(dhcp).
            elements: str
            required: true
'''
