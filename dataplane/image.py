"""Image builder of the dataplane lab: a Debian kernel, a small initramfs and an ext4 root
filesystem with the software VyOS 1.5 runs underneath (Linux GRE/ESP, FRR, strongSwan).

Everything comes from Debian's packages (debootstrap). The result is cached under
``$DMVPN_DATAPLANE_CACHE`` (default ``~/.cache/dmvpn-vyos/dataplane``) in a folder named by a
hash of its inputs: the suite, the mirror, the package list, the guest files and this file.
Change any of them and the next run builds a new image; otherwise the build is skipped.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SUITE = "bookworm"
MIRROR = os.environ.get("DMVPN_DATAPLANE_MIRROR", "http://deb.debian.org/debian")

# What the guest needs: an init, the kernel (its initramfs is rebuilt small, see below), the
# DMVPN software (mGRE is in the kernel; FRR for nhrpd/bgpd/staticd; strongSwan's charon
# with swanctl/vici, as VyOS 1.5 uses them), nftables for the NHRP redirect rule, a DHCP
# client for DHCP WANs, and tools the checks use.
PACKAGES = (
    "systemd-sysv", "udev", "kmod", "netbase", "procps", "iproute2", "iputils-ping", "nftables",
    "isc-dhcp-client", "frr", "strongswan-swanctl", "charon-systemd", "tcpdump",
    "linux-image-amd64", "initramfs-tools", "zstd",
)

# The initramfs only has to find the root disk: virtio (PCI, block) and ext4.
INITRAMFS_MODULES = ("virtio_pci", "virtio_blk", "virtio_net", "virtio_console", "ext4")

GUEST_DIR = Path(__file__).resolve().parent / "guest"
ROOTFS_SIZE = "1536M"

# Services the launcher starts itself, in the order VyOS does (charon before FRR's nhrpd,
# which talks to it over vici), once the router's configuration is on the disk.
DISABLED_UNITS = ("frr.service", "strongswan.service", "apt-daily.timer", "apt-daily-upgrade.timer",
                  "e2scrub_all.timer", "fstrim.timer")


class BuildError(Exception):
    """The image could not be built; the message says which step and why."""


def cache_root():
    base = os.environ.get("DMVPN_DATAPLANE_CACHE")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))) / "dmvpn-vyos" / "dataplane"


def inputs_key():
    """A hash of everything the image is made from."""
    h = hashlib.sha256()
    h.update(json.dumps({"suite": SUITE, "mirror": MIRROR, "packages": PACKAGES,
                         "initramfs": INITRAMFS_MODULES, "size": ROOTFS_SIZE,
                         "disabled": DISABLED_UNITS}, sort_keys=True).encode())
    for path in sorted(GUEST_DIR.iterdir()) + [Path(__file__).resolve()]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class Image:
    """A built image: kernel, initramfs, root filesystem and what is in it."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.kernel = self.folder / "vmlinuz"
        self.initrd = self.folder / "initrd.img"
        self.rootfs = self.folder / "rootfs.img"
        self.manifest_path = self.folder / "manifest.json"

    @property
    def complete(self):
        return all(p.exists() for p in (self.kernel, self.initrd, self.rootfs, self.manifest_path))

    @property
    def manifest(self):
        return json.loads(self.manifest_path.read_text())


def _run(step, argv, **kwargs):
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise BuildError("%s failed (exit %d): %s\n%s" % (step, proc.returncode, " ".join(argv), tail))
    return proc.stdout


def _chroot(root, step, script):
    return _run(step, ["chroot", str(root), "/bin/sh", "-ec", script],
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"})


def _customise(root):
    """Guest settings: root disk, serial console, the agent, services started by the launcher."""
    (root / "etc/fstab").write_text("/dev/vda / ext4 defaults,noatime 0 1\n")
    (root / "etc/hostname").write_text("dataplane\n")
    agent = root / "usr/local/sbin/dp-agent"
    shutil.copy(GUEST_DIR / "dp-agent", agent)
    agent.chmod(0o755)
    shutil.copy(GUEST_DIR / "dp-agent.service", root / "etc/systemd/system/dp-agent.service")
    wants = root / "etc/systemd/system/multi-user.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    link = wants / "dp-agent.service"
    if not link.is_symlink():
        link.symlink_to("/etc/systemd/system/dp-agent.service")
    conf = root / "etc/initramfs-tools"
    (conf / "conf.d").mkdir(parents=True, exist_ok=True)
    (conf / "conf.d/dataplane").write_text("MODULES=list\nCOMPRESS=zstd\n")
    (conf / "modules").write_text("\n".join(INITRAMFS_MODULES) + "\n")
    _chroot(root, "disable services", "systemctl disable %s >/dev/null 2>&1 || true; "
            "systemctl mask systemd-networkd-wait-online.service >/dev/null 2>&1 || true" % " ".join(DISABLED_UNITS))
    _chroot(root, "rebuild the initramfs", "update-initramfs -u -k all >/dev/null")
    # Root may log in on the console without a password (the VMs only exist inside the
    # launcher's network namespace).
    _chroot(root, "console login", "passwd -d root >/dev/null")


def _versions(root):
    out = _chroot(root, "list packages", "dpkg-query -W -f '${Package} ${Version}\\n' frr strongswan-swanctl "
                  "charon-systemd iproute2 nftables 'linux-image-*-amd64'")
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def build(log=print, force=False):
    """Return the cached image for the current inputs, building it first when needed."""
    folder = cache_root() / inputs_key()
    image = Image(folder)
    if image.complete and not force:
        log("image: cached %s" % folder)
        return image
    for tool in ("debootstrap", "mkfs.ext4", "chroot"):
        if shutil.which(tool) is None:
            raise BuildError("%s is not installed (apt-get install debootstrap e2fsprogs)" % tool)
    if os.geteuid() != 0:
        raise BuildError("building the image needs root (debootstrap, chroot)")
    work = folder.with_name(folder.name + ".building")
    shutil.rmtree(work, ignore_errors=True)
    root = work / "root"
    root.mkdir(parents=True)
    log("image: debootstrap %s (%d packages) from %s; a few minutes" % (SUITE, len(PACKAGES), MIRROR))
    _run("debootstrap", ["debootstrap", "--variant=minbase", "--include=" + ",".join(PACKAGES),
                         SUITE, str(root), MIRROR])
    _customise(root)
    boot = root / "boot"
    kernels = sorted(boot.glob("vmlinuz-*"))
    initrds = sorted(boot.glob("initrd.img-*"))
    if not kernels or not initrds:
        raise BuildError("no kernel or initramfs in %s" % boot)
    shutil.copy(kernels[-1], work / "vmlinuz")
    shutil.copy(initrds[-1], work / "initrd.img")
    versions = _versions(root)
    shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
    (root / "var/cache/apt/archives/partial").mkdir(parents=True)
    log("image: root filesystem (ext4, %s, sparse)" % ROOTFS_SIZE)
    _run("mkfs.ext4", ["mkfs.ext4", "-q", "-F", "-L", "dataplane", "-d", str(root), str(work / "rootfs.img"), ROOTFS_SIZE])
    shutil.rmtree(root)
    (work / "manifest.json").write_text(json.dumps({"key": folder.name, "suite": SUITE, "packages": versions,
                                                    "kernel": kernels[-1].name}, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    work.rename(folder)
    log("image: built %s" % folder)
    return Image(folder)


if __name__ == "__main__":
    try:
        img = build(force="--force" in sys.argv)
    except BuildError as exc:
        sys.exit("dataplane: %s" % exc)
    print(json.dumps(img.manifest, indent=2))
