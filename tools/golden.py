"""Golden renderings: the set lines every router of every shipped inventory gets, per VyOS version.

As arista.avd keeps its rendered configurations in the repository, we keep ours under
``tests/golden/``: a change to rendering (or to the design) shows up as a reviewed diff of
those files, not only as a test that someone edited until it passed.

Each inventory is read the way ``ansible-playbook`` reads it (InventoryManager and
VariableManager, the lab vault, templating), every router's ``dmvpn_vyos_version`` is set to
one version at a time, and each endpoint goes through the module's own path (validate, then
render). Secrets are masked in the files, as in every output of the collection.

    python tools/golden.py --check    # exit 1 and show the diff when a file is stale
    python tools/golden.py --write    # rewrite tests/golden/ after a reviewed change
"""

from __future__ import annotations

import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generated_files  # noqa: E402  (tools/generated_files.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "tests", "golden")
VAULT_PASSWORD = os.path.join(ROOT, "inventories", "lab", "vault-password.LAB-ONLY.txt")

# name -> (inventory folder, file of stand-in secrets for an inventory without a vault)
INVENTORIES = {
    "lab": ("inventories/lab", None),
    "bgp_dual_hub": ("inventories/bgp_dual_hub", None),
    "dataplane": ("dataplane/inventory", None),
    "example": ("inventories/example", "inventories/example/group_vars/dmvpn/vault.yml.example"),
    "dual_cloud": ("inventories/dual_cloud", None),
}


def _core():
    """The collection's core, imported as Ansible imports it (from the link ./dev setup makes)."""
    link_root = os.path.join(ROOT, ".venv", "collections")
    if os.path.isdir(link_root) and link_root not in sys.path:
        sys.path.insert(0, link_root)
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import design, masking, resources, version_names

    return design, masking, resources, version_names


def inventory_hostvars(folder, extra_vars_file=None):
    """{host: {dmvpn_* variable: value}} of the ``dmvpn`` group, templated and decrypted as a
    play would see them."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultSecret
    from ansible.inventory.manager import InventoryManager
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager

    loader = DataLoader()
    with open(VAULT_PASSWORD, "rb") as handle:
        loader.set_vault_secrets([("default", VaultSecret(handle.read().strip()))])
    inventory = InventoryManager(loader=loader, sources=[os.path.join(ROOT, folder)])
    manager = VariableManager(loader=loader, inventory=inventory)
    extra = {}
    if extra_vars_file:  # as -e @file: above every other variable
        with open(os.path.join(ROOT, extra_vars_file)) as handle:
            extra = yaml.safe_load(handle)
    from ansible_collections.dmvpn.vyos.plugins.filter.dmvpn import _plain

    design, dummy, dummy, dummy = _core()
    hosts = {}
    for host in inventory.get_hosts("dmvpn"):
        variables = dict(manager.get_vars(host=host), **extra)
        templar = Templar(loader=loader, variables=variables)
        hosts[host.name] = {key: _plain(templar.template(variables[key]))
                            for key in design.VARIABLES + ("dmvpn_network_groups",) if key in variables}
    return hosts


def _render_clouds(hosts, version):
    """The text of one golden file of a cloud inventory (dmvpn_clouds): each cloud designed
    over its routers' cloud variables, each router's endpoints of all its clouds rendered
    together, as the module's endpoints option renders them (dmvpn_core/clouds_resource.py)."""
    design, masking, dummy, dummy = _core()
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import clouds
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.clouds_resource import CLOUDS

    networks = next(iter(hosts.values()))["dmvpn_network_groups"]
    per_router, problems = {}, []
    for cloud in networks:
        members = {name: hv for name, hv in hosts.items() if cloud in (hv.get("group_names") or [])}
        table, origins = clouds.cloud_table(members, cloud)
        found, plan = design.checked_design(table)
        problems += clouds.renamed(found, origins)
        for router in plan.routers if plan is not None else []:
            per_router.setdefault(router.name, (router.role, []))[1].append(plan.endpoint(router.name))
    if problems:
        return "\n".join(["# refused before any router is touched:"]
                         + design.format_problems(problems).splitlines()[1:]) + "\n"
    out = []
    for name in sorted(per_router):
        role, endpoints = per_router[name]
        out.append("## %s (%s)" % (name, role))
        wanted = CLOUDS.validate({"endpoints": endpoints, "absent_tunnels": []}, version)
        out += masking.mask_secrets(CLOUDS.render(wanted, version).to_commands(), version)
    return "\n".join(out) + "\n"


def render_inventory(hosts, version):
    """The text of one golden file: every router's set lines for ``version`` (or the problems
    that stop the run, which are as much an outcome to pin as the lines)."""
    design, masking, resources, dummy = _core()
    hosts = {name: dict(hv, dmvpn_vyos_version=version) for name, hv in hosts.items()}
    if any(hv.get("dmvpn_clouds") for hv in hosts.values()):
        return _render_clouds(hosts, version)
    hosts = {name: {k: v for k, v in hv.items() if k != "dmvpn_network_groups"} for name, hv in hosts.items()}
    out = []
    try:
        plan = design.design(hosts)
    except design.DesignError as exc:
        return "\n".join(["# refused before any router is touched:"] + str(exc).splitlines()[1:]) + "\n"
    resource = resources.DMVPN
    for router in plan.routers:
        out.append("## %s (%s)" % (router.name, router.role))
        endpoint = plan.endpoint(router.name)
        try:
            wanted = resource.validate(endpoint, version)
        except ValueError as exc:  # ModelError: the module would refuse this router
            out += ["# refused by the module: " + line for line in str(exc).splitlines()]
            continue
        lines = masking.mask_secrets(resource.render(wanted, version).to_commands(), version)
        out += lines
    return "\n".join(out) + "\n"


def golden_files():
    """{path relative to tests/golden: expected text} for every inventory and version."""
    dummy, dummy, dummy, version_names = _core()
    files = {}
    for name, (folder, extra) in sorted(INVENTORIES.items()):
        hosts = inventory_hostvars(folder, extra)
        for version in version_names.SUPPORTED_VERSIONS:
            header = ("# tools/golden.py: %s with dmvpn_vyos_version %s on every router; secrets masked.\n"
                      "# A change here is a change to what routers receive: review it, then python tools/golden.py --write\n"
                      % (folder, version))
            files["%s/vyos-%s.txt" % (name, version)] = header + render_inventory(hosts, version)
    return files


def stale(files):
    """Diffs of the golden files that differ from ``files``, and golden files no inventory renders."""
    diffs = generated_files.stale(files, GOLDEN, "(rendered now)", "tests/golden/")
    for folder, dummy, names in os.walk(GOLDEN):
        for fname in names:
            rel = os.path.relpath(os.path.join(folder, fname), GOLDEN)
            if rel.endswith(".txt") and rel not in files:
                diffs.append("tests/golden/%s: no inventory renders it any more; remove it\n" % rel)
    return diffs


if __name__ == "__main__":
    sys.exit(generated_files.main(None, __doc__.splitlines()[0], "golden", golden_files, GOLDEN, stale))
