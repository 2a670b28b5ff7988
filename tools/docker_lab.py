"""Docker images of emulated VyOS routers, built locally (no image registry is needed).

    python tools/docker_lab.py ensure   # Docker usable? (as root: install docker.io, start dockerd)
                                        # then build the images; exit 0 when ready, 3 when Docker
                                        # cannot be had here (the reason is printed)
    python tools/docker_lab.py build    # only build (Docker must be running)
    python tools/docker_lab.py status

Images (cached, keyed by their inputs; `docker image rm` one to rebuild it):
  dmvpn-vyos/debian-base:<key>   a Debian minbase root filesystem made with debootstrap
                                 (suite, package list and mirror of this machine's apt
                                 configuration) and imported with `docker import`
  dmvpn-vyos/lab-router:<key>    the base + a virtualenv with asyncssh (installed from wheels
                                 downloaded on the host: containers reach no package index)
                                 + vyos_lab; tagged :current too. One container per router;
                                 ROUTER_NAME and VYOS_VERSION choose it, SSH listens on 22,
                                 the lab control API on 9000; VYOS_LAB_PEERS (host:9000,...)
                                 names the other routers' containers, so that NHRP/IPsec state
                                 is computed across containers as across one lab's routers;
                                 VYOS_LAB_CONTROL_TOKEN is the token they share (required
                                 with VYOS_LAB_PEERS; molecule/docker/create.yml makes one).
"""

import contextlib
import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(REPO, ".cache", "docker")
SUITE = "bookworm"
PACKAGES = ["python3", "python3-venv", "ca-certificates"]
BASE = "dmvpn-vyos/debian-base"
ROUTER = "dmvpn-vyos/lab-router"
WHEEL_REQUIREMENTS = os.path.join(REPO, "requirements", "runtime-libs.txt")


def log(message):
    print("docker_lab: %s" % message, flush=True)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


@contextlib.contextmanager
def locked():
    """One builder at a time: ./dev test runs Molecule's `ensure` beside tools/ee.py, and both
    start dockerd, debootstrap and download wheels into the same cache."""
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, "build.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def docker_ok():
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          check=False).returncode == 0


# Where Debian puts the daemons and admin tools (dockerd, debootstrap, and the iptables that
# dockerd runs): a CI runner's PATH can lack them even as root.
SYSTEM_BIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin")


def with_system_bin_dirs():
    """Add the system's sbin folders to this process's PATH (children inherit it)."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    os.environ["PATH"] = os.pathsep.join([d for d in dirs if d] + [d for d in SYSTEM_BIN_DIRS if d not in dirs])


def ensure_docker():
    """Make Docker usable, or return the reason it cannot be."""
    with_system_bin_dirs()
    if docker_ok():
        return None
    if os.geteuid() != 0:
        return "Docker is not running and this is not root (cannot install docker.io or start dockerd)"
    if not shutil.which("dockerd"):
        if not shutil.which("apt-get"):
            return "no dockerd and no apt-get to install Debian's docker.io"
        log("installing Debian's docker.io")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "update", "-qq"], env=env, check=False).returncode != 0 or \
                subprocess.run(["apt-get", "install", "-y", "-qq", "docker.io"], env=env, check=False).returncode != 0:
            return "apt-get install docker.io failed"
    log("starting dockerd")
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, "dockerd.log"), "ab") as out:
        try:
            subprocess.Popen(["dockerd"], stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            return "cannot start dockerd: %s" % exc
    for dummy in range(60):
        if docker_ok():
            return None
        time.sleep(1)
    return "dockerd did not start (see .cache/docker/dockerd.log)"


def apt_mirror():
    """The Debian mirror this machine's apt uses (deb822 or one-line sources)."""
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        with open(path) as handle:
            for line in handle:
                if line.startswith("URIs:"):
                    uri = line.split()[1]
                    if uri.rstrip("/").endswith("/debian"):
                        return uri
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        if os.path.exists(path):
            with open(path) as handle:
                for line in handle:
                    words = line.split()
                    if len(words) > 2 and words[0] == "deb":
                        uri = next(w for w in words[1:] if not w.startswith("["))
                        if uri.rstrip("/").endswith("/debian"):
                            return uri
    raise SystemExit("docker_lab: no Debian mirror found in the apt configuration")


