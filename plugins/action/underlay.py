# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of dmvpn.vyos.underlay: the same as dmvpn.vyos.dmvpn's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.action.dmvpn import ActionModule  # noqa: F401 pylint: disable=unused-import
