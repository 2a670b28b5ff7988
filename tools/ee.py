"""The dmvpn.vyos execution environment: build it with ansible-builder, run site.yml inside it.

    python tools/ee.py all          # ensure Docker, build (cached), introspect, run; the default
    python tools/ee.py build        # only the image (prints its tag)
    python tools/ee.py introspect   # ansible-builder introspect on the installed Galaxy artifact
    python tools/ee.py run          # converge, idempotence and verify inside the built image

Exit 0 when every step passed, 1 when one failed, 3 when Docker cannot be had here (the
reason is printed as "ee: NOT AVAILABLE: ...", which ./dev turns into a SKIPPED line).

The image is built from execution-environment.yml (ansible-builder v3) on the base image
named by DMVPN_EE_BASE_IMAGE, by default dmvpn-vyos/ee-base:<key>: a Debian minbase made by
tools/docker_lab.py (debootstrap, no registry) with libssh-4 and a venv at /opt/ee. The
containers reach no package index (this machine reaches PyPI only through a TLS-intercepting
proxy whose CA the images lack, with host networking too), so every Python package the build
installs is downloaded here as a wheel into build/ee/wheels and pip in the build uses only
those (build/ee/pip.conf: no-index, find-links). Image tag dmvpn-vyos/ee:<key of its inputs>.

The run: three lab-router containers (the guide's topology, inventories/lab, VyOS 1.4) on a
Docker network of their own, no port published; ansible-runner starts the EE container on
that network (process isolation with docker, as AWX runs a job in its EE) and runs the
collection's own playbooks from the installed artifact: dmvpn.vyos.site twice (converge must
change every router, the second run none), then dmvpn.vyos.verify.
"""

import glob
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docker_lab  # noqa: E402  (the lab's images and helpers, shared, not copied)

REPO = docker_lab.REPO
WORK = os.path.join(REPO, "build", "ee")
DEFINITION = os.path.join(REPO, "execution-environment.yml")
EE_BASE = "dmvpn-vyos/ee-base"
EE_IMAGE = "dmvpn-vyos/ee"
# libssh-4: bindep.txt's runtime package, in the rootfs because the build cannot reach apt.
BASE_PACKAGES = docker_lab.PACKAGES + ["libssh-4"]
BASE_DOCKERFILE = """FROM {rootfs}
RUN python3 -m venv /opt/ee
ENV PATH=/opt/ee/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
"""
# What ansible-builder's builder stage installs itself (containerfile.py, "pip install bindep
# pyyaml packaging"): wheels for them too.
BUILDER_PACKAGES = ["bindep", "pyyaml", "packaging"]
NETWORK = "dmvpn-ee"
ROUTERS = {"HUB": "dmvpn-ee-hub", "SPOKE1": "dmvpn-ee-spoke1", "SPOKE2": "dmvpn-ee-spoke2"}
LAB_VERSION = "1.4"
LAB_INVENTORY = os.path.join(REPO, "inventories", "lab")
VAULT_FILE = "vault-password.LAB-ONLY.txt"


def log(message):
    print("ee: %s" % message, flush=True)


def bin_path(name):
    return os.path.join(os.path.dirname(sys.executable), name)


def definition():
    with open(DEFINITION) as handle:
        return yaml.safe_load(handle)


def collection_requirements():
    with open(os.path.join(REPO, "requirements.txt")) as handle:
        return [line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()]


def pip_packages(ee):
    """Every Python package the build installs: ansible-core, ansible-runner, dumb-init, the
    definition's python list, the collection's requirements.txt and the builder's tools."""
    deps = ee["dependencies"]
    reqs = [deps["ansible_core"]["package_pip"], deps["ansible_runner"]["package_pip"],
            ee["options"]["container_init"]["package_pip"]]
    return reqs + list(deps["python"]) + collection_requirements() + BUILDER_PACKAGES