def key(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
    return digest.hexdigest()[:12]


def image_exists(tag):
    return subprocess.run(["docker", "image", "inspect", tag], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          check=False).returncode == 0


def build_base(packages=None):
    """The debootstrap image with PACKAGES (the routers') or the given Debian packages."""
    packages = PACKAGES if packages is None else packages
    with_system_bin_dirs()  # (debootstrap)
    mirror = apt_mirror()
    tag = "%s:%s" % (BASE, key(SUITE, packages, mirror))
    if image_exists(tag):
        return tag
    if not shutil.which("debootstrap"):
        log("installing Debian's debootstrap")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "debootstrap"], env=env)
    rootfs = tempfile.mkdtemp(prefix="rootfs-", dir=CACHE)
    log("debootstrap %s (minbase + %s) - a few minutes, once" % (SUITE, ", ".join(packages)))
    try:
        run(["debootstrap", "--variant=minbase", "--include=" + ",".join(packages), SUITE, rootfs, mirror],
            stdout=subprocess.DEVNULL)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        run(["docker", "import", "-", tag], stdin=tar.stdout, stdout=subprocess.DEVNULL)
        tar.wait()
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    return tag


def lab_requirements():
    """asyncssh (and only that) pinned as in requirements/runtime-libs.txt."""
    with open(WHEEL_REQUIREMENTS) as handle:
        reqs = [line.strip() for line in handle if line.startswith("asyncssh")]
    if not reqs:
        # an empty list would only fail later, inside pip, with a message about pip
        sys.exit("docker_lab: no asyncssh pin in %s (the lab's SSH server needs it)" % WHEEL_REQUIREMENTS)
    return reqs


def download_wheels(reqs):
    folder = os.path.join(CACHE, "wheels-" + key(reqs))
    if not os.path.isdir(folder) or not os.listdir(folder):
        log("downloading wheels for the containers (%s)" % ", ".join(reqs))
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--only-binary=:all:",
             "--python-version", "3.11", "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_28_x86_64",
             "--implementation", "cp", "-d", folder] + reqs)
    return folder


def source_digest():
    digest = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(REPO, "vyos_lab", "*.py"))):
        with open(path, "rb") as handle:
            digest.update(os.path.basename(path).encode() + handle.read())
    return digest.hexdigest()


DOCKERFILE = """FROM {base}
COPY wheels /tmp/wheels
RUN python3 -m venv /opt/lab && /opt/lab/bin/pip install --quiet --no-index --find-links /tmp/wheels {reqs} \\
    && rm -rf /tmp/wheels
COPY vyos_lab /opt/lab/src/vyos_lab
ENV PYTHONPATH=/opt/lab/src VYOS_LAB_IN_CONTAINER=1 ROUTER_NAME=vyos VYOS_VERSION=1.4
EXPOSE 22
EXPOSE 9000
CMD exec /opt/lab/bin/python -m vyos_lab --state-dir /var/lib/vyos-lab serve --host 0.0.0.0 \\
    --control-port 9000 --router "$ROUTER_NAME:$VYOS_VERSION:22"
"""


def build_router():
    base = build_base()
    reqs = lab_requirements()
    wheels = download_wheels(reqs)
    tag = "%s:%s" % (ROUTER, key(base, reqs, source_digest(), DOCKERFILE))
    if not image_exists(tag):
        log("building %s" % tag)
        context = tempfile.mkdtemp(prefix="context-", dir=CACHE)
        try:
            shutil.copytree(wheels, os.path.join(context, "wheels"))
            shutil.copytree(os.path.join(REPO, "vyos_lab"), os.path.join(context, "vyos_lab"),
                            ignore=shutil.ignore_patterns("__pycache__"))
            with open(os.path.join(context, "Dockerfile"), "w") as handle:
                handle.write(DOCKERFILE.format(base=base, reqs=" ".join(reqs)))
            run(["docker", "build", "--quiet", "-t", tag, context], stdout=subprocess.DEVNULL,
                env=dict(os.environ, DOCKER_BUILDKIT="0"))
        finally:
            shutil.rmtree(context, ignore_errors=True)
    run(["docker", "tag", tag, ROUTER + ":current"])
    return tag


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "status"
    os.makedirs(CACHE, exist_ok=True)
    if command == "ensure":
        with locked():
            reason = ensure_docker()
            if reason:
                print("docker_lab: NOT AVAILABLE: %s" % reason)
                sys.exit(3)
            log("ready: %s" % build_router())
    elif command == "build":
        with locked():
            log("ready: %s" % build_router())
    elif command == "status":
        print("docker usable: %s" % docker_ok())
        if docker_ok():
            subprocess.run(["docker", "images", "dmvpn-vyos/*"], check=False)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
