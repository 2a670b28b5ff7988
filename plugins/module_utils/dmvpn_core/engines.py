# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml's ways to the routers (dmvpn_engine): network_cli (one Ansible connection per
router) or fleet (every router from one task on the controller, docs/fleet.md). site.yml
picks its plays by the engine, so a run has one: routers that differ are a problem.

Pure Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

ENGINES = ("network_cli", "fleet")  # the first is the default


def run_engine(values):
    """(the engine of a run, problems) from ``values``: [(host, its dmvpn_engine or None)]."""
    found = {}
    for host, value in values:
        found.setdefault(ENGINES[0] if value is None else value, []).append(str(host))
    if len(found) <= 1:
        return (list(found) or [ENGINES[0]])[0], []
    names = sorted(found, key=lambda name: (-len(found[name]), name))
    return names[0], [{"host": found[name][0], "field": "dmvpn_engine",
                       "message": "is %r on %d routers (%s), %r on the others; site.yml uses one engine for all routers"
                                  % (name, len(found[name]), ", ".join(found[name][:5]), names[0]),
                       "fix": "set dmvpn_engine once, in group_vars/dmvpn"} for name in names[1:]]
