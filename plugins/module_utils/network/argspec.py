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

# The modules' cross-option rules (AnsibleModule arguments), here so that the fleet engine
# checks its per-router arguments with exactly the rules the modules apply (fleet_runner.py).
_CHANGING = ("merged", "replaced", "overridden", "deleted")


def resource_rules(config_required_for=("merged", "replaced")):
    """required_if of a single-resource module (tunnel, nhrp, ipsec, underlay)."""
    required_if = [("state", "parsed", ["running_config"]), ("state", "rendered", ["config"])]
    return {"required_if": required_if + [("state", state, ["config"]) for state in config_required_for]}


DMVPN_RULES = {
    "mutually_exclusive": [("config", "endpoints")],
    "required_if": [("state", "parsed", ["running_config"]), ("state", "rendered", ["config", "endpoints"], True)]
    + [("state", state, ["config", "endpoints"], True) for state in _CHANGING],
}
UNDERLAY_RULES = resource_rules(("merged",))


def dmvpn_resource(params):
    """The resource of the dmvpn module for ``params``: several clouds' endpoints become one
    resource config for the runner (one read, one commit); ``params`` is updated in place."""
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.clouds_resource import CLOUDS
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.resources import DMVPN

    if params.get("endpoints") is not None:
        params["config"] = {"endpoints": params["endpoints"], "absent_tunnels": params.get("absent_tunnels") or []}
        return CLOUDS
    return DMVPN
