"""One emulated VyOS router: running/saved configuration, config sessions, commits, history,
commit-confirm with automatic rollback, counters and faults.

The state and its transitions live here; what a commit must refuse is in commit_checks.py.
"""

import collections
import os
import re
import threading
import time

from .commit_checks import check_commit
from .config import CliError, Config, diff_commands
from .owner import private_dir, write_private
from .schemas import VERSION_INFO
from .shell import split_words

DEFAULT_MINUTE_SECONDS = 60.0


class CommitError(Exception):
    """A commit the router refuses; ``text`` is what VyOS prints."""


class Faults:
    """Fault injection knobs for one router (set by tests through the lab's control API)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.fail_commits = 0          # the next N commits fail
        self.fail_message = "emulated commit failure (lab fault injection)"
        self.drop_after_commands = None  # close the SSH session after N more commands
        self.drop_on_command = None      # close it when a command matches this regex
        self.drop_during_commit = None   # "before" (nothing applied) or "after" (applied) the commit
        self.commit_delay_ms = 0
        self.refuse_set = None           # refuse a set line whose path matches this regex (once)
        self.refuse_login = False
        # {"on": regex, "lines": [set lines], "hold_ms": N}: when a command matching "on"
        # arrives, another session (an operator at the CLI) commits those lines first; once.
        # With hold_ms its commit is still in progress for N ms (its lines land at the end).
        self.foreign_commit = None
        self.down = False                # unreachable: refuses SSH, absent from DMVPN state

    def as_dict(self):
        return dict(vars(self))

    def update(self, **values):
        for key, value in values.items():
            if not hasattr(self, key):
                raise ValueError("unknown fault %r (known: %s)" % (key, ", ".join(sorted(vars(self)))))
            setattr(self, key, value)


JOURNAL_LINES = 100000


class Counters:
    def __init__(self):
        self.logins = 0
        self.logins_refused = 0
        self.sessions = 0
        self.config_sessions = 0  # times 'configure' was entered
        self.commands = 0
        self.input_chunks = 0   # reads of a shell's input: about one per round trip of the client
        self.config_lines = 0   # set/delete lines received
        self.commits = 0        # commits that changed the running config
        self.commit_attempts = 0
        self.failed_commits = 0
        self.rollbacks = 0
        self.saves = 0
        self.last_commit_lines = []  # compare-commands lines of the last commit

    def as_dict(self):
        return dict(vars(self))


class Revision:
    def __init__(self, config, user, via, comment):
        self.config = config
        self.user = user
        self.via = via
        self.comment = comment
        self.when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


class Router:
    def __init__(self, name, version, initial_lines=None, state_dir=None, lab=None, minute_seconds=None):
        if version not in VERSION_INFO:
            raise ValueError("unsupported VyOS version %r" % version)
        self.name = name
        self.version = version
        self.lab = lab
        self.state_dir = state_dir
        self.lock = threading.RLock()
        # Commits in progress (ours, or another session's held open by the foreign_commit
        # fault): VyOS runs one at a time and refuses the others at once, it does not queue
        # them (vyos/vyatta-cfg src/commit/commit-algorithm.cpp doCommit: getCommitLock, a
        # lockf F_TLOCK on /opt/vyatta/config/.lock, else "Configuration system temporarily
        # locked due to another commit in progress" and exit 1; crux 9063ccfa2314, equuleus
        # fd96c62776ec, current 0a5b58a0f9a2, the commit of 1.4 and 1.5 too).
        self.commits_in_progress = 0
        self.faults = Faults()
        self.counters = Counters()
        # Every line a shell received, in order: (mode, line), mode "op" or "configure". Tests
        # compare it with the lines they expect (nothing injected, nothing extra). Bounded.
        self.journal = collections.deque(maxlen=JOURNAL_LINES)
        self.minute_seconds = minute_seconds or float(os.environ.get("VYOS_LAB_MINUTE_SECONDS", DEFAULT_MINUTE_SECONDS))
        self.sessions = set()
        self.confirm_timer = None
        self.confirm_previous = None
        self.confirm_deadline = None  # when the pending commit-confirm rolls back (time.time())
        self.confirm_job = 0          # the `at` job number of the last commit-confirm (1.2/1.3)
        self.boot_id = 0
        saved = self._load_saved()
        if saved is None:
            saved = Config(version)
            for line in initial_lines or default_config_lines(name, version):
                words = _split_config_line(line)
                saved.set(words[1:])
        self.saved = saved
        self.running = saved.copy()
        self.history = [Revision(self.running.copy(), "root", "boot-config-loader", None)]

    # -- identity ----------------------------------------------------------------------------
    @property
    def hostname(self):
        values = self.running.get(["system", "host-name"]) or ["vyos"]
        return values[0]

    # -- persistence -------------------------------------------------------------------------
    def _saved_path(self):
        if not self.state_dir:
            return None
        return os.path.join(self.state_dir, "config.boot")

    def _load_saved(self):
        path = self._saved_path()
        if not path or not os.path.exists(path):
            return None
        config = Config(self.version)
        with open(path) as handle:
            for line in handle:
                if line.strip():
                    config.set(_split_config_line(line)[1:])
        return config

    def save(self):
        with self.lock:
            self.saved = self.running.copy()
            self.counters.saves += 1
            path = self._saved_path()
            if path:
                private_dir(self.state_dir)   # it holds the PSK and the NHRP key
                write_private(path, "\n".join(self.saved.commands()) + "\n")

    # -- sessions ----------------------------------------------------------------------------
    def open_config_session(self):
        return ConfigSession(self)

    # -- commits -----------------------------------------------------------------------------
    def commit(self, session, comment=None, user="vyos", via="cli"):
        """Commit the session's working config. Returns the list of changed lines."""
        with self.lock:
            self.counters.commit_attempts += 1
            candidate = session.candidate_for_commit()
            if self.faults.fail_commits:
                self.faults.fail_commits -= 1
                self.counters.failed_commits += 1
                raise CommitError(self.faults.fail_message)
            errors = check_commit(self, self.running, candidate, session.deleted_paths)
            if errors:
                self.counters.failed_commits += 1
                raise CommitError("\n\n".join(errors))
            changes = diff_commands(self.running, candidate)
            if not changes:
                session.rebase(self.running)
                return []
            self._apply(candidate, user, via, comment)
            self.counters.commits += 1
            self.counters.last_commit_lines = changes
            session.rebase(self.running)
            return changes

    def _apply(self, candidate, user, via, comment):
        self.running = candidate.copy()
        self.history.insert(0, Revision(self.running.copy(), user, via, comment))
        limit = int((self.running.get(["system", "config-management", "commit-revisions"]) or ["100"])[0])
        del self.history[limit + 1:]

    def commit_confirm(self, session, minutes, comment=None):
        with self.lock:
            previous = self.running.copy()
            changes = self.commit(session, comment=comment, via="cli (commit-confirm)")
            self._cancel_confirm_timer()
            self.confirm_previous = previous
            delay = max(0.05, minutes * self.minute_seconds)
            self.confirm_deadline = time.time() + delay
            self.confirm_job += 1
            self.confirm_timer = threading.Timer(delay, self._confirm_expired)
            self.confirm_timer.daemon = True
            self.confirm_timer.start()
            return changes

    def confirm(self):
        with self.lock:
            if self.confirm_timer is None:
                return False
            self._cancel_confirm_timer()
            self.confirm_previous = None
            return True

    def _cancel_confirm_timer(self):
        if self.confirm_timer is not None:
            self.confirm_timer.cancel()
            self.confirm_timer = None

    def commit_confirm_action(self):
        """``reboot`` (1.2/1.3 always; 1.4+ default) or ``reload`` (1.4+ when configured)."""
        if self.version in ("1.2", "1.3"):
            return "reboot"
        values = self.running.get(["system", "config-management", "commit-confirm", "action"])
        return values[0] if values else "reboot"

    def _confirm_expired(self):
        with self.lock:
            if self.confirm_timer is None:
                return
            self.confirm_timer = None
            self.counters.rollbacks += 1
            if self.commit_confirm_action() == "reload":
                previous = self.confirm_previous
                self.confirm_previous = None
                self._apply(previous, "root", "commit-confirm rollback", "rollback: commit not confirmed")
            else:
                self.confirm_previous = None
                self.reboot()

    def reboot(self):
        """Restart: unsaved changes are lost; open sessions are dropped."""
        with self.lock:
            self._cancel_confirm_timer()
            self.boot_id += 1
            self.running = self.saved.copy()
            self.history.insert(0, Revision(self.running.copy(), "root", "boot-config-loader", None))
            for session in list(self.sessions):
                session.close()

    def rollback(self, revision, session):
        with self.lock:
            if not 0 <= revision < len(self.history):
                raise CliError("\n  Invalid revision number %d\n" % revision)
            session.working = self.history[revision].config.copy()
            session.deleted_paths.add(())
            return self.commit(session, comment="rollback/%d" % revision)

    def snapshot(self):
        with self.lock:
            return {
                "name": self.name,
                "hostname": self.hostname,
                "version": self.version,
                "running": self.running.commands(),
                "saved": self.saved.commands(),
                "counters": self.counters.as_dict(),
                "faults": self.faults.as_dict(),
                "revisions": len(self.history),
                "commit_confirm_pending": self.confirm_timer is not None,
            }


