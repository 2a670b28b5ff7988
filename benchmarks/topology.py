"""Write a lab inventory with one hub and N spokes (the guide's settings), for benchmarks.

    .venv/bin/python benchmarks/topology.py DEST --spokes 50 [--version 1.4] [--base-port 2500]

DEST gets hosts.yml, host_vars/ and group_vars/ (the lab inventory's group_vars, so the same
proposals). Spoke i has tunnel address 10.0.<i/250>.<i%250+2>/16 and LAN
172.<16+i/256>.<i%256>.0/24, within 10.0.0.0/16 so up to 60,000 spokes fit.
group_vars/dmvpn/zz-benchmark.yml overrides the lab settings: /16 tunnel subnet, no underlay,
plain benchmark-only secrets (so the benchmark scripts can read them without the vault).
"""

import argparse
import os
import shutil

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spoke_name(index):
    return "S%04d" % index


def spoke_port(index, base_port=2500):
    """The lab port of spoke ``index`` (the hub listens on ``base_port``)."""
    return base_port + 1 + index


def routers(spokes, base_port=2500):
    """[(name, port)] of the hub and spokes 0 .. spokes-1, in that order."""
    return [("HUB", base_port)] + [(spoke_name(i), spoke_port(i, base_port)) for i in range(spokes)]


# Benchmark-only values, not secrets of any network (the lab's vault stays untouched).
BENCHMARK_NHRP_SECRET = "bnchNHRP"
BENCHMARK_PSK = "benchmark-psk-0"


def write(dest, spokes, version="1.4", base_port=2500, extra_spokes=0, routing="full_mesh", ports=None):
    """Create the inventory; ``extra_spokes`` more spokes get ports but stay out of it (to add later).
    ``ports`` ({host: port}) overrides the ports counted from ``base_port``."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(os.path.join(REPO, "inventories", "lab", "group_vars"), os.path.join(dest, "group_vars"))
    os.makedirs(os.path.join(dest, "host_vars"))
    settings = {"dmvpn_tunnel_subnet": "10.0.0.0/16", "lab_vyos_version": version, "dmvpn_routing": routing,
                "dmvpn_summary_prefixes": ["172.16.0.0/12"], "dmvpn_manage_underlay": False,
                "dmvpn_vyos_version": version, "dmvpn_verify_shortcuts": False,
                "dmvpn_nhrp_secret": BENCHMARK_NHRP_SECRET, "dmvpn_ipsec_psk": BENCHMARK_PSK}
    write_settings(dest, settings)
    ports = ports or {}
    hosts = {"HUB": {"ansible_port": ports.get("HUB", base_port)}}
    write_host(dest, "HUB", {"dmvpn_tunnel_address": "10.0.0.1", "dmvpn_public_address": "198.51.100.41",
                             "dmvpn_lan_prefixes": ["192.168.1.0/24"], "dmvpn_upstream_gateway": "198.51.100.42"})
    spoke_hosts = {}
    for index in range(spokes + extra_spokes):
        name = spoke_name(index)
        write_host(dest, name, spoke_vars(index))
        if index < spokes:
            spoke_hosts[name] = {"ansible_port": ports.get(name, spoke_port(index, base_port))}
    inventory = {"all": {"children": {"dmvpn": {"children": {
        "dmvpn_hubs": {"hosts": hosts}, "dmvpn_spokes": {"hosts": spoke_hosts}}}}}}
    with open(os.path.join(dest, "hosts.yml"), "w") as out:
        yaml.safe_dump(inventory, out)
    return dest


def spoke_vars(index):
    return {"dmvpn_tunnel_address": "10.0.%d.%d" % (index // 250, index % 250 + 2), "dmvpn_public_address": "dhcp",
            "dmvpn_lan_prefixes": ["172.%d.%d.0/24" % (16 + index // 256, index % 256)]}


def write_host(dest, name, host_vars):
    with open(os.path.join(dest, "host_vars", name + ".yml"), "w") as out:
        yaml.safe_dump(host_vars, out)


def _settings_path(dest):
    return os.path.join(dest, "group_vars", "dmvpn", "zz-benchmark.yml")


def write_settings(dest, settings):
    with open(_settings_path(dest), "w") as out:
        yaml.safe_dump(settings, out)


def set_psk(dest, psk):
    """Change the IPsec pre-shared key of the whole DMVPN."""
    with open(_settings_path(dest)) as handle:
        settings = yaml.safe_load(handle)
    settings["dmvpn_ipsec_psk"] = psk
    write_settings(dest, settings)


def _load(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def hosts_table(dest):
    """{host: merged variables} of the inventory's routers (group_vars in Ansible's order, then
    host_vars), without the vault file: what the design needs, for scripts that bypass Ansible."""
    group_dir = os.path.join(dest, "group_vars")
    common = {}
    for name in sorted(os.listdir(os.path.join(group_dir, "dmvpn"))):
        if name != "vault.yml":
            common.update(_load(os.path.join(group_dir, "dmvpn", name)))
    groups = _load(os.path.join(dest, "hosts.yml"))["all"]["children"]["dmvpn"]["children"]
    table = {}
    for group in ("dmvpn_hubs", "dmvpn_spokes"):
        for host, host_entry in (groups[group].get("hosts") or {}).items():
            merged = dict(common)
            merged.update(_load(os.path.join(group_dir, group + ".yml")))
            merged.update(_load(os.path.join(dest, "host_vars", host + ".yml")))
            merged.update(host_entry or {})
            table[host] = merged
    return table


def add_spoke(dest, index, base_port=2500, port=None):
    """Add spoke ``index`` to the inventory (its host_vars exist already)."""
    path = os.path.join(dest, "hosts.yml")
    with open(path) as handle:
        inventory = yaml.safe_load(handle)
    spokes = inventory["all"]["children"]["dmvpn"]["children"]["dmvpn_spokes"]["hosts"]
    spokes[spoke_name(index)] = {"ansible_port": port or spoke_port(index, base_port)}
    with open(path, "w") as out:
        yaml.safe_dump(inventory, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest")
    parser.add_argument("--spokes", type=int, default=50)
    parser.add_argument("--version", default="1.4")
    parser.add_argument("--base-port", type=int, default=2500)
    args = parser.parse_args()
    print(write(args.dest, args.spokes, args.version, args.base_port))


if __name__ == "__main__":
    main()
