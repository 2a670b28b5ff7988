"""The VyOS command line of one SSH shell: operational and configuration mode."""

import asyncio
import re
import threading

from .config import CliError, compare_text, diff_commands
from .router import CommitError
from .shell import split_commands, split_pipes, split_words
from . import opmode

# What VyOS prints for a commit while another is in progress (router.py commits_in_progress).
COMMIT_LOCKED = "Configuration system temporarily locked due to another commit in progress"


class DropConnection(Exception):
    """The lab closes the SSH session here (fault injection or reboot)."""


def _apply_filter(text, spec):
    words = split_words(spec)
    if not words:
        raise CliError("\n  Invalid command: [|]\n")
    name, args = words[0], words[1:]
    lines = text.split("\n")
    if name in ("no-more", "more", "strip-private"):
        return text
    if name == "count":
        return str(len([x for x in lines if x]))
    if name in ("grep", "match", "except"):
        invert = name == "except"
        flags = 0
        pattern = None
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "-v":
                invert = True
            elif arg == "-i":
                flags |= re.IGNORECASE
            elif arg in ("-E", "-F", "-w"):
                pass
            elif arg == "-e" and i + 1 < len(args):
                i += 1
                pattern = args[i]
            else:
                pattern = arg
            i += 1
        if pattern is None:
            raise CliError("\n  Invalid command: [%s]\n" % spec)
        try:
            compiled = re.compile(pattern, flags)
        except re.error:
            compiled = re.compile(re.escape(pattern), flags)
        return "\n".join(x for x in lines if bool(compiled.search(x)) != invert)
    raise CliError("\n  Invalid command: [| %s]\n" % name)


