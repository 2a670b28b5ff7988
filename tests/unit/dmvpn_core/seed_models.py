"""The guide's three routers (hub, spoke1, spoke2) as endpoint models, for the core's tests."""

import copy


def ipsec(role):
    suffix = role.upper()
    return {
        "interface": "eth0",
        "ike_group": {"name": "IKE-" + suffix, "lifetime": 3600, "proposal": [
            {"proposal_id": 1, "encryption": "aes256", "hash": "sha1"},
            {"proposal_id": 2, "encryption": "aes128", "hash": "sha1"}]},
        "esp_group": {"name": "ESP-" + suffix, "lifetime": 1800, "pfs": "dh-group2", "proposal": [
            {"proposal_id": 1, "encryption": "aes256", "hash": "sha1"},
            {"proposal_id": 2, "encryption": "3des", "hash": "md5"}]},
        "profile": {"name": "NHRPVPN", "pre_shared_secret": "SECRET"},
    }


def spoke_model(number, routes):
    return {
        "tunnel": {"name": "tun0", "address": "10.0.0.%d/24" % number, "source_address": "0.0.0.0", "key": 1},
        "nhrp": {"role": "spoke", "authentication": "SECRET",
                 "nhs": [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]},
        "ipsec": ipsec("spoke"),
        "static_routes": [{"prefix": prefix, "next_hop": hop} for prefix, hop in routes],
    }


# The guide's three routers as endpoint models.
MODELS = {
    "hub": {
        "tunnel": {"name": "tun0", "address": "10.0.0.1/24", "source_address": "198.51.100.41", "key": 1},
        "nhrp": {"role": "hub", "authentication": "SECRET", "holding_time": 300},
        "ipsec": ipsec("hub"),
        "static_routes": [
            {"prefix": "0.0.0.0/0", "next_hop": "1.1.1.2"},
            {"prefix": "192.168.2.0/24", "next_hop": "10.0.0.2"},
            {"prefix": "192.168.3.0/24", "next_hop": "10.0.0.3"},
        ],
    },
    "spoke1": spoke_model(2, [("192.168.1.0/24", "10.0.0.1"), ("192.168.3.0/24", "10.0.0.3")]),
    "spoke2": spoke_model(3, [("192.168.1.0/24", "10.0.0.1"), ("192.168.2.0/24", "10.0.0.2")]),
}


def model(name):
    return copy.deepcopy(MODELS[name])
