# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One lookup per host: Ansible's ``hostvars[host]`` computes the host's variables anew on
every lookup (ansible-core vars/hostvars.py HostVars.__getitem__ calls
VariableManager.get_vars, vars plugins included: about 1 ms a host), and one pass over the
inventory looks each host up several times (design table, role inputs, engine, endpoints).

Pure Python, no Ansible imports: any mapping of host -> variables works.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class HostvarsCache:
    """``hostvars`` with each host's variables looked up once; iterates and tests membership as
    ``hostvars`` does."""

    def __init__(self, hostvars):
        self.hostvars = hostvars
        self.found = {}

    def __getitem__(self, host):
        if host not in self.found:
            self.found[host] = self.hostvars[host]
        return self.found[host]

    def __contains__(self, host):
        return host in self.found or host in self.hostvars

    def __iter__(self):
        return iter(self.hostvars)

    def get(self, host, default=None):
        return self[host] if host in self else default


def cached(hostvars):
    return hostvars if isinstance(hostvars, HostvarsCache) else HostvarsCache(hostvars)
