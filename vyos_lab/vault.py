"""The lab inventories' vault: one place knows its password file and vault id.

Their vault files are encrypted under the label "lab" with the committed LAB-ONLY password.
The checkout's ansible.cfg names no vault password (issue 19 item 10), so the lab's tools
(vyos_lab, the test harness, the benchmarks, the dataplane launcher) pass this id themselves,
and only for the lab; ``vyos_lab --vault-id`` replaces it for an inventory whose vault uses
another password. No other import: the dataplane and the tools read it without the lab.
"""

import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_VAULT_PASSWORD_FILE = os.path.join(REPO, "inventories", "lab", "vault-password.LAB-ONLY.txt")
LAB_VAULT_ID = "lab@" + LAB_VAULT_PASSWORD_FILE


def vault_args(vault_ids):
    """``--vault-id`` arguments for ansible-inventory / ansible-playbook (the lab's id by default)."""
    args = []
    for vault_id in vault_ids or [LAB_VAULT_ID]:
        args += ["--vault-id", vault_id]
    return args
