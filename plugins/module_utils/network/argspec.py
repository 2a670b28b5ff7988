# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the dmvpn.vyos modules (one place; the modules' DOCUMENTATION matches)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import COMMON_ARGUMENT_SPEC


def _with_common(config):
    spec = dict(COMMON_ARGUMENT_SPEC)
    spec["config"] = config
    return spec


TUNNEL_OPTIONS = dict(
    name=dict(type="str", required=True),
    address=dict(type="str"),
    source_address=dict(type="str"),
    source_interface=dict(type="str"),
    key=dict(type="int", no_log=False),
    description=dict(type="str"),
    mtu=dict(type="int"),
    multicast=dict(type="bool"),
)

NHS_OPTIONS = dict(tunnel_ip=dict(type="str", required=True), nbma=dict(type="str", required=True))

NHRP_OPTIONS = dict(
    role=dict(type="str", choices=["hub", "spoke"]),
    authentication=dict(type="str", no_log=True),
    holding_time=dict(type="int"),
    network_id=dict(type="int"),
    redirect=dict(type="bool"),
    shortcut=dict(type="bool"),
    nhs=dict(type="list", elements="dict", options=NHS_OPTIONS),
)

IKE_PROPOSAL = dict(proposal_id=dict(type="int", required=True), encryption=dict(type="str"), hash=dict(type="str"),
                    dh_group=dict(type="raw"))
ESP_PROPOSAL = dict(proposal_id=dict(type="int", required=True), encryption=dict(type="str"), hash=dict(type="str"))
IKE_GROUP = dict(name=dict(type="str", required=True), key_exchange=dict(type="str", choices=["ikev1", "ikev2"]),
                 lifetime=dict(type="int"), proposal=dict(type="list", elements="dict", options=IKE_PROPOSAL))
ESP_GROUP = dict(name=dict(type="str", required=True), lifetime=dict(type="int"),
                 mode=dict(type="str", choices=["tunnel", "transport"]), pfs=dict(type="str"),
                 proposal=dict(type="list", elements="dict", options=ESP_PROPOSAL))

DMVPN_ARGUMENT_SPEC = _with_common(dict(
    type="dict",
    options=dict(
        tunnel=dict(type="dict", options=TUNNEL_OPTIONS),
        nhrp=dict(type="dict", options=NHRP_OPTIONS),
        ipsec=dict(type="dict", options=dict(
            interface=dict(type="str"),
            ike_group=dict(type="dict", options=IKE_GROUP),
            esp_group=dict(type="dict", options=ESP_GROUP),
            profile=dict(type="dict", options=dict(
                name=dict(type="str", required=True),
                pre_shared_secret=dict(type="str", no_log=True),
            )),
        )),
        static_routes=dict(type="list", elements="dict", options=dict(
            prefix=dict(type="str", required=True),
            next_hop=dict(type="str", required=True),
            distance=dict(type="int"),
        )),
        bgp=dict(type="dict", options=dict(
            asn=dict(type="int", required=True),
            router_id=dict(type="str"),
            peer_group=dict(type="dict", options=dict(
                name=dict(type="str", required=True),
                remote_as=dict(type="str"),
                route_reflector_client=dict(type="bool"),
                next_hop_unchanged=dict(type="bool"),
            )),
            listen_ranges=dict(type="list", elements="str"),
            dynamic_neighbors=dict(type="list", elements="dict", options=dict(
                address=dict(type="str", required=True),
                remote_as=dict(type="str", required=True),
            )),
            neighbors=dict(type="list", elements="dict", options=dict(
                address=dict(type="str", required=True),
                remote_as=dict(type="str"),
            )),
            networks=dict(type="list", elements="str"),
            keepalive=dict(type="int"),
            holdtime=dict(type="int"),
        )),
    ),
))

TUNNEL_ARGUMENT_SPEC = _with_common(dict(type="list", elements="dict", options=TUNNEL_OPTIONS))

NHRP_ARGUMENT_SPEC = _with_common(dict(type="list", elements="dict", options=dict(
    tunnel=dict(type="str", required=True),
    tunnel_address=dict(type="str"),
    **NHRP_OPTIONS
)))

IPSEC_ARGUMENT_SPEC = _with_common(dict(type="dict", options=dict(
    interface=dict(type="list", elements="str"),
    ike_group=dict(type="list", elements="dict", options=IKE_GROUP),
    esp_group=dict(type="list", elements="dict", options=ESP_GROUP),
    profile=dict(type="list", elements="dict", options=dict(
        name=dict(type="str", required=True),
        authentication=dict(type="dict", options=dict(
            mode=dict(type="str", choices=["pre-shared-secret"], default="pre-shared-secret"),
            pre_shared_secret=dict(type="str", no_log=True),
        )),
        bind_tunnel=dict(type="list", elements="str"),
        esp_group=dict(type="str"),
        ike_group=dict(type="str"),
    )),
)))
