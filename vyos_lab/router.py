"""One emulated VyOS router: running/saved configuration, config sessions, commits, history,
commit-time checks per version, commit-confirm with automatic rollback, counters and faults."""

import collections
import os
import re
import threading
import time

from .config import CliError, Config, diff_commands
from .schemas import VERSION_INFO

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
        self.refuse_login = False
        # {"on": regex, "lines": [set lines]}: when a command matching "on" arrives, another
        # session (an operator at the CLI) commits those lines first; once
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
        self.faults = Faults()
        self.counters = Counters()
        # Every line a shell received, in order: (mode, line), mode "op" or "configure". Tests
        # compare it with the lines they expect (nothing injected, nothing extra). Bounded.
        self.journal = collections.deque(maxlen=JOURNAL_LINES)
        self.minute_seconds = minute_seconds or float(os.environ.get("VYOS_LAB_MINUTE_SECONDS", DEFAULT_MINUTE_SECONDS))
        self.sessions = set()
        self.confirm_timer = None
        self.confirm_previous = None
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
                os.makedirs(os.path.dirname(path), exist_ok=True)
                tmp = path + ".tmp"
                with open(tmp, "w") as handle:
                    handle.write("\n".join(self.saved.commands()) + "\n")
                os.replace(tmp, path)

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
# commit-time checks
# ------------------------------------------------------------------------------------------


def _first(values):
    return values[0] if isinstance(values, list) and values else None


def check_commit(router, running, candidate, deleted_paths):
    """Return VyOS-style error blocks for everything the commit must refuse."""
    version = candidate.version
    errors = []

    def fail(path, message):
        errors.append("[ %s ]\n%s\n\n[[%s]] failed" % (path, message, path))

    tunnels = candidate.get(["interfaces", "tunnel"]) or {}
    local_leaf = "local-ip" if version == "1.2" else "source-address"
    remote_leaf = "remote-ip" if version == "1.2" else "remote"
    nhrp_tunnels = candidate.get(["protocols", "nhrp", "tunnel"]) or {}

    for name, tun in tunnels.items():
        path = "interfaces tunnel %s" % name
        if not tun.get("encapsulation"):
            fail(path, "Must configure the tunnel encapsulation for %s!" % name)
            continue
        encap = _first(tun.get("encapsulation"))
        if version in ("1.4", "1.5") and encap == "gre" and _first(tun.get(local_leaf)) == "0.0.0.0" \
                and not (tun.get("parameters") or {}).get("ip", {}).get("key"):
            fail(path, "Tunnel parameters ip key must be set when using multipoint GRE with source-address 0.0.0.0!")
        # The DMVPN guide's rule: once a tunnel had a remote endpoint it only becomes multipoint
        # again when the interface is deleted and created anew.
        before = (running.get(["interfaces", "tunnel"]) or {}).get(name)
        if before and before.get(remote_leaf) and not tun.get(remote_leaf):
            recreated = any(p in deleted_paths
                            for p in [(), ("interfaces",), ("interfaces", "tunnel"), ("interfaces", "tunnel", name)])
            if not recreated:
                fail(path, "Tunnel %s had a remote endpoint (%s): it cannot become multipoint GRE in place. "
                           "Delete the interface and create it again without %s." % (name, remote_leaf, remote_leaf))
    if version in ("1.4", "1.5"):
        seen = {}
        for name, tun in tunnels.items():
            if _first(tun.get("encapsulation")) not in ("gre", "gretap"):
                continue
            src = _first(tun.get(local_leaf))
            key = _first((tun.get("parameters") or {}).get("ip", {}).get("key"))
            if src is None:
                continue
            if (src, key) in seen:
                fail("interfaces tunnel %s" % name, "Key %s for source-address %s is already used by tunnel %s!"
                     % (key, src, seen[(src, key)]))
            seen[(src, key)] = name

    for name, nh in nhrp_tunnels.items():
        path = "protocols nhrp tunnel %s" % name
        tun = tunnels.get(name)
        if tun is None:
            fail(path, "Tunnel used for NHRP, it can not be deleted!" if version in ("1.4", "1.5")
                 else "Interface %s does not exist" % name)
            continue
        if _first(tun.get("encapsulation")) != "gre":
            fail(path, "Tunnel encapsulation type must be set to GRE!")
        if tun.get(remote_leaf):
            fail(path, "Tunnel remote must not be configured on an NHRP (multipoint) tunnel!")
        if not tun.get("address"):
            fail(path, "Tunnel %s used for NHRP must have an address" % name)
        if version == "1.5":
            for addr in tun.get("address") or []:
                if ":" not in addr and not addr.endswith("/32"):
                    fail(path, "Tunnel is used for NHRP, Netmask should be /32!")
            if not nh.get("network-id"):
                # protocols_nhrp.py verify(); nhrpd keeps NHRP off without one
                fail(path, "network-id is mandatory for NHRP tunnel %s!" % name)
            for tip, entry in ((nh.get("nhs") or {}).get("tunnel-ip") or {}).items():
                if not entry.get("nbma"):
                    fail(path, "nhs tunnel-ip %s requires nbma" % tip)
            for tip, entry in ((nh.get("map") or {}).get("tunnel-ip") or {}).items():
                if not entry.get("nbma"):
                    fail(path, "map tunnel-ip %s requires nbma" % tip)
        else:
            for prefix, entry in (nh.get("map") or {}).items():
                if not entry.get("nbma-address"):
                    fail(path, "nbma-address is required for map %s" % prefix)
            for prefix, entry in (nh.get("dynamic-map") or {}).items():
                if not entry.get("nbma-domain-name"):
                    fail(path, "nbma-domain-name is required for dynamic-map %s" % prefix)

    ipsec = candidate.get(["vpn", "ipsec"]) or {}
    ethernet = candidate.get(["interfaces", "ethernet"]) or {}
    if version in ("1.2", "1.3"):
        ipsec_ifaces = (ipsec.get("ipsec-interfaces") or {}).get("interface") or []
        if_path = "vpn ipsec ipsec-interfaces interface"
    else:
        ipsec_ifaces = ipsec.get("interface") or []
        if_path = "vpn ipsec interface"
    for iface in ipsec_ifaces:
        base = iface.split(".")[0]
        if base.startswith("eth") and base not in ethernet:
            fail(if_path, "Interface %s does not exist" % iface)
    for pname, profile in (ipsec.get("profile") or {}).items():
        path = "vpn ipsec profile %s" % pname
        auth = profile.get("authentication") or {}
        if not auth or not auth.get("pre-shared-secret"):
            fail(path, "Authentication (mode pre-shared-secret and pre-shared-secret) must be configured for profile %s"
                 % pname)
        for group_kind in ("esp-group", "ike-group"):
            group = _first(profile.get(group_kind))
            if group is None:
                fail(path, "%s must be configured for profile %s" % (group_kind, pname))
            elif group not in (ipsec.get(group_kind) or {}):
                fail(path, "Invalid %s '%s' specified for profile %s" % (group_kind, group, pname))
        bind = (profile.get("bind") or {}).get("tunnel") or {}
        for tunnel in (bind if isinstance(bind, list) else list(bind)):
            if tunnel not in tunnels:
                fail(path, "Tunnel interface %s bound to profile %s does not exist" % (tunnel, pname))
        if bind and not ipsec_ifaces and version in ("1.2", "1.3"):
            fail(path, "No ipsec-interfaces configured: the profile cannot be bound")
    for gname, group in (ipsec.get("esp-group") or {}).items():
        if not group.get("proposal"):
            fail("vpn ipsec esp-group %s" % gname, "At least one proposal is required for esp-group %s" % gname)
    for gname, group in (ipsec.get("ike-group") or {}).items():
        if not group.get("proposal"):
            fail("vpn ipsec ike-group %s" % gname, "At least one proposal is required for ike-group %s" % gname)

    for prefix, route in ((candidate.get(["protocols", "static", "route"]) or {}).items()):
        if not route:
            fail("protocols static route %s" % prefix, "Route %s needs a next-hop, an interface or blackhole" % prefix)

    errors.extend(_check_bgp(candidate))
    return errors


