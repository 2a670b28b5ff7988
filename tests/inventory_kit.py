"""An inventory folder read the way ansible-playbook reads it, without running a playbook.

InventoryManager and VariableManager load the folder (hosts.yml, group_vars, host_vars, the
lab vault with the lab's password file, vyos_lab/vault.py), a Templar renders every ``dmvpn_*``
variable of every host as a play would see it, and the collection's own check filter
(``dmvpn.vyos.dmvpn_networks_check``, what site.yml's validation play calls) takes the result.
The loader follows ``inventory_hostvars`` of tools/golden.py, with two differences: it keeps
every ``dmvpn_*`` variable (the check reports misspelt ones and the roles' inputs too, not
only the design's variables) and it returns the inventory's groups, which the filter needs.
"""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

from vyos_lab.vault import LAB_VAULT_PASSWORD_FILE  # noqa: E402

VAULT_PASSWORD = LAB_VAULT_PASSWORD_FILE


def load(folder, vault_password_file=VAULT_PASSWORD):
    """``(hostvars, groups, network_groups)`` of the inventory in ``folder``: hostvars are
    {host: {dmvpn_* variable (and the Ansible variables the design reads): templated,
    decrypted value}} for every host, groups
    {group: [hosts]}, network_groups what site.yml passes as dmvpn_network_groups."""
    _collections()
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultSecret
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager
    from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.spec_inventory import ANSIBLE_VARIABLES_READ

    loader = DataLoader()
    with open(vault_password_file, "rb") as handle:
        loader.set_vault_secrets([("default", VaultSecret(handle.read().strip()))])
    inventory = InventoryManager(loader=loader, sources=[folder])
    manager = VariableManager(loader=loader, inventory=inventory)

    def rendered(host):
        variables = manager.get_vars(host=host)
        templar = Templar(loader=loader, variables=variables)
        # Templated but not converted: the filter turns Ansible's tagged values into plain data
        # itself, as it does with the hostvars of a play.
        return {str(key): templar.template(variables[key]) for key in variables
                if str(key).startswith("dmvpn_") or str(key) in ANSIBLE_VARIABLES_READ}

    hostvars = {host.name: rendered(host) for host in inventory.get_hosts("all")}
    groups = {name: list(hosts) for name, hosts in inventory.get_groups_dict().items()}
    localhost = rendered(inventory.localhost or inventory.get_host("localhost"))
    return hostvars, groups, localhost.get("dmvpn_network_groups", ["dmvpn"])


def host_vars(folder):
    """{host: its host_vars file's variables} of the inventory in ``folder`` (plain YAML)."""
    import yaml

    found = {}
    for name in os.listdir(os.path.join(folder, "host_vars")):
        with open(os.path.join(folder, "host_vars", name)) as handle:
            found[name[:-4]] = yaml.safe_load(handle)
    return found


def _collections():
    collections = os.path.join(REPO, ".venv", "collections")
    if os.path.isdir(collections) and collections not in sys.path:
        sys.path.insert(0, collections)


def _filters():
    _collections()
    from ansible_collections.dmvpn.vyos.plugins.filter import dmvpn

    return dmvpn


def check(folder):
    """What site.yml's validation play computes for the inventory in ``folder``:
    ``dmvpn_networks_check`` -> {problems: [{host, field, message, fix}], endpoints: {...}}."""
    filters = _filters()
    hostvars, groups, network_groups = load(folder)
    return filters.dmvpn_networks_check(hostvars, groups, network_groups)


def problem_lines(problems):
    """The lines site.yml prints for ``problems`` (``HOST: field: message (fix: ...)``)."""
    return _filters().dmvpn_problem_lines(problems)
