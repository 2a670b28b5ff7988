#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: underlay
short_description: Host name and ethernet addresses of a VyOS router (merged only)
version_added: 0.1.0
description:
  - Sets the host name (C(system host-name)) and adds addresses to ethernet interfaces
    (C(interfaces ethernet ethN address)) in one commit, for VyOS 1.2 to 1.5. The roles use it
    for C(dmvpn_manage_underlay).
  - It does what vyos.vyos's C(vyos_hostname) and C(vyos_l3_interfaces) do with O(state=merged),
    without their C([DEPRECATION WARNING]) (C(Passing warnings to exit_json)) on ansible-core 2.19
    and later; every warning it has goes through Ansible's own warning channel.
  - "Ownership: nothing. O(state=merged) sets the host name and adds the addresses that are
    missing; it never deletes an address (a replaced list could cut off the address Ansible
    reaches the router on). O(state=replaced), O(state=overridden) and O(state=deleted) are refused:
    remove addresses with C(vyos.vyos.vyos_config) or C(vyos.vyos.vyos_l3_interfaces)."
author:
  - dmvpn.vyos contributors (@dmvpn-vyos)
extends_documentation_fragment:
  - dmvpn.vyos.common
  - dmvpn.vyos.config.underlay
"""

EXAMPLES = r"""
- name: Host name, WAN and LAN addresses
  dmvpn.vyos.underlay:
    config:
      hostname: SPOKE1
      interfaces:
        - {name: eth0, address: [dhcp]}
        - {name: eth1, address: [192.168.2.1/24]}
    state: merged
"""

RETURN = r"""
commands:
  description: The C(set) lines sent.
  returned: when the state talks to a router
  type: list
  elements: str
  sample: ["set system host-name 'SPOKE1'"]
before:
  description: The host name and the named interfaces' addresses before.
  returned: when the state talks to a router
  type: dict
after:
  description: The same after (or as they would be, in check mode).
  returned: when the state talks to a router
  type: dict
version:
  description: The VyOS version family used.
  returned: when the state talks to a router
  type: str
gathered:
  description: The host name and every ethernet interface's addresses on the router.
  returned: when O(state=gathered)
  type: dict
rendered:
  description: The C(set) lines for O(config).
  returned: when O(state=rendered)
  type: list
  elements: str
parsed:
  description: The host name and ethernet addresses in O(running_config).
  returned: when O(state=parsed)
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.underlay import UNDERLAY
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import UNDERLAY_ARGUMENT_SPEC
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import resource_module_main


def main():
    resource_module_main(AnsibleModule, UNDERLAY_ARGUMENT_SPEC, UNDERLAY, config_required_for=("merged",))


if __name__ == "__main__":
    main()
