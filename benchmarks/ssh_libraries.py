"""Which SSH client library should the fleet engine use? asyncssh vs ansible-pylibssh, measured.

Per router (the shape of a no-op engine run): log in, open a shell with a pty, wait for the
prompt, `show configuration commands`, `configure`, `run show configuration commands`,
`exit discard`, `exit`, close. C synchronous worker threads (as the engine's Runner is
synchronous) drive N lab routers:
  asyncssh  one event loop thread; workers submit coroutines (run_coroutine_threadsafe) and wait
  pylibssh  each worker owns a blocking pylibsshext Session + shell channel, polling with
            read_nonblocking + a short sleep (pylibsshext holds the GIL inside libssh calls:
            no `with nogil` in its .pyx, so a blocking read would stall every other thread)

    .venv/bin/python benchmarks/ssh_libraries.py [--sizes 200 1000] [--concurrency 50]
        [--libraries asyncssh pylibssh] [--version 1.5]

Measures wall time, this process's CPU (user+sys), its peak RSS (VmHWM, reset per run) and the
lab process's CPU (/proc/PID/stat); writes benchmarks/results/ssh_libraries.md.
"""

import argparse
import asyncio
import concurrent.futures
import datetime
import os
import platform
import resource
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

import topology  # noqa: E402
from converge import LabProcess  # noqa: E402

PROMPT_END = (b"$ ", b"# ")
STEPS = ["show configuration commands", "configure", "run show configuration commands", "exit discard"]
USER = PASSWORD = "vyos"
TIMEOUT = 60


def lab_cpu(pid):
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak_rss():
    # Writing 5 to clear_refs resets VmHWM (Linux >= 4.0), so each run's peak is its own.
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def peak_rss_mib():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------- asyncssh (one event loop)


class AsyncsshDriver:
    def __init__(self):
        import asyncssh
        self.asyncssh = asyncssh
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro):
        return asyncio.run_coroutine_threadsafe(asyncio.wait_for(coro, TIMEOUT), self.loop).result()

    async def _prompt(self, reader):
        buffer = b""
        while not buffer.endswith(PROMPT_END):
            chunk = await reader.read(65536)
            if not chunk:
                raise ConnectionError("closed before the prompt")
            buffer += chunk
        return buffer

    async def _open(self, port):
        conn = await self.asyncssh.connect("127.0.0.1", port=port, username=USER, password=PASSWORD,
                                           known_hosts=None, connect_timeout=TIMEOUT)
        writer, reader, dummy = await conn.open_session(term_type="vt100", term_size=(500, 50), encoding=None)
        await self._prompt(reader)
        return conn, writer, reader

    async def _run(self, writer, reader, line):
        writer.write(line.encode() + b"\r")
        return await self._prompt(reader)

    async def _close(self, conn, writer):
        writer.write(b"exit\r")
        conn.close()
        await conn.wait_closed()

    def router(self, port):
        conn, writer, reader = self.call(self._open(port))
        size = 0
        for line in STEPS:
            size += len(self.call(self._run(writer, reader, line)))
        self.call(self._close(conn, writer))
        return size

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


# ---------------------------------------------------------------- pylibssh (blocking, per thread)


class PylibsshDriver:
    def __init__(self):
        from pylibsshext.session import Session
        self.Session = Session

    def _prompt(self, channel):
        buffer = b""
        deadline = time.monotonic() + TIMEOUT
        while not buffer.endswith(PROMPT_END):
            chunk = channel.read_nonblocking(65536)
            if chunk is None:
                raise ConnectionError("closed before the prompt")
            if chunk:
                buffer += chunk
                continue
            if time.monotonic() > deadline:
                raise TimeoutError("no prompt within %ds" % TIMEOUT)
            time.sleep(0.002)   # releases the GIL; libssh's own poll would not
        return buffer

    def router(self, port):
        session = self.Session()
        session.connect(host="127.0.0.1", port=port, user=USER, password=PASSWORD, host_key_checking=False,
                        look_for_keys=False, timeout=TIMEOUT)
        try:
            channel = session.new_channel()
            channel.request_pty_size(b"vt100", 500, 50)   # also requests the shell
            self._prompt(channel)
            size = 0
            for line in STEPS:
                channel.write(line.encode() + b"\r")
                size += len(self._prompt(channel))
            channel.write(b"exit\r")
            channel.close()
        finally:
            session.close()
        return size

    def stop(self):
        pass


DRIVERS = {"asyncssh": AsyncsshDriver, "pylibssh": PylibsshDriver}


def measure(library, ports, concurrency, lab_pid):
    reset_peak_rss()
    driver = DRIVERS[library]()
    cpu0, lab0, wall0 = os.times(), lab_cpu(lab_pid), time.monotonic()
    failures = []
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        futures = {pool.submit(driver.router, port): port for port in ports}
        for future in concurrent.futures.as_completed(futures):
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                failures.append("%s: %r" % (futures[future], exc))
    wall = time.monotonic() - wall0
    cpu1 = os.times()
    driver.stop()
    return {"library": library, "routers": len(ports), "concurrency": concurrency, "wall": wall,
            "cpu": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), "lab_cpu": lab_cpu(lab_pid) - lab0,
            "rss": peak_rss_mib(), "failed": len(failures), "first_failure": failures[:1]}


def versions():
    from importlib.metadata import version
    return {"python": platform.python_version(), "asyncssh": version("asyncssh"),
            "ansible-pylibssh": version("ansible-pylibssh")}


def table(rows):
    lines = ["| library | routers | C | wall s | routers/s | client CPU s | CPU ms/router | peak RSS MiB | lab CPU s | failed |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append("| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %d |" % (
            r["library"], r["routers"], r["concurrency"], r["wall"], r["routers"] / r["wall"], r["cpu"],
            1000 * r["cpu"] / r["routers"], r["rss"], r["lab_cpu"], r["failed"]))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[50])
    parser.add_argument("--libraries", nargs="+", default=list(DRIVERS), choices=list(DRIVERS))
    parser.add_argument("--version", default="1.5")
    parser.add_argument("--base-port", type=int, default=4600)
    parser.add_argument("--out", default=os.path.join(HERE, "results", "ssh_libraries.md"))
    args = parser.parse_args(argv)
    rows = []
    workdir = tempfile.mkdtemp(prefix="sshlib-")
    for size in args.sizes:
        lab = LabProcess(topology.routers(size - 1, args.base_port), args.version, workdir)
        try:
            ports = [port for dummy, port in topology.routers(size - 1, args.base_port)]
            for library in args.libraries:
                for concurrency in args.concurrency:
                    row = measure(library, ports, concurrency, lab.proc.pid)
                    print(table([row]).splitlines()[-1], row["first_failure"] or "", flush=True)
                    rows.append(row)
        finally:
            lab.stop()
    info = versions()
    text = "\n".join([
        "# SSH client libraries for the fleet engine", "",
        "Date: %s UTC; machine: %s, %d CPUs, %s; Python %s; asyncssh %s; ansible-pylibssh %s; lab VyOS %s." % (
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), platform.machine(),
            os.cpu_count(), platform.platform(), info["python"], info["asyncssh"], info["ansible-pylibssh"],
            args.version), "",
        "Command: `python benchmarks/ssh_libraries.py %s`" % " ".join(argv if argv is not None else sys.argv[1:]), "",
        table(rows), ""])
    print(text)
    if os.path.exists(args.out):
        with open(args.out) as handle:
            text = handle.read().rstrip() + "\n\n" + text.split("\n", 2)[2]
    with open(args.out, "w") as out:
        out.write(text)


if __name__ == "__main__":
    main()
