"""The lower bound of the converge benchmark: a plain asyncssh client, no Ansible.

It pushes given `set` lines to every router at once (log in, `configure`, one line at a time
waiting for the prompt as a person at the CLI would, `commit`, `save`, `exit`), or reads every
router's `show configuration commands` and checks the lines are there (the least an idempotent
re-run must do). What it costs is what the SSH wire and the emulated routers cost.

    .venv/bin/python benchmarks/wire.py PLAN.json [--concurrency 20]

PLAN.json: {"mode": "push" | "check", "routers": [{"name", "host", "port", "lines": [...]}]}.
In push mode a router with no lines is not contacted at all. Prints a JSON summary.
"""

import argparse
import asyncio
import contextlib
import json
import sys

import asyncssh

PROMPT_END = ("$ ", "# ")


class Shell:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    async def prompt(self):
        buffer = ""
        while not buffer.endswith(PROMPT_END):
            chunk = await self.reader.read(65536)
            if not chunk:
                raise ConnectionError("session closed before the prompt")
            buffer += chunk
        return buffer

    async def run(self, line):
        self.writer.write(line + "\r")
        output = await self.prompt()
        # The router echoes the line; what follows it up to the prompt is the output.
        return output.split("\n", 1)[1] if "\n" in output else ""


@contextlib.asynccontextmanager
async def shell_of(router, username, password):
    """A logged-in interactive shell on ``router`` (at its first prompt); logs out on exit."""
    async with asyncssh.connect(router["host"], port=router["port"], username=username, password=password,
                                known_hosts=None) as conn:
        writer, reader, dummy = await conn.open_session(term_type="vt100", term_size=(500, 50))
        shell = Shell(reader, writer)
        await shell.prompt()
        yield shell
        writer.write("exit\r")


REFUSED = ("Set failed", "Invalid command", "is not valid", "Commit failed")


async def push(router, username, password):
    async with shell_of(router, username, password) as shell:
        for line in ["configure"] + router["lines"] + ["commit", "save", "exit"]:
            output = await shell.run(line)
            if any(word in output for word in REFUSED):
                raise RuntimeError("%s refused %s" % (router["name"], line.split(" pre-shared-secret")[0]))
    return {"sent": len(router["lines"]) + 5, "missing": 0}


async def check(router, username, password):
    async with shell_of(router, username, password) as shell:
        output = await shell.run("show configuration commands")
    have = {line.strip().replace("'", "") for line in output.splitlines()}
    missing = [line for line in router["lines"] if line.replace("'", "") not in have]
    return {"sent": 2, "missing": len(missing)}


async def run_plan(plan, concurrency, username, password):
    action = {"push": push, "check": check}[plan["mode"]]
    routers = [r for r in plan["routers"] if plan["mode"] == "check" or r["lines"]]
    gate = asyncio.Semaphore(concurrency)

    async def guarded(router):
        async with gate:
            return await action(router, username, password)

    results = await asyncio.gather(*(guarded(r) for r in routers))
    return {"routers_contacted": len(routers), "lines_sent": sum(r["sent"] for r in results),
            "missing_lines": sum(r["missing"] for r in results)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plan")
    parser.add_argument("--concurrency", type=int, default=20, help="routers at once (as Ansible's forks)")
    parser.add_argument("--username", default="vyos")
    parser.add_argument("--password", default="vyos")
    args = parser.parse_args(argv)
    with open(args.plan) as handle:
        plan = json.load(handle)
    summary = asyncio.run(run_plan(plan, args.concurrency, args.username, args.password))
    json.dump(summary, sys.stdout)
    print()


if __name__ == "__main__":
    main()
