# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of dmvpn.vyos.fleet: site.yml's hub and spoke plays for every router of the
run at once, from this one task on the controller (module_utils/network/fleet_engine.py).

What each router gets is what the roles give it: the same inventory check and endpoints
(filter dmvpn_networks_check), the same module arguments (roles/dmvpn_endpoint/tasks:
fleet_args below follows them), the same Runner. Everything is checked before any router is
touched, with every problem of the run listed at once: the inventory, each router's
connection settings (fleet_settings.py), each router's module arguments.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import getpass

from ansible import constants as C
from ansible import context
from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.dmvpn.vyos.plugins.filter.dmvpn import dmvpn_endpoint, dmvpn_networks_check, dmvpn_problem_lines
from ansible_collections.dmvpn.vyos.plugins.filter.dmvpn_clouds import dmvpn_endpoint_clouds
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import spec_inventory as si
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.hostvars_cache import cached
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import fleet_report
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_runner import StepFailed, validated_params
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_settings import settings_for
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_shell import ASYNCSSH_ERROR, HAS_ASYNCSSH

display = Display()
ARGUMENT_SPEC = {
    "hosts": {"type": "list", "elements": "str", "required": True},
    "network_groups": {"type": "list", "elements": "str", "default": ["dmvpn"]},
    "allow_partial": {"type": "bool", "default": False},
    "run_tags": {"type": "list", "elements": "str", "default": ["all"]},
    "skip_tags": {"type": "list", "elements": "str", "default": []},
}
ROLE_GROUPS = (("hubs", "hub", "dmvpn_hubs"), ("spokes", "spoke", "dmvpn_spokes"))  # site.yml's plays, in order


def _default(name):
    return si.VARIABLES[name].get("default")


def _var(hv, name):
    value = hv.get(name)
    return _default(name) if value is None else value


def selected(tags, run_tags, skip_tags):
    """Whether a task tagged ``tags`` runs under --tags/--skip-tags (as Ansible decides for
    the plays' tasks: site.yml's hub task has its play's tag, the underlay task that one and
    its own)."""
    run_tags, skip_tags = set(run_tags or ["all"]), set(skip_tags or [])
    runs = bool(run_tags & ({"all", "tagged"} | set(tags)))
    return runs and not (skip_tags & (set(tags) | {"all", "tagged"}))


def fleet_args(hostvars, groups, host, role, endpoint):
    """[(step, module args)] of ``host``: what roles/dmvpn_endpoint/tasks/{underlay,endpoint}.yml
    pass to dmvpn.vyos.underlay and dmvpn.vyos.dmvpn for it, from the same variables and
    defaults (spec_inventory.VARIABLES)."""
    hv = hostvars[host]
    present = boolean(_var(hv, "dmvpn_present"))
    common = {"version": _var(hv, "dmvpn_vyos_version"), "save": boolean(_var(hv, "dmvpn_save")),
              "lock_timeout": int(_var(hv, "dmvpn_lock_timeout"))}
    steps = []
    underlay = hv.get("dmvpn_underlay") or {}
    if boolean(_var(hv, "dmvpn_manage_underlay")) and (underlay.get("hostname") is not None or underlay.get("interfaces")):
        steps.append(("underlay", dict(common, state="merged", comment=hv.get("dmvpn_commit_comment") or "dmvpn.vyos underlay",
                                       config={k: v for k, v in underlay.items() if k in ("hostname", "interfaces")})))
    args = dict(common, state=_var(hv, "dmvpn_state") if present else "deleted",
                comment=hv.get("dmvpn_commit_comment") or "dmvpn.vyos %s" % hv.get("dmvpn_role"),
                confirm=int(_var(hv, "dmvpn_commit_confirm")),
                allow_mass_delete=boolean(_var(hv, "dmvpn_allow_mass_delete")),
                mass_delete_limit=int(_var(hv, "dmvpn_mass_delete_limit")),
                mass_delete_share=int(_var(hv, "dmvpn_mass_delete_share")))
    clouds = dmvpn_endpoint_clouds(hostvars, host, endpoint, role=role, present=present)
    if clouds is not None:
        args.update(endpoints=clouds["endpoints"], absent_tunnels=clouds["absent_tunnels"])
    else:
        args["config"] = dmvpn_endpoint(hostvars, hv.get("dmvpn_hosts") or groups.get("dmvpn"), host, role=role,
                                        endpoint=endpoint, present=present)
    steps.append(("dmvpn", args))
    return steps


