# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One router of a fleet run: the modules' own Runner (runner.py: read once, validate, diff,
one commit, in-session re-read, commit-confirm with pending detection, save, masking, the
router lock), given the fleet engine's shell instead of a network_cli socket.

Each router's steps run in a worker thread of the engine (fleet_engine.py); its shell's
coroutines run on the engine's event loop. The steps are what site.yml's roles run for the
router, in their order: the underlay (when managed), then the endpoint, each its own commit.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import binascii
import os
import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.masking import mask_structure, mask_text
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.underlay import UNDERLAY
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import fresh_read
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import (
    DMVPN_ARGUMENT_SPEC,
    DMVPN_RULES,
    UNDERLAY_ARGUMENT_SPEC,
    UNDERLAY_RULES,
    dmvpn_resource,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_shell import LoginError, Shell
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.runner import REREAD, REREAD_KEY, Runner

STEPS = {  # step -> (argument spec, rules, resource of the params)
    "underlay": (UNDERLAY_ARGUMENT_SPEC, UNDERLAY_RULES, lambda params: UNDERLAY),
    "dmvpn": (DMVPN_ARGUMENT_SPEC, DMVPN_RULES, dmvpn_resource),
}


class StepFailed(Exception):
    """A step failed (what fail_json reports for a module); ``result``: the failed result."""

    def __init__(self, result):
        super(StepFailed, self).__init__(result.get("msg"))
        self.result = result


class FleetModule:
    """What the Runner uses of an AnsibleModule: params, check and diff mode, warn, fail_json."""

    def __init__(self, params, check_mode, diff):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def fail_json(self, msg, **extra):
        raise StepFailed(dict(extra, failed=True, msg=msg))


class FleetConnection:
    """network_cli's Connection, as the Runner calls it, over one fleet shell. Logs in at the
    first command; ``login_failed`` says the router was not reached (Ansible's unreachable)."""

    def __init__(self, loop, settings):
        self.loop = loop
        self.settings = settings
        self.shell = None
        self.login_failed = False
        self.device_info = None

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def _ensure_open(self):
        if self.shell is None:
            shell = Shell(self.settings)
            try:
                self._call(shell.open())
            except LoginError:
                self.login_failed = True
                raise
            self.shell = shell
        return self.shell

    def get(self, command, prompt=None, answer=None):
        return self._call(self._ensure_open().get(command, prompt, answer))

    def get_device_info(self):
        """The network_os_version / network_os_major_version of vyos.vyos's cliconf
        get_device_info, from the same ``show version`` patterns."""
        if self.device_info is None:
            data = self.get("show version")
            info = {"network_os": "vyos"}
            match = re.search(r"Version:\s*(.*)", data)
            info["network_os_version"] = match.group(1).strip() if match else None
            match = re.search(r"VyOS\s*(\d+\.\d+)", info["network_os_version"] or "")
            if match:
                info["network_os_major_version"] = match.group(1)
            self.device_info = info
        return self.device_info

    def get_option(self, name):
        return {"host": self.settings.address, "port": self.settings.port}[name]

    def close(self):
        shell, self.shell = self.shell, None
        if shell is not None:
            self._call(shell.close())


class FleetRunner(Runner):
    reports_states = False

    def __init__(self, module, resource, connection):
        Runner.__init__(self, module, resource)
        self._connection = connection

    @property
    def connection(self):
        return self._connection


def validated_params(step, args):
    """The step's module parameters from ``args``, checked and completed with the module's own
    argument spec and rules (as AnsibleModule does): (params, no_log values), or raise
    StepFailed naming every problem."""
    spec, rules, dummy = STEPS[step]
    result = ArgumentSpecValidator(spec, **rules).validate(dict(args))
    if result.error_messages:
        raise StepFailed({"failed": True, "msg": "; ".join(result.error_messages)})
    return result.validated_parameters, result._no_log_values


def run_step(step, validated, connection, check_mode, diff):
    """One module's run on the router (``validated``: what validated_params gave): its
    result, with the values the spec marks no_log removed as AnsibleModule removes them."""
    params, no_log = validated
    params[REREAD_KEY] = binascii.hexlify(os.urandom(32)).decode("ascii")
    no_log.add(params[REREAD_KEY])
    resource = STEPS[step][2](params)
    module = FleetModule(params, check_mode, diff)
    try:
        result = FleetRunner(module, resource, connection).run()
    except StepFailed as exc:
        failed = exc.result
        reread = failed.pop(REREAD, None)
        if isinstance(reread, dict):
            state = _state_read_afresh(connection, reread, params[REREAD_KEY])
            if state is not None:
                failed["msg"] = "%s; %s" % (reread["head"], state)
        exc.result = remove_values(dict(failed, warnings=module.warnings), no_log)
        raise
    result["warnings"] = module.warnings
    return remove_values(result, no_log)


def _state_read_afresh(connection, reread, key):
    """After the session was lost during or after the commit: what the router holds, read over
    a new login (the module's action plugin does the same over a new persistent connection)."""
    fresh = FleetConnection(connection.loop, connection.settings)
    try:
        return fresh_read.state_after_lost_session(fresh.get, reread, key)
    finally:
        try:
            fresh.close()
        except ConnectionError:
            pass


def run_router(loop, settings, steps, check_mode, diff, secrets):
    """All steps of one router: {changed, failed, unreachable, msg, steps: {step: result}}.
    ``steps``: [(step, validated_params of its module args)]. A failed step ends the router's run (as a failed task
    ends the host's play); ``secrets`` are masked out of anything left that could hold them."""
    connection = FleetConnection(loop, settings)
    outcome = {"changed": False, "failed": False, "unreachable": False, "steps": {}}
    try:
        for step, validated in steps:
            try:
                result = run_step(step, validated, connection, check_mode, diff)
            except StepFailed as exc:
                outcome["steps"][step] = exc.result
                outcome.update(failed=not connection.login_failed, unreachable=connection.login_failed,
                               msg="%s: %s" % (step, exc.result.get("msg")))
                break
            outcome["steps"][step] = result
            outcome["changed"] = outcome["changed"] or bool(result.get("changed"))
    except Exception as exc:  # (one router's bug must not end the others' runs; reported as its failure)
        outcome.update(failed=True, msg="%s: %s" % (type(exc).__name__, exc))
    finally:
        try:
            connection.close()
        except (ConnectionError, OSError):
            pass
    return mask_structure(_masked(outcome, secrets))


def _masked(value, secrets):
    if isinstance(value, dict):
        return {key: _masked(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, secrets) for item in value]
    if isinstance(value, str):
        return mask_text(value, secrets)
    return value
