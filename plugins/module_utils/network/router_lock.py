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
import os
import re
import tempfile
import time


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

    @staticmethod
    def _folder(name, mode):
        """A lock folder in the controller's temporary folder (shared: mode 1777, like /tmp)."""
        folder = os.path.join(tempfile.gettempdir(), name)
        try:
            os.mkdir(folder)
            os.chmod(folder, mode)
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
        return folder

    def _open(self):
        """The lock file, readable and writable by every user; in a folder of this user's own
        when the shared one cannot be used (runs of other users then do not wait for ours,
        the check before the commit still keeps changes apart)."""
        for folder, mode in (("dmvpn.vyos-locks", 0o1777), ("dmvpn.vyos-locks-%d" % os.getuid(), 0o700)):
            path = os.path.join(self._folder(folder, mode), self.name)
            try:
                # O_NOFOLLOW: a symlink planted in the shared folder is not followed
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise LockError("the lock file %s is a symbolic link, which is refused; nothing was sent. "
                                    "Remove it" % path)
                if exc.errno not in (errno.EACCES, errno.EPERM):
                    raise
                continue
            try:
                os.fchmod(fd, 0o666)
            except OSError:
                pass  # another user's file: it is already shared
            self.path = path
            return os.fdopen(fd, "r+")
        raise LockError("cannot create a lock file for this router in %s" % tempfile.gettempdir())

    def __enter__(self):
        self.handle = self._open()
        start = time.time()
        while True:
            try:
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except (IOError, OSError) as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.time() - start >= self.timeout:
                self.handle.close()
                raise LockError("another run on this controller has been changing this router for %d seconds "
                                "(lock %s); nothing was sent. Re-run when it is done, or raise lock_timeout"
                                % (self.timeout, self.path))
            time.sleep(0.1)

    def __exit__(self, *exc_info):
        fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
        self.handle.close()
        return False
