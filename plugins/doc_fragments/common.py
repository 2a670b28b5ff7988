# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# Generated from plugins/module_utils/dmvpn_core/spec_options.py by tools/generate.py: edit the
# spec, not this file (the modules' argument specs come from the same data).

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options every dmvpn.vyos module shares: state, version and how to commit."""

    DOCUMENTATION = r'''
options:
  state:
    type: str
    description:
      - C(merged) adds and changes what O(config) describes and deletes nothing.
      - C(replaced) makes every object named in O(config) exactly as described (stale leaves inside it are deleted);
        objects not named are left alone.
      - C(overridden) is C(replaced) plus deleting the objects of this module's kind that are not in O(config) (see
        the module's ownership notes); nothing else is touched.
      - C(deleted) deletes the objects named in O(config).
      - C(gathered) returns the structured configuration found on the router (secrets masked).
      - C(rendered) returns the C(set) lines for O(config) without a router; O(version) must be given.
      - C(parsed) returns the structured configuration found in O(running_config) (the output of C(show configuration
        commands)) without a router; O(version) must be given.
    choices:
      - merged
      - replaced
      - overridden
      - deleted
      - gathered
      - rendered
      - parsed
    default: merged
  running_config:
    type: str
    description:
      - The output of C(show configuration commands), for O(state=parsed).
  version:
    type: str
    description:
      - The VyOS version family whose syntax to use.
      - C(auto) reads it from C(show version) (once per connection); C(1.2) is the syntax of the VyOS DMVPN guide
        (C(local-ip)), C(1.3) uses C(source-address), C(1.4) renames C(ipsec-interfaces) and C(multicast enable),
        C(1.5) (and rolling) uses FRR NHRP with /32 tunnel addresses.
      - An explicit version is trusted and saves the C(show version) round trip. It also lets the module refuse
        a bad value before it logs in; with C(auto) input is checked right after C(show version), before the configuration
        is read.
    default: auto
  comment:
    type: str
    description:
      - The commit comment (shown by C(show system commit)). One line of plain text.
    default: configured by dmvpn.vyos
  confirm:
    type: int
    description:
      - Minutes for C(commit-confirm). When set, the module commits with C(commit-confirm), checks that the router
        still answers on the same session, and then sends C(confirm). If the session dies in between, the router
        undoes the commit by itself when the time runs out.
      - 'How the router undoes it depends on the version. VyOS 1.2, 1.3 and 1.4 reboot into the saved configuration,
        so unsaved earlier changes are lost too. VyOS 1.5 does the same by default and can instead reload the previous
        configuration without a reboot when C(system config-management commit-confirm action reload) is set (the
        option is not in 1.4: vyos-1x python/vyos/config_mgmt.py, sagitta c3f688653 always reboots; current 3710c5879
        reads the action).'
      - 'C(0) commits without confirmation; otherwise 1 to 1440 minutes (a day: VyOS refuses negative times and
        sets no upper bound; a longer rollback would not protect a lost session).'
    default: 0
  save:
    type: bool
    description:
      - Save the configuration (C(save)) after a successful commit, so it survives a reboot.
    default: false
  lock_timeout:
    type: int
    description:
      - Seconds to wait for another run on this controller that is changing the same router (same address and port).
        Runs that change a router take turns; each reads the router, diffs and commits while holding a lock file
        in the controller's temporary folder.
      - When the wait runs out the module fails and touches nothing.
    default: 300
  _reread_key:
    type: str
    description:
      - 'Internal: set by the collection''s action plugin for each task, never in a playbook. A one-time key for
        the digests that let the action plugin tell, after a session lost during or after the commit, which configuration
        the router holds (dmvpn_core/after_commit.py).'
notes:
  - Connects with C(ansible.netcommon.network_cli) and C(ansible_network_os=vyos.vyos.vyos).
  - Reads the router once (C(show configuration commands)) and, when something differs, sends only the needed C(delete)/C(set)
    lines and commits once. With no difference it enters no configuration mode and does not commit.
  - Check mode sends the lines in a configuration session so the router validates them, then discards them; nothing
    is committed.
  - If the router refuses a line or the commit, the session is discarded (C(exit discard)); the running configuration
    is left as it was. When an error comes during or after the commit, the router is read again (when the session
    was lost, by the action plugin over a fresh connection) and the message says whether it now holds the new configuration
    in full (under commit-confirm or not), the old one (never a part), or neither (changed by another session meanwhile).
  - Two runs never interleave their changes on one router. Runs on the same controller take turns (O(lock_timeout)).
    A change committed meanwhile by anyone else (another controller, a person at the CLI) is found by reading the
    running configuration again inside the configuration session, just before the commit; the module then discards
    its change and fails, touching nothing, and a re-run converges from the new state.
  - Secrets (NHRP authentication, pre-shared keys) are C(no_log) and masked as C(********) in C(commands), C(before),
    C(after), C(rendered), C(gathered), diffs and error messages.
  - Every value is validated before anything is sent and quoted the VyOS way, so no value can end a command line
    or start another command.
'''