class ConfigSession:
    """A configuration session (``configure``): a working copy of the running config."""

    def __init__(self, router):
        self.router = router
        with router.lock:
            self.base = router.running.copy()
        self.working = self.base.copy()
        self.ops = []
        self.deleted_paths = set()

    def set(self, words):
        self.working.set(words)
        self.ops.append(("set", list(words)))

    def delete(self, words):
        self.working.delete(words)
        self.ops.append(("delete", list(words)))
        self.deleted_paths.add(tuple(words))

    def changed(self):
        return self.working != self.base

    def discard(self):
        self.working = self.base.copy()
        self.ops = []
        self.deleted_paths = set()

    def refresh(self):
        """Follow commits made by other sessions: like VyOS's layered session view, the
        working config is always the running config plus this session's own changes."""
        running = self.router.running
        if running == self.base:
            return
        working = running.copy()
        kept = []
        for verb, words in self.ops:
            try:
                getattr(working, verb)(words)
            except CliError:
                continue  # no longer applies on top of the new running config
            kept.append((verb, words))
        self.base = running.copy()
        self.working = working
        self.ops = kept

    def candidate_for_commit(self):
        """The config to commit (commits are serialised by the router lock: never interleaved)."""
        self.refresh()
        return self.working.copy()

    def rebase(self, running):
        self.base = running.copy()
        self.working = running.copy()
        self.ops = []
        self.deleted_paths = set()