def build_artifact():
    """The Galaxy artifact, as users get it, as build/ee/collections/dmvpn-vyos.tar.gz."""
    folder = os.path.join(WORK, "collections")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    scratch = tempfile.mkdtemp(dir=WORK)
    try:
        docker_lab.run([bin_path("ansible-galaxy"), "collection", "build", "--force", "--output-path", scratch, REPO],
                       stdout=subprocess.DEVNULL)
        (built,) = glob.glob(os.path.join(scratch, "dmvpn-vyos-*.tar.gz"))
        target = os.path.join(folder, "dmvpn-vyos.tar.gz")
        shutil.move(built, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def artifact_digest(path):
    """The artifact's content (FILES.json holds every file's checksum), not its tar mtimes."""
    with tarfile.open(path) as tar:
        return tar.extractfile("FILES.json").read() + tar.extractfile("MANIFEST.json").read()


def base_image():
    named = os.environ.get("DMVPN_EE_BASE_IMAGE")
    if named:
        return named
    rootfs = docker_lab.build_base(BASE_PACKAGES)
    dockerfile = BASE_DOCKERFILE.format(rootfs=rootfs)
    tag = "%s:%s" % (EE_BASE, docker_lab.key(rootfs, dockerfile))
    if not docker_lab.image_exists(tag):
        log("building %s" % tag)
        context = tempfile.mkdtemp(dir=WORK)
        try:
            with open(os.path.join(context, "Dockerfile"), "w") as handle:
                handle.write(dockerfile)
            docker_lab.run(["docker", "build", "--quiet", "-t", tag, context], stdout=subprocess.DEVNULL,
                           env=dict(os.environ, DOCKER_BUILDKIT="0"))
        finally:
            shutil.rmtree(context, ignore_errors=True)
    return tag


def build():
    """Build the EE image (cached by its inputs); return (tag, seconds spent, built?)."""
    start = time.time()
    os.makedirs(WORK, exist_ok=True)
    ee = definition()
    base = base_image()
    artifact = build_artifact()
    reqs = pip_packages(ee)
    wheels = docker_lab.download_wheels(reqs)
    from importlib.metadata import version

    with open(DEFINITION, "rb") as handle:
        tag = "%s:%s" % (EE_IMAGE, docker_lab.key(base, handle.read(), artifact_digest(artifact), sorted(os.listdir(wheels)),
                                                  version("ansible-builder")))
    built = not docker_lab.image_exists(tag)
    if built:
        log("ansible-builder build -t %s (base %s)" % (tag, base))
        staged = os.path.join(WORK, "wheels")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(wheels, staged)
        with open(os.path.join(WORK, "pip.conf"), "w") as handle:
            handle.write("[global]\nno-index = true\nfind-links = /wheels\n")
        context = os.path.join(WORK, "context")
        shutil.rmtree(context, ignore_errors=True)
        result = subprocess.run(
            [bin_path("ansible-builder"), "build", "--file", DEFINITION, "--context", context, "--tag", tag,
             "--container-runtime", "docker", "--build-arg", "EE_BASE_IMAGE=%s" % base, "--verbosity", "2"],
            cwd=REPO, env=dict(os.environ, DOCKER_BUILDKIT="0"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, check=False)
        if result.returncode != 0:
            print(result.stdout[-6000:])
            raise SystemExit("ee: ansible-builder build failed (rc %d)" % result.returncode)
    docker_lab.run(["docker", "tag", tag, EE_IMAGE + ":current"])
    # Earlier keys' images (every change to the collection makes one): only this one is used.
    tags = subprocess.run(["docker", "images", EE_IMAGE, "--format", "{{.Repository}}:{{.Tag}}"], check=True,
                          capture_output=True, text=True).stdout.split()
    stale = [old for old in tags if old not in (tag, EE_IMAGE + ":current")]
    if stale:
        subprocess.run(["docker", "image", "rm"] + stale, capture_output=True, check=False)
    return tag, time.time() - start, built


def image_collections(tag):
    """The collections ansible-galaxy finds inside the image: {name: (version, path)}."""
    out = subprocess.run(["docker", "run", "--rm", tag, "ansible-galaxy", "collection", "list", "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    found = {}
    for path, collections in json.loads(out).items():
        for name, info in collections.items():
            found.setdefault(name, (info["version"], path))
    return found


def introspect():
    """ansible-builder introspect on the artifact installed as users install it; return its
    output and the problems (a dependency of requirements.txt or bindep.txt not listed)."""
    scratch = tempfile.mkdtemp(dir=WORK)
    try:
        artifact = build_artifact()
        # (stderr: ansible-galaxy's warning that the scratch folder is on no collection path)
        docker_lab.run([bin_path("ansible-galaxy"), "collection", "install", "--force", "--no-deps", "-p", scratch, artifact],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = subprocess.run([bin_path("ansible-builder"), "introspect", scratch],
                             check=True, capture_output=True, text=True).stdout.replace(scratch, "<installed artifact>")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    data = yaml.safe_load(out) or {}
    listed = {entry.split("#")[0].strip() for entry in (data.get("python") or []) + (data.get("system") or [])
              if "from collection dmvpn.vyos" in entry}
    with open(os.path.join(REPO, "bindep.txt")) as handle:
        system = [line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()]
    problems = ["%s (requirements.txt) not listed" % req for req in collection_requirements() if req not in listed]
    problems += ["%s (bindep.txt) not listed" % req for req in system if req not in listed]
    return out, problems


def start_routers(image):
    """The lab's three routers, one container each, on a network of their own."""
    stop_routers()
    docker_lab.run(["docker", "network", "create", NETWORK], stdout=subprocess.DEVNULL)
    peers = ",".join("%s:9000" % name for name in ROUTERS.values())
    # (the token reaches docker through its environment, never its command line)
    env = dict(os.environ, VYOS_LAB_CONTROL_TOKEN=secrets.token_urlsafe(32))
    for router, name in ROUTERS.items():
        docker_lab.run(["docker", "run", "--detach", "--name", name, "--hostname", name, "--label", "owner=dmvpn-ee",
                        "--network", NETWORK, "--env", "ROUTER_NAME=" + router, "--env", "VYOS_VERSION=" + LAB_VERSION,
                        "--env", "VYOS_LAB_PEERS=" + peers, "--env", "VYOS_LAB_CONTROL_TOKEN", image],
                       env=env, stdout=subprocess.DEVNULL)
    probe = "import socket; socket.create_connection(('127.0.0.1', 22), 2).recv(4)"
    for name in ROUTERS.values():
        for dummy in range(60):
            if subprocess.run(["docker", "exec", name, "/opt/lab/bin/python", "-c", probe], capture_output=True,
                              check=False).returncode == 0:
                break
            time.sleep(1)
        else:
            raise SystemExit("ee: router container %s does not answer SSH" % name)


def stop_routers():
    subprocess.run(["docker", "rm", "--force"] + list(ROUTERS.values()), capture_output=True, check=False)
    subprocess.run(["docker", "network", "rm", NETWORK], capture_output=True, check=False)


def private_data_dir():
    """ansible-runner's input: the lab inventory with the routers' container names."""
    root = os.path.join(WORK, "runner")
    shutil.rmtree(root, ignore_errors=True)
    inventory = os.path.join(root, "inventory")
    os.makedirs(os.path.join(root, "project"))
    for part in ("group_vars", "host_vars"):
        shutil.copytree(os.path.join(LAB_INVENTORY, part), os.path.join(inventory, part))
    with open(os.path.join(LAB_INVENTORY, "hosts.yml")) as handle:
        hosts = yaml.safe_load(handle)
    for group in hosts["all"]["children"]["dmvpn"]["children"].values():
        for router, hostvars in group["hosts"].items():
            hostvars.update(ansible_host=ROUTERS[router], ansible_port=22)
    with open(os.path.join(inventory, "hosts.yml"), "w") as handle:
        yaml.safe_dump(hosts, handle)
    shutil.copy(os.path.join(LAB_INVENTORY, VAULT_FILE), os.path.join(root, VAULT_FILE))
    return root


def run_playbook(root, tag, playbook, extravars=None):
    import ansible_runner

    start = time.time()
    result = ansible_runner.run(
        private_data_dir=root, playbook=playbook, extravars=extravars or {}, quiet=True,
        cmdline="--vault-id lab@/runner/%s" % VAULT_FILE,
        process_isolation=True, process_isolation_executable="docker", container_image=tag,
        container_options=["--network=%s" % NETWORK])
    seconds = time.time() - start
    if result.rc != 0:
        print(result.stdout.read()[-8000:])
    return result, seconds


def run(tag, router_image):
    """Converge, idempotence, verify inside the image; return (rows, passed)."""
    rows = []
    start_routers(router_image)
    try:
        root = private_data_dir()
        steps = [("converge", "dmvpn.vyos.site", {"dmvpn_verify": False}, "every router changed"),
                 ("idempotence", "dmvpn.vyos.site", {"dmvpn_verify": False}, "changed=0 on every router"),
                 ("verify", "dmvpn.vyos.verify", None, "verify.yml passed")]
        for step, playbook, extravars, wanted in steps:
            result, seconds = run_playbook(root, tag, playbook, extravars)
            stats = result.stats or {}
            changed = {host: stats.get("changed", {}).get(host, 0) for host in ROUTERS}
            ok = result.rc == 0 and not stats.get("failures") and not stats.get("dark")
            if step == "converge":
                ok = ok and all(changed.values())
            elif step == "idempotence":
                ok = ok and not any(changed.values())
            rows.append((step, ok, seconds, "rc=%s changed=%s (%s)" % (result.rc, changed, wanted)))
            if not ok:
                break
    finally:
        stop_routers()
    return rows, all(row[1] for row in rows) and len(rows) == 3


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else "all"
    if command not in ("all", "build", "introspect", "run"):
        raise SystemExit(__doc__)
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(docker_lab.CACHE, exist_ok=True)
    passed = True
    if command in ("all", "introspect"):
        out, problems = introspect()
        log("ansible-builder introspect on the installed artifact:\n" + out.rstrip())
        for problem in problems:
            log("FAILED introspect: " + problem)
        passed = not problems
        if command == "introspect":
            sys.exit(0 if passed else 1)
    with docker_lab.locked():
        reason = docker_lab.ensure_docker()
        if reason:
            print("ee: NOT AVAILABLE: %s" % reason)
            sys.exit(3)
        tag, seconds, built = build()
        router_image = docker_lab.build_router()
    found = image_collections(tag)
    log("image %s (%s in %.0f s); collections inside: %s" % (
        tag, "built" if built else "cached", seconds,
        ", ".join("%s %s" % (name, found[name][0]) for name in ("dmvpn.vyos", "vyos.vyos", "ansible.netcommon")
                  if name in found)))
    missing = [name for name in ("dmvpn.vyos", "vyos.vyos", "ansible.netcommon") if name not in found]
    if missing:
        log("FAILED: not in the image: %s" % ", ".join(missing))
        sys.exit(1)
    if command == "build":
        sys.exit(0)
    rows, ok = run(tag, router_image)
    print("\nee: site.yml inside %s (ansible-runner, docker)" % tag)
    for step, step_ok, step_seconds, detail in rows:
        print("  %-12s %-6s %5.0f s  %s" % (step, "passed" if step_ok else "FAILED", step_seconds, detail))
    sys.exit(0 if ok and passed else 1)


if __name__ == "__main__":
    main()
