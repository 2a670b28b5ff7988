"""dmvpn.vyos.tunnel, .nhrp and .ipsec: every state against the emulated lab."""

import pytest

pytestmark = pytest.mark.lab

IPSEC = {
    "interface": ["eth0"],
    "ike_group": [{"name": "IKE-DMVPN", "lifetime": 3600,
                   "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha1"}]}],
    "esp_group": [{"name": "ESP-DMVPN", "lifetime": 1800, "pfs": "dh-group2",
                   "proposal": [{"proposal_id": 1, "encryption": "aes256", "hash": "sha1"}]}],
    "profile": [{"name": "NHRPVPN", "authentication": {"pre_shared_secret": "Psk.Resource-1"},
                 "bind_tunnel": ["tun0"], "esp_group": "ESP-DMVPN", "ike_group": "IKE-DMVPN"}],
}
# (source_interface: the WAN a tunnel from 0.0.0.0 is bound to on 1.5; ignored before)
TUNNELS = [{"name": "tun0", "address": "10.0.0.2/24", "source_address": "0.0.0.0", "source_interface": "eth0", "key": 1}]
NHRP = [{"tunnel": "tun0", "role": "spoke", "authentication": "Nh.Res1",
         "nhs": [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}]}]


def play(tasks, hosts="R1"):
    return [{"hosts": hosts, "gather_facts": False, "tasks": tasks}]


def step(name, module, **args):
    return {"name": name, "dmvpn.vyos." + module: args}


@pytest.mark.long
def test_tunnel_nhrp_ipsec_merged_idempotent_gathered(lab, playbook):
    """One router per VyOS version, one play over all of them."""
    hosts = {"R" + version.replace(".", ""): version for version in ("1.2", "1.3", "1.4", "1.5")}
    handle = lab(hosts)
    run = playbook(play([
        step("tunnel", "tunnel", config=TUNNELS, state="merged"),
        step("nhrp", "nhrp", config=NHRP, state="merged"),
        step("ipsec", "ipsec", config=IPSEC, state="merged"),
        step("tunnel again", "tunnel", config=TUNNELS, state="replaced"),
        step("nhrp again", "nhrp", config=NHRP, state="replaced"),
        step("ipsec again", "ipsec", config=IPSEC, state="replaced"),
        step("gather tunnels", "tunnel", state="gathered"),
        step("gather nhrp", "nhrp", state="gathered"),
        step("gather ipsec", "ipsec", state="gathered"),
    ], hosts="all"), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    for host in hosts:
        for name in ("tunnel", "nhrp", "ipsec"):
            assert run.result(host, name)["changed"] is True, (host, name)
            assert run.result(host, name + " again")["changed"] is False, (host, name)
        assert handle.counters(host)["commits"] == 3, host
        tunnels = run.result(host, "gather tunnels")["gathered"]
        assert tunnels[0]["name"] == "tun0" and tunnels[0]["key"] == 1 and tunnels[0]["multicast"] is True, host
        nhrp = run.result(host, "gather nhrp")["gathered"]
        assert nhrp[0]["role"] == "spoke" and nhrp[0]["authentication"] == "********", host
        assert nhrp[0]["nhs"] == [{"tunnel_ip": "10.0.0.1", "nbma": "198.51.100.41"}], host
        ipsec = run.result(host, "gather ipsec")["gathered"]
        assert ipsec["profile"][0]["authentication"]["pre_shared_secret"] == "********", host
        assert ipsec["profile"][0]["bind_tunnel"] == ["tun0"], host
    assert "Psk.Resource-1" not in run.stdout and "Nh.Res1" not in run.stdout


def test_resource_overridden_and_deleted_respect_ownership(lab, playbook):
    handle = lab({"R1": "1.4"})
    handle.load("R1", handle.running("R1") + [
        "set interfaces tunnel tun1 address 10.9.0.1/24", "set interfaces tunnel tun1 encapsulation gre",
        "set interfaces tunnel tun1 source-address 192.0.2.1", "set interfaces tunnel tun1 parameters ip key 9",
        "set interfaces tunnel tun7 address 172.31.0.1/30", "set interfaces tunnel tun7 encapsulation gre",
        "set interfaces tunnel tun7 remote 192.0.2.99", "set interfaces tunnel tun7 source-address 192.0.2.1",
    ])
    run = playbook(play([
        step("tunnels", "tunnel", config=TUNNELS, state="overridden"),
        step("delete", "tunnel", config=[{"name": "tun0"}], state="deleted"),
    ]), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    assert "delete interfaces tunnel tun1" in run.result("R1", "tunnels")["commands"]
    running = "\n".join(handle.running("R1"))
    assert "tun1" not in running and "tun0" not in running
    assert "set interfaces tunnel tun7 remote '192.0.2.99'" in running  # point-to-point: not ours


def test_resource_rendered_and_parsed_need_no_router(lab, playbook):
    handle = lab({"R1": "1.4"})
    run = playbook(play([
        step("render", "ipsec", config=IPSEC, state="rendered", version="1.2"),
        step("render nhrp", "nhrp", config=[dict(NHRP[0], tunnel_address="10.0.0.2/24")], state="rendered",
             version="1.3"),
        step("parse", "tunnel", state="parsed", version="1.4",
             running_config="set interfaces tunnel tun0 address '10.0.0.2/24'\n"
                            "set interfaces tunnel tun0 encapsulation 'gre'\n"
                            "set interfaces tunnel tun0 source-address '0.0.0.0'\n"
                            "set interfaces tunnel tun0 enable-multicast\n"),
    ]), handle.inventory())
    assert run.rc == 0, run.stdout[-3000:]
    rendered = run.result("R1", "render")["rendered"]
    assert "set vpn ipsec ipsec-interfaces interface 'eth0'" in rendered
    assert "set vpn ipsec profile NHRPVPN authentication pre-shared-secret '********'" in rendered
    assert "set protocols nhrp tunnel tun0 map 10.0.0.1/24 register" in run.result("R1", "render nhrp")["rendered"]
    parsed = run.result("R1", "parse")["parsed"]
    assert parsed == [{"name": "tun0", "address": "10.0.0.2/24", "source_address": "0.0.0.0", "source_interface": None,
                       "key": None,
                       "description": None, "mtu": None, "multicast": True, "adjust_mss": None}]
    assert handle.counters("R1")["logins"] == 0


def test_nhrp_needs_the_tunnel_first(lab, playbook):
    handle = lab({"R1": "1.4"})
    run = playbook(play([step("nhrp", "nhrp", config=NHRP, state="merged")]), handle.inventory())
    assert run.rc != 0
    assert "config[0].tunnel_address" in run.result("R1", "nhrp")["msg"]
    assert handle.counters("R1")["config_sessions"] == 0
