"""What only the lab's owner may read or drive (issue 19 item 14): its state files and its
control API.

The state files hold what the routers hold (config.boot with the PSKs and NHRP keys, the SSH
host key) and the control API changes router state, injects faults and reads running
configs. So the state dir and every folder in it are 0700, every file the lab writes 0600,
created so (os.open with the mode; an existing file is replaced, never rewritten in place), and
every control request carries the lab's token, kept in the state dir (control.token, 0600).

Why a token over TCP rather than a Unix socket of mode 0600: the control API also serves peer
labs in other containers (VYOS_LAB_PEERS, port 9000 on the lab's Docker network, which a
socket file cannot cross), and every client (CLI, tests, benchmarks) already speaks host:port.
A token works the same on both paths; peers share one through VYOS_LAB_CONTROL_TOKEN.
"""

import hmac
import os
import secrets
import stat

TOKEN_FILE = "control.token"
TOKEN_ENV = "VYOS_LAB_CONTROL_TOKEN"
DIR_MODE = 0o700
FILE_MODE = 0o600
REFUSED = ("refused: the lab control API takes requests only with the lab owner's token "
           "(the 'token' field; it is in %s of the lab's state dir)" % TOKEN_FILE)


def private_dir(path):
    """Create ``path`` with mode 0700, missing parents too (os.makedirs would give them the
    umask's mode: routers/ of routers/NAME), or tighten it to 0700 when it exists (a state dir
    of an earlier lab version was made with the umask's mode)."""
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        private_dir(parent)
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        pass
    if stat.S_IMODE(os.stat(path).st_mode) != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def write_private(path, data):
    """Write ``data`` (str or bytes) to ``path`` with mode 0600 from its first byte: a new file
    made with O_EXCL (never another's file or a symlink planted there), then renamed over
    ``path``."""
    if isinstance(data, str):
        data = data.encode()
    tmp = "%s.%d.tmp" % (path, os.getpid())
    try:
        os.unlink(tmp)   # a leftover of a crashed write
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def open_private_log(path):
    """``path`` opened for appending (binary), mode 0600 (also when an earlier lab made it)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "ab")


def tighten(path):
    """An existing secret file of an earlier lab version (the SSH host key) made 0600."""
    if stat.S_IMODE(os.stat(path).st_mode) != FILE_MODE:
        os.chmod(path, FILE_MODE)


def lab_token(state_dir):
    """The token of a starting lab: VYOS_LAB_CONTROL_TOKEN when set (peer labs share one),
    else a new random one per start; written to the state dir's control.token (0600)."""
    token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(32)
    if state_dir:
        write_private(os.path.join(private_dir(state_dir), TOKEN_FILE), token + "\n")
    return token


def read_token(state_dir):
    """The token of the lab whose state dir is ``state_dir`` (for its clients)."""
    with open(os.path.join(state_dir, TOKEN_FILE)) as handle:
        return handle.read().strip()


def token_matches(expected, given):
    """True when ``given`` (a request's token field) is the lab's token; constant time."""
    if not isinstance(given, str) or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