# ------------------------------------------------------------------------------------------
# initial configuration
# ------------------------------------------------------------------------------------------


def _split_config_line(line):
    return split_words(line.strip())


def default_config_lines(name, version, index=1):
    """What a freshly installed VyOS of ``version`` shows (host name set to ``name``)."""
    mac = "00:53:00:%02x:%02x" % ((index >> 8) & 0xFF, index & 0xFF)
    host_name = re.sub(r"[^A-Za-z0-9.-]", "-", name).strip("-.") or "vyos"  # VyOS host-name rules
    lines = [
        "set interfaces ethernet eth0 hw-id '%s:01'" % mac,
        "set interfaces ethernet eth1 hw-id '%s:02'" % mac,
        "set interfaces loopback lo",
        "set service ssh port '22'",
        "set system config-management commit-revisions '100'",
        "set system console device ttyS0 speed '115200'",
        "set system host-name '%s'" % host_name,
        "set system login user vyos authentication encrypted-password '$6$lab$emulatedvyoslabpasswordhashxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'",
        "set system syslog global facility all level 'info'",
    ]
    # NTP is 'system ntp' up to 1.3 and 'service ntp' from 1.4 (vyos-1x sagitta service_ntp.xml.in);
    # 'login user level' is crux only (vyatta-cfg-system crux; equuleus's system-login XML has none).
    old = version in ("1.2", "1.3")
    lines.append("set %s ntp server time1.vyos.net" % ("system" if old else "service"))
    if version == "1.2":
        lines.append("set system login user vyos level 'admin'")
    return sorted(lines)
