"""Command line of the emulated VyOS lab.

  python -m vyos_lab up      --inventory inventories/lab      start routers in the background
  python -m vyos_lab up      --router HUB:1.4:2201 --router SPOKE1:1.4:2202
  python -m vyos_lab up      --count 200 --version 1.5 --base-port 2300
  python -m vyos_lab status | down | counters
  python -m vyos_lab show    ROUTER "show configuration commands"
  python -m vyos_lab fault   ROUTER fail_commits=1 commit_delay_ms=500 | --clear
  python -m vyos_lab restart ROUTER
  python -m vyos_lab upgrade ROUTER 1.5                       a 1.4 router boots 1.5, its config migrated
  python -m vyos_lab serve   ...                              the same as up, in the foreground
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time

from .lab import Lab, RouterSpec, control_request
from .owner import TOKEN_FILE, open_private_log, private_dir, read_token, write_private
from .vault import LAB_VAULT_ID, vault_args

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_STATE = os.environ.get("VYOS_LAB_STATE", os.path.join(REPO, "lab", "state"))


# ------------------------------------------------------------------------------------------
# router specs
# ------------------------------------------------------------------------------------------


def specs_from_inventory(path, vault_ids=None):
    """Routers of an Ansible inventory: every host with ``ansible_port`` on a loopback host.

    Host vars read: ``ansible_host`` (default 127.0.0.1), ``ansible_port``, ``lab_vyos_version``
    (the VyOS version the lab emulates for it, default 1.4), ``lab_initial_config`` (set lines),
    ``lab_dhcp_address`` (the address a DHCP WAN gets).
    """
    exe = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")
    cmd = [exe if os.path.exists(exe) else "ansible-inventory", "-i", path, "--list"] + vault_args(vault_ids)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("vyos_lab: cannot read inventory %s:\n%s" % (path, proc.stderr.strip()))
    data = json.loads(proc.stdout)
    hostvars = data.get("_meta", {}).get("hostvars", {})
    specs = []
    for name in sorted(hostvars):
        hv = hostvars[name]
        if "ansible_port" not in hv:
            continue
        specs.append(RouterSpec(
            name=name,
            version=str(hv.get("lab_vyos_version", "1.4")),
            port=int(hv["ansible_port"]),
            host=hv.get("ansible_host", "127.0.0.1"),
            initial_lines=hv.get("lab_initial_config"),
            dhcp_address=hv.get("lab_dhcp_address"),
        ))
    if not specs:
        raise SystemExit("vyos_lab: no host in %s has ansible_port set" % path)
    return specs


def specs_from_args(args):
    if args.inventory:
        return specs_from_inventory(args.inventory, getattr(args, "vault_id", None))
    specs = []
    for item in args.router or []:
        parts = item.split(":")
        specs.append(RouterSpec(parts[0], parts[1] if len(parts) > 1 else args.version,
                                int(parts[2]) if len(parts) > 2 else 0, host=args.host))
    for index in range(args.count or 0):
        port = args.base_port + index if args.base_port else 0
        specs.append(RouterSpec("%s%d" % (args.prefix, index + 1), args.version, port))
    if not specs:
        raise SystemExit("vyos_lab: say which routers: --inventory, --router or --count")
    if getattr(args, "initial_config", None):
        for spec in specs:
            path = os.path.join(args.initial_config, spec.name + ".set")
            if os.path.exists(path):
                with open(path) as handle:
                    spec.initial_lines = [line for line in handle.read().splitlines() if line.strip()]
    return specs


# ------------------------------------------------------------------------------------------
# control client
# ------------------------------------------------------------------------------------------


def lab_info(state_dir):
    path = os.path.join(state_dir, "lab.json")
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def control(state_dir, **request):
    info = lab_info(state_dir)
    if info is None:
        raise SystemExit("vyos_lab: no lab is running (state dir %s)" % state_dir)
    try:
        token = read_token(state_dir)
    except OSError as exc:
        raise SystemExit("vyos_lab: cannot read the lab's control token %s: %s (only the lab's owner can)"
                         % (os.path.join(state_dir, TOKEN_FILE), exc.strerror))
    reply = control_request("127.0.0.1", info["control_port"], request, token=token)
    if not reply["ok"]:
        raise SystemExit("vyos_lab: %s" % reply["error"])
    return reply["result"]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


# ------------------------------------------------------------------------------------------
# commands
# ------------------------------------------------------------------------------------------


def cmd_serve(args):
    specs = specs_from_args(args)
    state_dir = private_dir(args.state_dir)
    if args.fresh:
        _wipe_routers(state_dir)
    lab = Lab(specs, state_dir=state_dir, minute_seconds=args.minute_seconds)

    async def main():
        await lab.start(control_port=args.control_port)
        info = {"pid": os.getpid(), "control_port": lab.control_port,
                "routers": [lab.describe(r) for r in lab.routers.values()]}
        write_private(os.path.join(state_dir, "lab.json"), json.dumps(info, indent=1))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(lab.stop()))
        await lab.stopped.wait()

    try:
        asyncio.run(main())
    finally:
        try:
            os.remove(os.path.join(state_dir, "lab.json"))
        except OSError:
            pass


def _wipe_routers(state_dir):
    import shutil

    shutil.rmtree(os.path.join(state_dir, "routers"), ignore_errors=True)


def cmd_up(args):
    info = lab_info(args.state_dir)
    if info and _alive(info["pid"]):
        raise SystemExit("vyos_lab: a lab is already running (pid %d); run 'down' first" % info["pid"])
    private_dir(args.state_dir)
    argv = [sys.executable, "-m", "vyos_lab", "--state-dir", args.state_dir, "serve"]
    for name in ("inventory", "version", "prefix", "minute_seconds", "initial_config"):
        value = getattr(args, name)
        if value is not None:
            argv += ["--" + name.replace("_", "-"), str(value)]
    for item in args.router or []:
        argv += ["--router", item]
    for vault_id in getattr(args, "vault_id", None) or []:
        argv += ["--vault-id", vault_id]
    if args.count:
        argv += ["--count", str(args.count), "--base-port", str(args.base_port)]
    if args.fresh:
        argv.append("--fresh")
    log = open_private_log(os.path.join(args.state_dir, "lab.log"))
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        info = lab_info(args.state_dir)
        if info and info["pid"] == proc.pid:
            break
        if proc.poll() is not None:
            raise SystemExit("vyos_lab: the lab did not start; see %s" % os.path.join(args.state_dir, "lab.log"))
        time.sleep(0.1)
    else:
        proc.kill()
        raise SystemExit("vyos_lab: the lab did not start within 120 s")
    _print_status(info["routers"], info["pid"])


def _print_status(routers, pid):
    print("lab pid %d: %d router(s)" % (pid, len(routers)))
    print("%-20s %-8s %-22s %-8s %s" % ("router", "version", "ssh", "commits", "state"))
    for r in routers:
        print("%-20s %-8s %-22s %-8s %s" % (r["name"], r["version"], "%s:%s" % (r["host"], r["port"]), r["commits"],
                                            "down" if r["down"] else "up"))


def cmd_down(args):
    info = lab_info(args.state_dir)
    if not info:
        print("vyos_lab: no lab running")
        return
    try:
        control(args.state_dir, op="shutdown")
    except (SystemExit, OSError):
        pass
    deadline = time.time() + 20
    while _alive(info["pid"]) and time.time() < deadline:
        time.sleep(0.1)
    if _alive(info["pid"]):
        os.kill(info["pid"], signal.SIGKILL)
    try:
        os.remove(os.path.join(args.state_dir, "lab.json"))
    except OSError:
        pass
    if args.wipe:
        import shutil

        shutil.rmtree(args.state_dir, ignore_errors=True)
    print("vyos_lab: stopped")


def cmd_status(args):
    info = lab_info(args.state_dir)
    if not info or not _alive(info["pid"]):
        print("vyos_lab: no lab running")
        sys.exit(1)
    _print_status(control(args.state_dir, op="status")["routers"], info["pid"])


def cmd_demo(args):
    """Fresh lab from the inventory, site.yml (which verifies), a summary; the lab keeps running."""
    import re

    info = lab_info(args.state_dir)
    if info and _alive(info["pid"]):
        cmd_down(argparse.Namespace(state_dir=args.state_dir, wipe=False))
    args.fresh = True
    args.router, args.count = None, None
    cmd_up(args)
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"),
               PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    playbook = [os.path.join(bin_dir, "ansible-playbook"), "-i", args.inventory,
                os.path.join(REPO, "playbooks", "site.yml")] + vault_args(args.vault_id)
    print("\n$ ansible-playbook -i %s playbooks/site.yml" % args.inventory, flush=True)
    rc = subprocess.call(playbook, cwd=REPO, env=env)
    print("\n== summary", flush=True)
    routers = control(args.state_dir, op="status")["routers"]
    print("%-12s %-8s %-8s %-24s %s" % ("router", "VyOS", "commits", "NHRP peers up", "IPsec SAs up"))
    for r in routers:
        version = r["version"]
        nhrp = control(args.state_dir, op="command", router=r["name"],
                       command="show ip nhrp cache" if version == "1.5" else "show nhrp tunnel")
        if version == "1.5":   # nhrpd's cache: a registered spoke (hub) or hub (spoke) is bound, type dynamic/nhs
            peers = len([line for line in nhrp.splitlines()[1:] if line.split()[1:2] in (["dynamic"], ["nhs"])])
        elif version == "1.4":   # opmode_show.opennhrp_table: a row per entry, the flags a column
            peers = len(re.findall(r"^\S+ +(?:dynamic|static|cached) +.* up(?: |$)", nhrp, re.M))
        else:
            peers = len(re.findall(r"Type: (?:dynamic|static|cached)\nProtocol-Address: \S+\n(?:NBMA-Address: \S+\n)?"
                                   r"Flags: up", nhrp))
        sas = control(args.state_dir, op="command", router=r["name"], command="show vpn ipsec sa")
        print("%-12s %-8s %-8s %-24s %s" % (r["name"], version, r["commits"], peers, sas.count(" up ")))
    print("\nThe lab keeps running: ssh -p %s vyos@127.0.0.1 (password vyos), "
          "'.venv/bin/python -m vyos_lab status', '... down' to stop it." % routers[0]["port"])
    print("Run the playbook again: nothing changes, no router commits (changed=0).")
    sys.exit(rc)


def _parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m vyos_lab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", default=DEFAULT_STATE)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "serve"):
        p = sub.add_parser(name)
        p.add_argument("--inventory")
        p.add_argument("--vault-id", action="append", help="vault id(s) for the inventory's vault (as ansible-playbook "
                       "takes them; default: the lab's, %s)" % LAB_VAULT_ID.split("@")[0])
        p.add_argument("--router", action="append", help="NAME[:VERSION[:PORT]]")
        p.add_argument("--count", type=int)
        p.add_argument("--prefix", default="R")
        p.add_argument("--version", default="1.4")
        p.add_argument("--base-port", type=int, default=0)
        p.add_argument("--minute-seconds", type=float, help="length of a commit-confirm minute (tests)")
        p.add_argument("--fresh", action="store_true", help="forget saved router configs")
        p.add_argument("--initial-config", help="folder of NAME.set files: first-boot config per router")
        p.add_argument("--host", default="127.0.0.1", help="listen address (loopback; any only in a lab container)")
        if name == "serve":
            p.add_argument("--control-port", type=int, default=0)
    p = sub.add_parser("demo", help="fresh lab from an inventory, then playbooks/site.yml and a summary")
    p.add_argument("--inventory", default=os.path.join(REPO, "inventories", "lab"))
    p.add_argument("--vault-id", action="append", help="vault id(s) for the inventory's vault (default: the lab's)")
    p.add_argument("--version", default="1.4")
    p.add_argument("--prefix", default="R")
    p.add_argument("--base-port", type=int, default=0)
    p.add_argument("--minute-seconds", type=float)
    p.add_argument("--initial-config")
    p = sub.add_parser("down")
    p.add_argument("--wipe", action="store_true", help="also remove the state directory")
    sub.add_parser("status")
    sub.add_parser("counters")
    p = sub.add_parser("show")
    p.add_argument("router")
    p.add_argument("op_command", nargs="+")
    p = sub.add_parser("fault")
    p.add_argument("router")
    p.add_argument("settings", nargs="*", help="name=value (JSON values)")
    p.add_argument("--clear", action="store_true")
    p = sub.add_parser("restart")
    p.add_argument("router")
    p = sub.add_parser("upgrade", help="boot a router on another VyOS version's image, its saved config migrated "
                       "as VyOS's migration scripts do (unsaved changes are lost, as on VyOS)")
    p.add_argument("router")
    p.add_argument("version", help="the version to boot (1.4 -> 1.5 is the upgrade the lab has)")
    args = parser.parse_args(argv)
    args.state_dir = os.path.abspath(args.state_dir)

    if args.command == "serve":
        cmd_serve(args)
    elif args.command == "up":
        cmd_up(args)
    elif args.command == "demo":
        cmd_demo(args)
    elif args.command == "down":
        cmd_down(args)
    elif args.command == "status":
        cmd_status(args)
    elif args.command == "counters":
        print(json.dumps(control(args.state_dir, op="counters"), indent=1))
    elif args.command == "show":
        print(control(args.state_dir, op="command", router=args.router, command=" ".join(args.op_command)))
    elif args.command == "fault":
        if args.clear:
            control(args.state_dir, op="clear_faults", router=args.router)
            print("faults cleared on %s" % args.router)
        else:
            values = dict(item.split("=", 1) for item in args.settings)
            result = control(args.state_dir, op="fault", router=args.router,
                             set={k: _parse_value(v) for k, v in values.items()})
            print(json.dumps(result, indent=1))
    elif args.command == "restart":
        control(args.state_dir, op="restart", router=args.router)
        print("%s restarted (unsaved changes lost)" % args.router)
    elif args.command == "upgrade":
        result = control(args.state_dir, op="upgrade", router=args.router, version=args.version)
        print("%(router)s: VyOS %(from)s -> %(to)s, saved config migrated (%(lines_changed)d lines changed)" % result)


if __name__ == "__main__":
    main()
