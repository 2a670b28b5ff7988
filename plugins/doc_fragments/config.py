# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.spec import doc_fragment


class ModuleDocFragment(object):
    """The config option of each resource module, from the one input spec
    (module_utils/dmvpn_core/spec_options.py): the modules' argument specs come from the same
    data, so the documentation cannot drift from what the modules accept."""

    DMVPN = doc_fragment("dmvpn")
    TUNNEL = doc_fragment("tunnel")
    NHRP = doc_fragment("nhrp")
    IPSEC = doc_fragment("ipsec")
