# -*- coding: utf-8 -*-
# Copyright: dmvpn.vyos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet engine: every router of a run at once, bounded, from one controller process.

One asyncio event loop (its own thread) carries every router's SSH shell; a pool of worker
threads runs each router's synchronous Runner (fleet_runner.py), whose shell calls go to the
loop. Routers go in waves, as site.yml's plays go (hubs, then spokes): a wave ends before the
next begins. One router's failure or unreachability is its own result; the others go on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_runner import run_router

DEFAULT_CONCURRENCY = 50   # routers at once (benchmarks/results/ssh_libraries.md: why this many)
PROGRESS_EVERY = 5.0       # seconds between progress lines


class EventLoop:
    """An asyncio loop in a daemon thread, for the shells of one run."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="dmvpn-fleet-loop", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self.loop

    def __exit__(self, *exc_info):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def run_fleet(waves, check_mode, diff, secrets, concurrency=DEFAULT_CONCURRENCY, progress=None):
    """Run every router of ``waves`` ([(wave name, [(host, Settings, steps)])]); return
    {host: outcome} (fleet_runner.run_router). ``progress(wave, done, total, counts)`` is
    called every PROGRESS_EVERY seconds and at each wave's end."""
    outcomes = {}
    with EventLoop() as loop, ThreadPoolExecutor(max_workers=max(1, concurrency),
                                                 thread_name_prefix="dmvpn-fleet") as pool:
        for wave, routers in waves:
            futures = {pool.submit(run_router, loop, settings, steps, check_mode, diff, secrets): host
                       for host, settings, steps in routers}
            last = time.monotonic()
            for done, future in enumerate(as_completed(futures), 1):
                outcomes[futures[future]] = future.result()
                if progress is not None and (time.monotonic() - last >= PROGRESS_EVERY or done == len(futures)):
                    last = time.monotonic()
                    progress(wave, done, len(futures), counts(outcomes))
    return outcomes


def counts(outcomes):
    """{changed, failed, unreachable, ok} over ``outcomes``."""
    found = {"ok": 0, "changed": 0, "failed": 0, "unreachable": 0}
    for outcome in outcomes.values():
        key = "unreachable" if outcome["unreachable"] else "failed" if outcome["failed"] else \
            "changed" if outcome["changed"] else "ok"
        found[key] += 1
    return found
