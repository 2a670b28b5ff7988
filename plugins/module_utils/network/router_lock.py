# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The router lock: runs on this controller that change the same router take turns.

Used by ``runner.py`` around the read-diff-commit of one router. No Ansible imports: a file
lock in the controller's temporary folder.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import getpass
import json
import os
import re
import stat
import tempfile
import time

SHARED_FOLDER = "dmvpn.vyos-locks"


class LockError(Exception):
    """The lock could not be taken (another run held it too long, or no lock file could be
    made); nothing was sent to the router, and the message says so."""


class RouterLock:
    """Runs on this controller that change the same router take turns: an exclusive lock on a
    file named after the router's address and port, held from the read to the commit."""

    def __init__(self, key, timeout):
        self.name = re.sub(r"[^A-Za-z0-9_.-]", "_", key) + ".lock"
        self.timeout = timeout
        self.handle = None
        self.path = None
        self.warning = None  # set when the shared folder could not be trusted
        self.waited = None   # set when another run held the lock first

    @staticmethod
    def _folder(name, mode):
        """A lock folder in the controller's temporary folder (made with ``mode``)."""
        folder = os.path.join(tempfile.gettempdir(), name)
        try:
            os.mkdir(folder)
            os.chmod(folder, mode)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
        return folder

    @staticmethod
    def trusted(folder):
        """None when ``folder`` may hold lock files, else why not. Trusted: a real folder (not
        a link) owned by root with the sticky bit (as /tmp: nobody removes or replaces another
        user's file), or owned by this user and writable by nobody else."""
        try:
            info = os.lstat(folder)
        except OSError as exc:
            return "cannot be read (%s)" % exc
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            return "is not a folder (a link?)"
        if info.st_uid == 0 and info.st_mode & stat.S_ISVTX:
            return None
        if info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        return "is owned by uid %d and writable by others without the sticky bit of a root folder" % info.st_uid

    def _open(self):
        """The lock file: in the shared folder when it can be trusted (runs of every user take
        turns), else in a folder of this user's own, with a warning (runs of other users then
        do not wait for ours; the check before the commit still keeps changes apart). Lock
        files are readable by all and writable by their owner only: a lock needs no write
        access (flock works on a file opened for reading)."""
        shared = os.path.join(tempfile.gettempdir(), SHARED_FOLDER)
        if os.geteuid() == 0:
            self._folder(SHARED_FOLDER, 0o1777)  # (only root makes it: a user's would not be trusted)
        folders = []
        if os.path.lexists(shared):
            why = self.trusted(shared)
            if why is None:
                folders.append(shared)
            else:
                self.warning = ("the shared lock folder %s %s: using a folder of this user's own, so runs of other "
                                "users on this controller do not wait for this one" % (shared, why))
        private = self._folder("%s-%d" % (SHARED_FOLDER, os.getuid()), 0o700)
        if self.trusted(private) is None:
            folders.append(private)
        for folder in folders:
            path = os.path.join(folder, self.name)
            try:
                # O_NOFOLLOW: a symlink planted in the shared folder is not followed
                fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise LockError("the lock file %s is a symbolic link, which is refused; nothing was sent. "
                                    "Remove it" % path)
                if exc.errno not in (errno.EACCES, errno.EPERM):
                    raise
                continue
            self.path = path
            return os.fdopen(fd, "r")
        raise LockError("cannot create a lock file for this router in %s (nor in a folder of this user's own "
                        "there); nothing was sent" % tempfile.gettempdir())

    @property
    def warnings(self):
        """What the run should say: an untrusted shared folder, a wait for another run."""
        return [note for note in (self.warning, self.waited) if note]

    def _holder_path(self):
        # one file per user: in the shared (sticky) folder nobody may replace another's file
        return "%s.holder-%d" % (self.path, os.getuid())

    def holder(self):
        """Who holds the lock (read from the holder files next to it): "pid N of user U, for
        S s", or None when no live holder wrote one."""
        folder, prefix = os.path.dirname(self.path), os.path.basename(self.path) + ".holder-"
        try:
            names = [name for name in os.listdir(folder) if name.startswith(prefix)]
        except OSError:
            return None
        for name in names:
            try:
                with open(os.path.join(folder, name)) as handle:
                    info = json.load(handle)
                os.kill(int(info["pid"]), 0)
            except PermissionError:
                pass  # alive, another user's process
            except (OSError, ValueError, KeyError, TypeError):
                continue
            held = max(0, time.time() - float(info.get("since", time.time())))
            return "pid %d of user %s, for %d s" % (int(info["pid"]), info.get("user", "?"), held)
        return None

    def _write_holder(self):
        try:
            fd = os.open(self._holder_path(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "w") as handle:
                json.dump({"pid": os.getpid(), "user": getpass.getuser(), "since": time.time()}, handle)
        except OSError:
            pass  # (who holds the lock is information for waiting runs, not part of the lock)

    def __enter__(self):
        self.handle = self._open()
        start, holder = time.time(), None
        while True:
            try:
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._write_holder()
                if holder is not None:
                    self.waited = ("waited %d s for the router lock, which another run held (%s)"
                                   % (time.time() - start, holder))
                return self
            except (IOError, OSError) as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            holder = self.holder() or holder or "a run that did not say who it is"
            if time.time() - start >= self.timeout:
                self.handle.close()
                raise LockError("another run on this controller has been changing this router for %d seconds "
                                "(lock %s, held by %s); nothing was sent. Re-run when it is done, or raise "
                                "lock_timeout" % (self.timeout, self.path, holder))
            time.sleep(0.1)

    def __exit__(self, *exc_info):
        try:
            os.unlink(self._holder_path())
        except OSError:
            pass
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()
        return False
