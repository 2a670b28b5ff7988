"""Integration fixtures (tests/labkit.py): ``lab`` starts emulated VyOS routers in this process,
``playbook`` runs ansible-playbook against them over ansible.netcommon.network_cli."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from labkit import BIN, REPO, LabHandle, PlaybookRun, lab, playbook, run_playbook  # noqa: E402,F401 pylint: disable=unused-import
