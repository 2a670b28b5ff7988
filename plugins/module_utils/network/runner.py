# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible side of every dmvpn.vyos module: one read of the router, one commit.

A module hands its AnsibleModule and a resource (see ``dmvpn_core.resources``) to
:func:`run_resource`. Everything that decides *what* to change lives in the pure core; this
file talks to the router over ``ansible.netcommon.network_cli`` (the vyos cliconf plugin)
and keeps secrets out of every result, diff and error. Runs that change the same router take
turns (``router_lock.py``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.connection import Connection, ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.configtree import (
    ConfigSyntaxError,
    ConfigTree,
    control_characters,
    parse_show_commands,
    quote,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core import after_commit
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.batching import batch_lines
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.checker import ModelError
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.diff import (
    apply_commands,
    owned_lines,
    plan_commands,
    plan_summary,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_checks import (
    CONFIRM_FIX,
    confirm_minutes_problem,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.inventory_structure_checks import router_address
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.leftovers import kept_warnings
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.mass_delete import refusal
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.masking import (
    mask_secrets,
    mask_structure,
    masked_diff,
    mask_text,
    secret_inside_words,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.version_names import (
    SUPPORTED_VERSIONS,
    normalize_version,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.pending_commit_confirm import (
    pending_commit_confirm,
    settle_pending,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.commit_checks import (
    RouterError,
    check_committed,
    refuse_locked_commit,
)
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.router_lock import LockError, RouterLock
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.argspec import resource_rules


REREAD_KEY = "_reread_key"  # the option with the task's digest key (spec_options.COMMON: no_log)
REREAD = "_dmvpn_reread"    # what a failed run hands over for a read over a fresh session
LOST_ANSWER = "the session was lost (the router's answer ended before its prompt)"


def _answered(answer):
    """``answer`` of a configuration-mode command, which VyOS ends with its ``[edit]`` prompt.
    network_cli returns what it has when the session ends mid-answer; without this check a
    session lost on the commit would only be noticed at the next command (and named so)."""
    if _edit_prompts(answer) == 0:
        raise ConnectionError(LOST_ANSWER)
    return answer


def _edit_prompts(answer):
    """How many configuration-mode prompts (``[edit]`` lines) an answer holds."""
    return sum(1 for line in answer.split("\n") if line.strip() == "[edit]")


class Runner:
    # before/after (the endpoint as gathered) in the result: the fleet engine, which reports
    # commands and diffs only, leaves them out (fleet_runner.py)
    reports_states = True

    def __init__(self, module, resource):
        self.module = module
        self.resource = resource
        self.params = module.params
        self.secrets = []
        self._connection = None

    # -- plumbing ----------------------------------------------------------------------------
    @property
    def connection(self):
        if self._connection is None:
            self._connection = Connection(self.module._socket_path)
        return self._connection

    def fail(self, msg, **extra):
        self.module.fail_json(msg=mask_text(msg, self.secrets), **extra)

    def check_comment(self):
        comment = self.params["comment"]
        try:
            return quote(comment)
        except ValueError as exc:
            self.fail("comment: %s; use plain text on one line" % exc)

    def explicit_version(self):
        try:
            version = normalize_version(self.params["version"])
        except ValueError:
            self.fail("version: state=%s does not talk to a router, so give the VyOS version "
                      "explicitly (one of %s), not %r"
                      % (self.params["state"], ", ".join(SUPPORTED_VERSIONS), self.params["version"]))
        return version

    def router_version(self):
        wanted = self.params["version"]
        if wanted not in (None, "", "auto"):
            try:
                return normalize_version(wanted)
            except ValueError as exc:
                self.fail("version: %s" % exc)
        try:
            info = self.connection.get_device_info()
        except ConnectionError as exc:
            self.fail("could not read the VyOS version (show version): %s" % exc)
        raw = info.get("network_os_major_version") or info.get("network_os_version")
        try:
            return normalize_version(raw)
        except ValueError as exc:
            self.fail("the router reports %r: %s" % (info.get("network_os_version"), exc))

    def running(self, in_session=False):
        """The running configuration as a tree (``run show ...`` inside a configuration
        session, whose answer also carries the ``[edit]`` line). Raises ConnectionError or
        ConfigSyntaxError."""
        if in_session:
            text = self.connection.get(command="run show configuration commands")
            # (split at \n only: a value may hold NEL or U+2028, which splitlines breaks at)
            text = "\n".join(line for line in text.split("\n") if line.strip() != "[edit]")
        else:
            text = self.connection.get("show configuration commands")
        return parse_show_commands(text)

    def read_config(self, version):
        try:
            return self.running()
        except ConnectionError as exc:
            self.fail("could not read the configuration: %s" % mask_secrets(str(exc), version))
        except ConfigSyntaxError as exc:
            self.fail("could not parse 'show configuration commands': %s" % exc)

    # -- applying ----------------------------------------------------------------------------
    def enter_lines(self, commands, version=None):
        """``configure``, then the lines in batches: one round trip per batch, not per line
        (network_cli waits for a quiet prompt after every write, 0.1 s by default).

        The shell reads typed-ahead lines one after another and answers each with one
        ``[edit]`` prompt. network_cli returns at the first prompt followed by a quiet spell, so
        a slow router can leave answers still to come: then a blank line is sent (answered
        with one more ``[edit]``) until every line is answered, so no later command reads a
        stale answer. A line the router refuses makes network_cli raise ConnectionError; the
        caller then discards the candidate.

        A line that holds a secret is never typed ahead of another line's answer: when the
        router refuses a line of a batch, network_cli's error carries the echo of every line
        of that batch, and ansible-connection writes it to Ansible's log_path before this
        module can mask it. So the lines with a secret go last (the order of set lines in one
        configuration session does not matter to VyOS: the commit checks the whole
        candidate), each in a write of its own, once every other line was accepted."""
        conn = self.connection
        conn.get(command="configure")
        secrets = [secret for secret in getattr(self, "secrets", None) or [] if secret]

        def holds_secret(line):  # a secret of this run, or any value at a secret path (an old key)
            return any(secret in line for secret in secrets) or (
                version is not None and mask_secrets([line], version) != [line])

        plain = [line for line in commands if not holds_secret(line)]
        secret_lines = [line for line in commands if holds_secret(line)]
        for batch in batch_lines(plain) + [[line] for line in secret_lines]:
            expected, answered = len(batch), _edit_prompts(conn.get(command="\n".join(batch)))
            polls = 0
            while answered < expected:
                if polls > 2 * len(batch) + 10:
                    raise ConnectionError("the router answered %d of %d lines sent at once; nothing was committed"
                                          % (answered, expected))
                polls += 1
                expected += 1
                answered += _edit_prompts(conn.get(command=" "))

    def send(self, commands, version, have=None, after=None):
        """Enter configuration mode, send ``commands`` and commit (with confirm/save).

        On an error the candidate is discarded. Before the commit was sent that leaves the
        router as it was; once the commit was sent, the router is read again (a new session)
        so the message says what the router holds now: the change applied, or not."""
        conn = self.connection
        comment = self.check_comment()
        minutes = self.params["confirm"]
        stage = "typing the changes"
        try:
            self.enter_lines(commands, version)
            if have is not None:
                self._check_unchanged(have, version)
            stage = "commit"
            if minutes:
                refuse_locked_commit(self, _answered(conn.get(command="commit-confirm %d comment %s"
                                                              % (minutes, comment), prompt=r"Proceed\?", answer="y")))
                # The router must still answer us before we make the change permanent; if
                # it does not, it rolls back by itself when the timer runs out.
                _answered(conn.get(command="run show host name"))
                _answered(conn.get(command="confirm"))
            else:
                refuse_locked_commit(self, _answered(conn.get(command="commit comment %s" % comment)))
            stage = "checking the commit"
            check_committed(self, commands, after, version)
            if self.params["save"]:
                # (checked as the commit is: an answer cut short is a save not known to be
                # done, and the message says so; a full one is a save done)
                stage = "save"
                _answered(conn.get(command="save"))
            stage = "leaving configuration mode"
            conn.get(command="exit")
        except ConnectionError as exc:
            error = mask_text(mask_secrets(str(exc), version), self.secrets)
            if stage == "typing the changes":
                self._discard(after_error=True)
                raise RouterError("the router refused the change and is left as it was (nothing was committed): %s"
                                  % error)
            if "timeout" in error.lower() or "timed out" in error.lower():
                # answers may still be on their way: reading now could read the commit's
                self._discard(after_error=True)
                state, reread = ("the commit may still be running: when it ends the router holds the new configuration "
                                 "in full, otherwise the old one; re-run to converge"), None
            else:
                # (A module cannot open a new network_cli session: closing this one ends the
                # persistent connection. So the router is read again over this session, which
                # answers when only the commit failed; when the session was lost, the action
                # plugin reads it over a fresh connection: plugins/action/dmvpn.py.)
                self._discard()
                state, reread = self._state_after_error(version, have, after, stage)
                self._close()
            head = "%s during %s" % (error, stage)
            raise RouterError("%s; %s" % (head, state), **({REREAD: dict(reread, head=head)} if reread else {}))

    def _check_unchanged(self, have, version):
        """Inside the configuration session, just before the commit: the running configuration
        must still be the one the change was computed from. Another session's commit meanwhile
        (VyOS lets several sessions commit in turn) would otherwise mix its change with ours."""
        try:
            changed = self.running(in_session=True) != have
        except ConfigSyntaxError:
            changed = True
        if changed:
            self._discard(after_error=True)
            raise RouterError("the router's running configuration changed after this run read it (another session "
                              "committed meanwhile); this run's change was discarded and nothing was committed. "
                              "Re-run to converge from the new state")

    def _state_after_error(self, version, have, after, stage):
        """What the router holds after an error during or after the commit (read again), and
        None; or, when it cannot be read, the message saying so and what the action plugin
        needs to read it over a fresh connection (keyed digests only: dmvpn_core/after_commit.py)."""
        unsaved = bool(self.params["save"]) and stage != "leaving configuration mode"
        try:
            now = self.running()
        except (ConnectionError, ConfigSyntaxError) as exc:
            key = self.params.get(REREAD_KEY) if have is not None and after is not None else None
            reread = key and {"before": after_commit.digest(have, key), "after": after_commit.digest(after, key),
                              "confirm": self.params["confirm"], "unsaved": unsaved, "version": version}
            return after_commit.unread(mask_secrets(str(exc), version)), reread or None
        # (this session still answers, so the commit-confirm's confirm was not applied)
        return after_commit.state_after(now, have, after, self.params["confirm"], unsaved), None

    def validate_on_router(self, commands, version):
        """Check mode: the router checks every line; nothing is committed."""
        try:
            self.enter_lines(commands, version)
        except ConnectionError as exc:
            self._discard(after_error=True)
            raise RouterError("the router refused the change and is left as it was (check mode): %s"
                              % mask_text(mask_secrets(str(exc), version), self.secrets))
        self._discard()

    def discard(self, after_error=False):
        """Leave configuration mode without committing (see :meth:`_discard`)."""
        self._discard(after_error)

    def _discard(self, after_error=False):
        """Leave configuration mode without committing. After an error, answers to lines
        typed ahead may still be on their way, so the session is also closed: VyOS drops an
        uncommitted candidate with its session, and the next task logs in afresh instead of
        reading stale answers."""
        try:
            self.connection.get(command="exit discard")
        except ConnectionError:
            pass
        if after_error:
            self._close()

    def _close(self):
        try:
            self.connection.close()
        except ConnectionError:
            pass

    # -- the states --------------------------------------------------------------------------
    def run(self):
        state = self.params["state"]
        config = self.params.get("config")
        self.secrets = [s for s in self.resource.secrets(config) if s]
        result = {"changed": False}
        problem = confirm_minutes_problem(self.params["confirm"])
        if problem:
            self.fail("confirm: %s; %s (nothing was sent to the router)" % (problem, CONFIRM_FIX))
        for name in ("config", "comment", "version"):
            found = control_characters(self.params.get(name), name)
            if found:
                self.fail("%s contains the control character %r; a newline or other control character "
                          "would end the VyOS command line. Remove it (nothing was sent to the router)."
                          % found)
        try:
            if state == "parsed":
                version = self.explicit_version()
                if not self.params.get("running_config"):
                    self.fail("running_config is required with state=parsed")
                tree = parse_show_commands(self.params["running_config"])
                result["parsed"] = mask_structure(self.resource.gather(tree, version))
                return result
            if state == "rendered":
                version = self.explicit_version()
                wanted = self.resource.validate(config, version, ConfigTree(), state)
                tree = self.resource.render(wanted, version)
                result["rendered"] = mask_secrets(tree.to_commands(), version)
                return result
            # An explicit version costs no login; with auto this is the first command sent.
            version = self.router_version()
            result["version"] = version
            if state == "gathered":
                result["gathered"] = mask_structure(self.resource.gather(self.read_config(version), version))
                return result
            if config is None and state != "deleted":
                self.fail("config is required with state=%s" % state)
            # A bad value is refused now, before the configuration is read (and before any
            # login when the version is explicit); a resource that needs the router's
            # configuration to check its input (nhrp's tunnel address) waits for it.
            wanted = None
            if not self.resource.validates_with_router(config, state):
                wanted = self.resource.validate(config, version, None, state)
            with RouterLock(self.router_key(), self.params["lock_timeout"]) as lock:
                for warning in lock.warnings:
                    self.module.warn(warning)
                self.change(state, config, version, result, wanted)
            return result
        except ModelError as exc:
            self.fail(mask_text(str(exc), self.secrets), problems=mask_structure(exc.as_list()))
        except (ConfigSyntaxError, ValueError) as exc:
            self.fail(str(exc))
        except RouterError as exc:
            self.fail(str(exc), **exc.extra)
        except LockError as exc:
            self.fail(str(exc))
        return result

    def router_key(self):
        """The router's identity on this controller: address and port of the connection, written
        one way (localhost and 127.0.0.1 are one router: inventory_structure_checks.router_address,
        which the inventory check uses too)."""
        try:
            host = self.connection.get_option("host")
            port = self.connection.get_option("port") or 22
        except ConnectionError:
            return "unknown"
        return "%s_%s" % router_address({"ansible_host": host, "ansible_port": port}, host)

    def change(self, state, config, version, result, wanted=None):
        """Read, diff and (when something differs) commit: the states that change a router.
        ``wanted``: the input already validated (None: validate it against the router's
        configuration here)."""
        have = self.read_config(version)
        if wanted is None:
            wanted = self.resource.validate(config, version, have, state)
        pending = pending_commit_confirm(self, version)
        want = ConfigTree() if state == "deleted" else self.resource.render(wanted, version)
        inside = secret_inside_words(want, self.secrets, version)
        if inside:
            self.fail("a secret of config (a PSK or NHRP key) occurs inside a word of the configuration this module "
                      "writes (after '%s'), so Ansible's masking of it would garble that output; choose a secret "
                      "that is not part of a VyOS keyword or of another value (nothing was sent to the router)"
                      % " ".join(inside[0][1]))
        objects = self.resource.objects(wanted, version, have, state)
        commands = plan_commands(have, want, objects, version, state)
        after = apply_commands(have, commands, version)
        if "allow_mass_delete" in self.params:  # (the dmvpn module's blast-radius guard: dmvpn_core/mass_delete.py)
            p = self.params
            refused = refusal(have, after, objects, state, p["allow_mass_delete"], p["mass_delete_limit"], p["mass_delete_share"])
            if refused:
                self.fail(refused)
        bgp_wanted = isinstance(wanted, dict) and wanted.get("bgp") is not None
        names, unmanaged = self.resource.removed_unmanaged(have, want, after, objects, wanted, version)
        for warning in kept_warnings(have, want, objects, version, state, bgp_wanted) + unmanaged:
            self.module.warn(mask_text(warning, self.secrets))
        if names is not None:  # (the leaves the model does not hold that go: issue 21)
            result["removed_unmanaged"] = [mask_text(name, self.secrets) for name in names]
        if pending is not None:
            return settle_pending(self, pending, commands, version, result)
        if commands:
            if self.module.check_mode:
                self.validate_on_router(commands, version)
            else:
                self.send(commands, version, have, after)
        result.update(changed=bool(commands), commands=mask_secrets(commands, version))
        if self.reports_states:
            result.update(before=mask_structure(self.resource.gather(have, version, wanted)),
                          after=mask_structure(self.resource.gather(after, version, wanted)))
        if self.module.check_mode:   # (a plan to review: playbooks/plan.yml reports it)
            plan = plan_summary(have, after, objects)
            result["plan"] = dict(plan, leaves_removed=mask_secrets(plan["leaves_removed"], version))
        if self.module._diff:
            before_lines, after_lines = masked_diff(owned_lines(have, objects), owned_lines(after, objects), version)
            result["diff"] = {"before": "\n".join(before_lines) + "\n", "after": "\n".join(after_lines) + "\n"}
        return result


def run_resource(module, resource):
    """Run ``resource`` for ``module`` and exit with the result."""
    result = Runner(module, resource).run()
    module.exit_json(**result)


def resource_module_main(module_class, argument_spec, resource, config_required_for=("merged", "replaced")):
    """``main()`` of a dmvpn.vyos resource module: the AnsibleModule, then :func:`run_resource`.

    ``module_class`` is the module file's own ``AnsibleModule`` name: netcommon's network action
    plugin runs a module inside the controller (no module subprocess, no AnsiballZ) only when it
    can swap that name for its direct-execution class.
    """
    module = module_class(argument_spec=argument_spec, supports_check_mode=True, **resource_rules(config_required_for))
    run_resource(module, resource)
