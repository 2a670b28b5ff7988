# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the dmvpn.vyos resource modules, built from the one input spec
(dmvpn_core/spec_options.py) that their doc fragments (doc_fragments/config.py) come from."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.spec import module_argument_spec

DMVPN_ARGUMENT_SPEC = module_argument_spec("dmvpn")
TUNNEL_ARGUMENT_SPEC = module_argument_spec("tunnel")
NHRP_ARGUMENT_SPEC = module_argument_spec("nhrp")
IPSEC_ARGUMENT_SPEC = module_argument_spec("ipsec")
UNDERLAY_ARGUMENT_SPEC = module_argument_spec("underlay")