class CliSession:
    """State of one interactive shell on a router."""

    user = "vyos"

    def __init__(self, router, lab=None):
        self.router = router
        self.lab = lab
        self.config = None  # ConfigSession while in configuration mode
        self.pending = None  # (question handler) while a prompt awaits an answer
        self.closed = False
        self.boot_id = router.boot_id
        router.sessions.add(self)
        router.counters.sessions += 1

    # -- prompt ------------------------------------------------------------------------------
    def prompt(self):
        if self.pending:
            return ""
        host = self.router.hostname
        if self.config is not None:
            return "[edit]\r\n%s@%s# " % (self.user, host)
        return "%s@%s:~$ " % (self.user, host)

    def close(self):
        self.closed = True
        if self.config is not None:
            self.config = None
        self.router.sessions.discard(self)

    def commit_as_operator(self, lines):
        """Another configuration session commits ``lines`` (fault injection)."""
        session = self.router.open_config_session()
        for text in lines:
            session.set(split_words(text)[1:])
        self.router.commit(session, comment="operator at the CLI", user="operator")

    def _start_foreign_commit(self, lines, hold_ms):
        """Another session's commit that is in progress for ``hold_ms`` (its lines applied at
        its end): meanwhile every other commit is refused, as VyOS's commit lock does."""
        router = self.router
        with router.lock:
            router.commits_in_progress += 1

        def finish():
            try:
                self.commit_as_operator(lines)
            finally:
                with router.lock:
                    router.commits_in_progress -= 1

        timer = threading.Timer(hold_ms / 1000.0, finish)  # (a thread: LocalConsole's loops end at once)
        timer.daemon = True
        timer.start()

    # -- dispatch ----------------------------------------------------------------------------
    async def execute(self, line):
        """Run one line; return the text to print before the next prompt."""
        if self.closed or self.boot_id != self.router.boot_id:
            raise DropConnection()
        router = self.router
        router.counters.commands += 1
        router.journal.append(("configure" if self.config is not None else "op", line))
        faults = router.faults
        if faults.drop_after_commands is not None:
            if faults.drop_after_commands <= 0:
                faults.drop_after_commands = None
                raise DropConnection()
            faults.drop_after_commands -= 1
        foreign = faults.foreign_commit
        if foreign and re.search(foreign["on"], line):
            faults.foreign_commit = None
            if foreign.get("hold_ms"):
                self._start_foreign_commit(foreign["lines"], foreign["hold_ms"])
            else:
                self.commit_as_operator(foreign["lines"])
        if faults.drop_on_command and re.search(faults.drop_on_command, line):
            faults.drop_on_command = None
            raise DropConnection()
        if self.pending:
            handler, self.pending = self.pending, None
            return await handler(line.strip())
        outputs = []
        for command in split_commands(line.strip()):
            if not command:
                continue
            try:
                if self.config is not None:
                    outputs.append(await self._config_mode(command))
                else:
                    outputs.append(await self._op_mode(command))
            except CliError as exc:
                outputs.append(str(exc))
        return "".join(o if o.endswith("\n") or o == "" else o + "\n" for o in outputs[:-1]) + \
            (outputs[-1] if outputs else "")

    async def _op_mode(self, line):
        pipes = split_pipes(line)
        words = split_words(pipes[0])
        if words[:1] == ["configure"] and len(pipes) == 1:
            self.router.counters.config_sessions += 1
            self.config = self.router.open_config_session()
            return ""
        if words == ["exit"]:
            raise DropConnection()
        output = await opmode.run(self, words)
        for spec in pipes[1:]:
            output = _apply_filter(output, spec)
        return output

    async def _config_mode(self, line):
        pipes = split_pipes(line)
        words = split_words(pipes[0])
        verb, args = words[0], words[1:]
        router = self.router
        session = self.config
        with router.lock:
            session.refresh()
        if verb == "set":
            router.counters.config_lines += 1
            refuse = router.faults.refuse_set
            if refuse and re.search(refuse, " ".join(args)):
                router.faults.refuse_set = None
                return "  Set failed (lab fault injection)\n"
            try:
                session.set(args)
            except CliError as exc:
                return str(exc) + "  Set failed\n"
            return ""
        if verb == "delete":
            router.counters.config_lines += 1
            try:
                session.delete(args)
            except CliError as exc:
                return str(exc) + "  Delete failed\n"
            return ""
        if verb == "run":
            output = await opmode.run(self, args)
            for spec in pipes[1:]:
                output = _apply_filter(output, spec)
            return output
        if verb == "compare":
            return self._compare(args)
        if verb == "show":
            conf = session.working
            node = conf
            if args:
                if not conf.exists(args):
                    return "\n  Configuration under specified path is empty\n"
                node = _sub_config(conf, args)
            output = node.curly()
            if pipes[1:] == ["commands"]:
                return "\n".join(node.commands(printed=True))
            for spec in pipes[1:]:
                output = _apply_filter(output, spec)
            return output
        if verb == "commit":
            return await self._commit(args)
        if verb == "commit-confirm":
            return await self._commit_confirm(args)
        if verb == "confirm":
            if router.confirm():
                return "Confirmed commit\n"
            return "\n  No confirmation required\n"
        if verb == "save":
            router.save()
            return "Saving configuration to '/config/config.boot'...\nDone\n"
        if verb == "discard":
            session.discard()
            return "  Changes have been discarded\n"
        if verb == "exit":
            if args == ["discard"]:
                self.config = None
                return "exit\n"
            if args:
                raise CliError("\n  Invalid command: [exit %s]\n" % " ".join(args))
            if session.changed():
                return ("Cannot exit: configuration modified.\n"
                        "Use 'exit discard' to discard the changes and exit.\n")
            self.config = None
            return "exit\n"
        if verb == "rollback":
            if len(args) != 1 or not args[0].isdigit():
                raise CliError("\n  Invalid command: [rollback %s]\n" % " ".join(args))
            return await self._guarded_commit(lambda: router.rollback(int(args[0]), session))
        if verb in ("top", "up", "edit"):
            return ""
        raise CliError("\n  Invalid command: [%s]\n" % verb)

    def _compare(self, args):
        session = self.config
        router = self.router
        if not args:
            old = router.running
            if old == session.working:
                return "No changes between working and active configurations.\n"
            return compare_text(old, session.working)
        if args == ["commands"]:
            return "\n".join(diff_commands(router.running, session.working))
        if args == ["saved"]:
            if router.saved == session.working:
                return "No changes between working and saved configurations.\n"
            return compare_text(router.saved, session.working)
        if len(args) == 1 and args[0].isdigit():
            rev = int(args[0])
            if rev >= len(router.history):
                raise CliError("\n  Invalid revision number %d\n" % rev)
            return compare_text(router.history[rev].config, session.working)
        raise CliError("\n  Invalid command: [compare %s]\n" % " ".join(args))

    async def _commit(self, args):
        comment = None
        if args:
            if args[0] != "comment" or len(args) != 2:
                raise CliError("\n  Invalid command: [commit %s]\n" % " ".join(args))
            comment = args[1]
        return await self._guarded_commit(lambda: self.router.commit(self.config, comment=comment))

    async def _guarded_commit(self, action):
        router = self.router
        with router.lock:
            if router.commits_in_progress:
                # (no "Commit failed": my_commit prints only this and exits 1; vyatta-cfg
                # src/commit/commit-algorithm.cpp doCommit and src/cli_bin.cpp doCommit)
                return COMMIT_LOCKED + "\n"
            router.commits_in_progress += 1
        try:
            return await self._commit_holding_the_lock(action)
        finally:
            with router.lock:
                router.commits_in_progress -= 1

    async def _commit_holding_the_lock(self, action):
        router = self.router
        faults = router.faults
        if faults.commit_delay_ms:
            await asyncio.sleep(faults.commit_delay_ms / 1000.0)
        drop = faults.drop_during_commit
        if drop == "before":
            faults.drop_during_commit = None
            raise DropConnection()
        try:
            changes = await asyncio.get_running_loop().run_in_executor(None, action)
        except CommitError as exc:
            return "%s\nCommit failed\n" % str(exc).rstrip("\n")
        if drop == "after":
            faults.drop_during_commit = None
            raise DropConnection()
        if not changes:
            return "No configuration changes to commit\n"
        return ""

    async def _commit_confirm(self, args):
        minutes = 10
        comment = None
        rest = list(args)
        if rest and rest[0].isdigit():
            minutes = int(rest.pop(0))
        if rest:
            if rest[0] != "comment" or len(rest) != 2:
                raise CliError("\n  Invalid command: [commit-confirm %s]\n" % " ".join(args))
            comment = rest[1]
        if not 1 <= minutes <= 65535:
            raise CliError("\n  Invalid commit-confirm time %d\n" % minutes)
        action = self.router.commit_confirm_action()
        verb = "reboot" if action == "reboot" else "reload the previous configuration"

        async def answer(reply):
            if reply not in ("", "y", "Y", "yes"):
                return "commit-confirm canceled\n"
            return await self._guarded_commit(
                lambda: self.router.commit_confirm(self.config, minutes, comment=comment))

        self.pending = answer
        return ("commit-confirm will automatically %s in %d minutes unless confirmed\nProceed? [confirm][y] "
                % (verb, minutes))


def _sub_config(conf, words):
    """A Config holding only ``words`` and what is below it (for ``show <path>``)."""
    sub = conf.copy()
    data = conf.get(words)
    sub.data = {}
    cursor = sub.data
    for word in words[:-1]:
        cursor = cursor.setdefault(word, {})
    cursor[words[-1]] = data
    return sub


class LocalConsole:
    """Drive one router's CLI without SSH, like a person at the console (tests, tools)."""

    def __init__(self, router, lab=None):
        self.router = router
        self.session = CliSession(router, lab)

    def __call__(self, line):
        # As over SSH, a carriage return or newline ends a command line.
        outputs = [asyncio.run(self.session.execute(part)) for part in re.split(r"\r\n|\r|\n", line)]
        return "".join(outputs)

    def configure(self, lines):
        """Enter configuration mode and send ``lines``; return {line: output} for failures."""
        self("configure")
        errors = {}
        for line in lines:
            out = self(line)
            if out.strip():
                errors[line] = out
        return errors