def _check_bgp(candidate):
    errors = []
    bgp = candidate.get(["protocols", "bgp"]) or {}
    if not bgp:
        return errors
    if candidate.version in ("1.2", "1.3"):
        instances = list(bgp.items())
    else:
        if not bgp.get("system-as"):
            return ["[ protocols bgp ]\nBGP system-as number must be defined!\n\n[[protocols bgp]] failed"]
        instances = [(_first(bgp.get("system-as")), bgp)]
    for dummy_asn, inst in instances:
        groups = inst.get("peer-group") or {}
        for nbr, conf in (inst.get("neighbor") or {}).items():
            group = _first(conf.get("peer-group"))
            if group and group not in groups:
                errors.append("[ protocols bgp ]\nSpecified peer-group \"%s\" for neighbor \"%s\" does not exist!"
                              "\n\n[[protocols bgp]] failed" % (group, nbr))
            elif not conf.get("remote-as") and not (group and groups[group].get("remote-as")):
                errors.append("[ protocols bgp ]\nremote-as must be set under neighbor or peer-group for %s!"
                              "\n\n[[protocols bgp]] failed" % nbr)
        for prefix, entry in ((inst.get("listen") or {}).get("range") or {}).items():
            group = _first(entry.get("peer-group"))
            if not group or group not in groups:
                errors.append("[ protocols bgp ]\nListen range %s requires an existing peer-group!"
                              "\n\n[[protocols bgp]] failed" % prefix)
    return errors


# ------------------------------------------------------------------------------------------
# initial configuration
# ------------------------------------------------------------------------------------------


def _split_config_line(line):
    from .cli import split_words  # local import: cli depends on this module

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
        "set system ntp server time1.vyos.net",
        "set system syslog global facility all level 'info'",
    ]
    if version in ("1.2", "1.3"):
        lines.append("set system login user vyos level 'admin'")
    return lines
