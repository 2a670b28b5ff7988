#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dmvpn_status
short_description: Read the DMVPN state of a VyOS router (NHRP peers, IPsec SAs, BGP sessions)
version_added: 0.1.0
description:
  - Runs the version's show commands (C(show nhrp tunnel) up to 1.4, C(show ip nhrp cache) on 1.5,
    C(show vpn ipsec sa), with O(bgp) C(show ip bgp summary), with O(bgp) or O(routes)
    C(show ip route)) and returns them parsed. Optionally pings addresses first (from
    O(ping_source)), so that spoke-to-spoke shortcuts get a chance to form and LAN-to-LAN
    reachability is tested.
  - Changes nothing on the router. C(playbooks/verify.yml) compares the result with the
    design (filter C(dmvpn.vyos.dmvpn_verify_report)).
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
options:
  version:
    description: VyOS version family (C(auto) reads C(show version)).
    type: str
    default: auto
  ping:
    description: Addresses to ping (twice each) before reading the state.
    type: list
    elements: str
    default: []
  ping_source:
    description:
      - The address the pings leave from (C(ping ADDRESS count 2 source-address ping_source)), an address
        of the router, e.g. its LAN address. Unset, the router picks (the outgoing interface's address).
    type: str
  bgp:
    description: Also read the BGP sessions and the routes learned from BGP (DMVPNs with dmvpn_routing bgp).
    type: bool
    default: false
  routes:
    description:
      - Also read the routing table (C(show ip route)). Verify looks there for a hub's route back to a
        spoke's LAN when that spoke's ping fails.
    type: bool
    default: false
notes:
  - Connects with C(ansible.netcommon.network_cli) and C(ansible_network_os=vyos.vyos.vyos).
"""

EXAMPLES = r"""
- name: Read the DMVPN state after pinging another spoke's LAN
  dmvpn.vyos.dmvpn_status:
    ping: [192.168.3.1]
  register: dmvpn_observed

- name: The same from the spoke's LAN, with the routing table
  dmvpn.vyos.dmvpn_status:
    ping: [192.168.3.1]
    ping_source: 192.168.2.1
    routes: true
  register: dmvpn_observed

- name: The same with BGP over the tunnel
  dmvpn.vyos.dmvpn_status:
    bgp: true
  register: dmvpn_observed
"""

RETURN = r"""
version:
  description: The VyOS version family.
  returned: always
  type: str
nhrp:
  description: NHRP entries (interface, type, protocol address, NBMA address, up).
  returned: always
  type: list
  elements: dict
ipsec_sa:
  description: IPsec SAs (connection, state, remote address, scope), read the way the version prints
    them; scope C(connection) where the version lists one row per connection (1.2, 1.3), C(sa) where it
    lists one per SA (1.4, 1.5).
  returned: always
  type: list
  elements: dict
ping:
  description: For each pinged address, whether replies came back.
  returned: always
  type: dict
ping_source:
  description: The O(ping_source) the pings left from (null when the router picked).
  returned: always
  type: str
routes:
  description: The routing table's IPv4 routes (code, prefix, selected, via, interface).
  returned: when O(routes=true)
  type: list
  elements: dict
bgp:
  description: BGP neighbors (neighbor, dynamic, asn, established, prefixes, state).
  returned: when O(bgp=true)
  type: list
  elements: dict
bgp_routes:
  description: Prefixes of the routing table learned from BGP.
  returned: when O(bgp=true)
  type: list
  elements: str
"""

import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.connection import Connection, ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import status
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import normalize_version

_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}\Z")


def main():
    module = AnsibleModule(
        argument_spec=dict(version=dict(type="str", default="auto"),
                           ping=dict(type="list", elements="str", default=[]),
                           ping_source=dict(type="str"),
                           bgp=dict(type="bool", default=False),
                           routes=dict(type="bool", default=False)),
        supports_check_mode=True,
    )
    source = module.params["ping_source"]
    bad = [p for p in module.params["ping"] + ([source] if source is not None else []) if not _IPV4.match(p)]
    if bad:
        module.fail_json(msg="ping: %s is not an IPv4 address" % ", ".join(repr(b) for b in bad))
    conn = Connection(module._socket_path)
    try:
        version = module.params["version"]
        if version in (None, "", "auto"):
            info = conn.get_device_info()
            version = info.get("network_os_major_version") or info.get("network_os_version")
        version = normalize_version(version)
        pings = {}
        # vyos-1x src/op_mode/ping.py (equuleus a79b59070): source-address runs ping -I ADDRESS
        suffix = " source-address %s" % source if source is not None else ""
        for target in module.params["ping"]:
            out = conn.get(command="ping %s count 2%s" % (target, suffix))
            pings[target] = bool(re.search(r"\b[1-9]\d* received", out))
        nhrp = status.parse_nhrp(conn.get(command=status.nhrp_command(version)), version)
        sas = status.parse_ipsec_sa(conn.get(command=status.IPSEC_SA_COMMAND), version)
        result = dict(changed=False, version=version, nhrp=nhrp, ipsec_sa=sas, ping=pings, ping_source=source)
        if module.params["bgp"]:
            result["bgp"] = status.parse_bgp_summary(conn.get(command=status.BGP_SUMMARY_COMMAND))
        table = conn.get(command=status.ROUTE_COMMAND) if module.params["bgp"] or module.params["routes"] else None
        if module.params["bgp"]:
            result["bgp_routes"] = status.parse_routes(table)
        if module.params["routes"]:
            result["routes"] = status.parse_route_table(table)
    except (ConnectionError, ValueError) as exc:
        module.fail_json(msg="could not read the DMVPN state: %s" % exc)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