def connection_defaults(play_context):
    """What network_cli takes when a host sets nothing: the command line's -u, -k (the
    password the CLI asked for, in the play context) and --private-key (this is how AWX hands
    over a Machine credential), else Ansible's configured defaults (ansible.cfg, environment)."""
    def config(name, fallback=None):
        try:
            value = C.config.get_config_value(name)
        except Exception:  # (an unknown setting in this ansible-core: its default)
            return fallback
        return fallback if value is None else value

    return {"remote_user": context.CLIARGS.get("remote_user") or config("DEFAULT_REMOTE_USER") or getpass.getuser(),
            "password": play_context.password or None,
            "remote_port": config("DEFAULT_REMOTE_PORT"),
            "private_key_file": context.CLIARGS.get("private_key_file") or config("DEFAULT_PRIVATE_KEY_FILE"),
            "host_key_checking": config("HOST_KEY_CHECKING", True),
            "connect_timeout": config("PERSISTENT_CONNECT_TIMEOUT", 30),
            "command_timeout": config("PERSISTENT_COMMAND_TIMEOUT", 30)}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        del tmp
        result = super(ActionModule, self).run(task_vars=task_vars)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)  # (modules/fleet.py documents them)
        hostvars, groups = cached(task_vars["hostvars"]), task_vars["groups"]
        limit = args["hosts"]
        if not HAS_ASYNCSSH:
            return dict(result, failed=True, msg="dmvpn_engine fleet needs the Python package asyncssh on the "
                        "controller (pip install asyncssh, requirements/runtime-libs.txt): %s" % ASYNCSSH_ERROR)
        check = dmvpn_networks_check(hostvars, groups, args["network_groups"], limit=limit,
                                     allow_partial=args["allow_partial"])
        problems = list(check["problems"])
        waves, secrets = self._waves(hostvars, groups, limit, check["endpoints"], args, problems)
        if problems:
            return dict(result, failed=True, msg="\n- ".join(
                ["DMVPN fleet run: problems (no router was touched):"] + dmvpn_problem_lines(problems)))
        if check["warnings"]:  # (what site.yml's validate play says for the network_cli engine)
            display.warning("\n- ".join(["this partial run (--limit) leaves routers behind:"]
                                        + dmvpn_problem_lines(check["warnings"])))
        if not waves:
            return dict(result, changed=False, msg="inventory checked; --tags selects no hub, spoke or underlay change")
        first = hostvars[limit[0]] if limit else {}
        concurrency = int(_var(first, "dmvpn_fleet_concurrency"))
        check_mode = bool(self._task.check_mode if self._task.check_mode is not None else self._play_context.check_mode)
        diff = bool(self._task.diff if self._task.diff is not None else self._play_context.diff)
        outcomes = fleet_report.run_and_report(waves, check_mode, diff, secrets, concurrency, display)
        return dict(result, **fleet_report.task_result(outcomes, diff))

    def _waves(self, hostvars, groups, limit, endpoints, args, problems):
        """[(wave, [(host, Settings, steps)])] and every secret of the run; appends the problems
        of each router's connection settings (and, when the inventory check found none, of its
        module arguments) to ``problems``."""
        run_tags, skip_tags = args.get("run_tags"), args.get("skip_tags")
        defaults = connection_defaults(self._play_context)
        waves, secrets, problems_before = [], set(), bool(problems)
        for wave, role, group in ROLE_GROUPS:
            members = [host for host in limit if host in set(groups.get(group, []))]
            do_endpoint = selected([wave], run_tags, skip_tags)
            do_underlay = selected([wave, "underlay"], run_tags, skip_tags)
            routers = []
            for host in members:
                hv = hostvars[host]
                settings, found = settings_for(host, self._connection_vars(hv), defaults)
                problems.extend(found)
                if problems_before:
                    continue  # (the module arguments come from an inventory that passed the check)
                try:
                    steps = [(step, validated_params(step, step_args))
                             for step, step_args in fleet_args(hostvars, groups, host, role, endpoints.get(host))
                             if (do_underlay if step == "underlay" else do_endpoint)]
                except StepFailed as exc:
                    problems.append({"host": host, "field": "module arguments", "message": exc.result["msg"],
                                     "fix": "correct the inventory variables named"})
                    continue
                except AnsibleFilterError as exc:  # (the role check of dmvpn_endpoint)
                    problems.append({"host": host, "field": "dmvpn_role", "message": str(exc),
                                     "fix": "put the host in the group of its role"})
                    continue
                secrets.update(str(hv.get(name)) for name in ("dmvpn_ipsec_psk", "dmvpn_nhrp_secret") if hv.get(name))
                if steps and settings is not None:
                    routers.append((host, settings, steps))
            if routers:
                waves.append((wave, routers))
        return waves, sorted(secrets)

    @staticmethod
    def _connection_vars(hv):
        """The host's variables the connection settings are read from: every connection
        variable (by name, to find the ones not honoured) and the values of those read."""
        names = [name for name in hv.keys() if str(name).startswith("ansible_")]
        return {name: hv.get(name) for name in names}
