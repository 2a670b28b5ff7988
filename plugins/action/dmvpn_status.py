# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of dmvpn.vyos.dmvpn_status: dmvpn.vyos.dmvpn's, without the read after a lost
commit (the status module commits nothing, and takes no key option)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.action.dmvpn import ActionModule as DmvpnActionModule


class ActionModule(DmvpnActionModule):
    _rereads = False
