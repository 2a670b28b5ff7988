# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Name patterns: the names VyOS accepts for what an endpoint or an inventory names (tunnel
and other interfaces, IKE/ESP groups, IPsec profiles, host names).

Pure Python, no Ansible imports. The same in every supported VyOS version (what differs
between versions, such as BGP peer group names, is in ``versions.Syntax``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

TUNNEL_NAME_RE = re.compile(r"^tun[0-9]+\Z")
INTERFACE_NAME_RE = re.compile(
    r"^(?:(?:eth|bond|br|pppoe|wg|vtun|dum|wlan|wwan)[0-9]+(?:\.[0-9]{1,4})?|lo)\Z"
)
# the underlay sets ethernet addresses only (interfaces ethernet ethN address: dmvpn_core/underlay.py)
ETHERNET_RE = re.compile(r"^eth[0-9]+\Z")
GROUP_NAME_RE = re.compile(r"^[-_a-zA-Z0-9.]{1,64}\Z")
PROFILE_NAME_RE = re.compile(r"^[a-zA-Z][-_a-zA-Z0-9]{1,63}\Z")
HOST_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[-.A-Za-z0-9]{0,61}[A-Za-z0-9])?\Z")
