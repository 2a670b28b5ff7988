"""The check that a DHCP spoke whose WAN address changes registers again at the hub.

The underlay's DHCP server is told to give the spoke another address; the spoke releases its
lease (dhclient-script removes the old address) and asks again, so it gets the new one. Pass
when, within one NHRP holdtime of the new lease, the hub's ``show ip nhrp cache`` has the
spoke's tunnel address as ``dynamic`` with the new address as NBMA, and the spoke's LAN
reaches the hub's LAN again. The spoke gets its first address back on the next boot.
"""

import ipaddress
import os
import time

import yaml

from . import checks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GROUP_VARS = os.path.join(ROOT, "dataplane", "inventory", "group_vars", "dmvpn", "dmvpn.yml")
MOVED_SPOKE_INDEX = 1           # the second spoke: not the one the wrong-key check cuts off
NEW_ADDRESS_OFFSET = 100        # 203.0.113.12 -> 203.0.113.112
# What the capture mode records of nhrpd and swanctl besides what the checks read.
NHRP_VIEWS = ("show ip nhrp cache", "show ip nhrp cache json", "show ip nhrp nhs", "show ip nhrp nhs json",
              "show ip nhrp shortcut", "show ip nhrp shortcut json", "show dmvpn", "swanctl --list-sas")


def holdtime():
    """The NHRP holdtime the dataplane inventory sets (seconds)."""
    with open(GROUP_VARS) as fh:
        return int(yaml.safe_load(fh)["dmvpn_nhrp_holding_time"])


def check(run, phase, guests, specs):
    spoke = run.spokes[MOVED_SPOKE_INDEX]
    hub = run.lab.vms[run.hubs[0]]
    vm = run.lab.vms[spoke]
    wan = guests[spoke].wan[0]
    tunnel_ip = guests[spoke].tunnel_ip
    old = specs[spoke]["dhcp_address"]
    new = str(ipaddress.IPv4Address(old) + NEW_ADDRESS_OFFSET)
    limit = holdtime()
    run.lab.set_lease(spoke, new)
    try:
        pidfile = "/run/dhclient.%s.pid" % wan
        vm.run("dhclient -4 -r -pf %s %s; dhclient -4 -1 -pf %s %s" % (pidfile, wan, pidfile, wan), timeout=90)
        start = time.time()
        address = run.read(phase, vm, "ip -4 -o addr show dev %s" % wan)
        cache = checks.wait_for(lambda: checks.nhrp_cache(run.read(phase + "-new-lease", hub, "show ip nhrp cache")),
                                lambda cache: cache.get(tunnel_ip) == ("dynamic", new), limit, interval=1)
        seconds = time.time() - start
        kind, nbma = cache.get(tunnel_ip, (None, None))
        ok = (" %s/" % new) in address and (kind, nbma) == ("dynamic", new) and seconds <= limit
        run.report.add(phase, "new DHCP address registered at %s" % run.hubs[0], spoke, ok,
                       "%s -> NBMA %s (%s) %.0f s after the new lease %s (was %s; holdtime %d s)"
                       % (tunnel_ip, nbma, kind, seconds, new, old, limit))
        if run.capture.on:
            for command in NHRP_VIEWS:
                run.read(phase + "-new-lease", vm, command)
        run.ping(phase, spoke, run.hubs[0])
    finally:
        run.lab.set_lease(spoke, old)
