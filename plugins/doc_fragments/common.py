# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.spec import common_doc_fragment


class ModuleDocFragment(object):
    """Options every dmvpn.vyos module shares: state, version and how to commit."""

    # The options come from the one input spec (module_utils/dmvpn_core/spec_options.py),
    # which also gives the modules their argument specs.
    DOCUMENTATION = common_doc_fragment([
        'Connects with C(ansible.netcommon.network_cli) and C(ansible_network_os=vyos.vyos.vyos).',
        ('Reads the router once (C(show configuration commands)) and, when something differs, sends only the '
         'needed C(delete)/C(set) lines and commits once. With no difference it enters no configuration mode '
         'and does not commit.'),
        ('Check mode sends the lines in a configuration session so the router validates them, then discards '
         'them; nothing is committed.'),
        ('If the router refuses a line or the commit, the session is discarded (C(exit discard)); the running '
         'configuration is left as it was. When the session is lost during or after the commit, the module '
         'reads the router again and says whether it now holds the new configuration in full or the old one '
         '(never a part).'),
        ('Two runs never interleave their changes on one router. Runs on the same controller take turns '
         '(O(lock_timeout)). A change committed meanwhile by anyone else (another controller, a person at the '
         'CLI) is found by reading the running configuration again inside the configuration session, just '
         'before the commit; the module then discards its change and fails, touching nothing, and a re-run '
         'converges from the new state.'),
        ('Secrets (NHRP authentication, pre-shared keys) are C(no_log) and masked as C(********) in '
         'C(commands), C(before), C(after), C(rendered), C(gathered), diffs and error messages.'),
        ('Every value is validated before anything is sent and quoted the VyOS way, so no value can end a '
         'command line or start another command.'),
    ])
