"""The fleet engine's shell (module_utils/network/fleet_shell.py) against a scripted VyOS
shell: prompts and errors by vyos.vyos's terminal patterns, echo and prompt taken out, lines
sent one at a time, the commit-confirm question answered, a lost session and a timeout raised
as network_cli raises them (ConnectionError)."""

import asyncio

import pytest
from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_settings import Settings
from ansible_collections.dmvpn.vyos.plugins.module_utils.network.fleet_shell import Shell, _is_prompt

OP, CONF = "vyos@R1:~$ ", "[edit]\r\nvyos@R1# "


class ScriptedRouter:
    """Answers each line written with its scripted output (echo first, prompt last)."""

    def __init__(self, answers):
        self.answers = answers
        self.queue = asyncio.Queue()
        self.written = []

    def write(self, data):
        self.written.append(data)
        line = data.rstrip("\r")
        reply = self.answers.get(line, "")
        if reply is None:
            self.queue.put_nowait("")  # the session ends
            return
        for chunk in reply if isinstance(reply, list) else [line + "\r\n" + reply]:
            self.queue.put_nowait(chunk)

    async def read(self, size):
        return await self.queue.get()


def shell_for(answers, timeout=2):
    shell = Shell(Settings("R1", "127.0.0.1", 22, "vyos", None, None, False, 5, timeout))
    shell.writer = shell.reader = ScriptedRouter(answers)
    return shell


def run(coroutine):
    return asyncio.run(coroutine)


def test_prompts_are_vyos_prompts_on_the_last_line_only():
    assert _is_prompt("x\nvyos@R1:~$ ") and _is_prompt("[edit]\nvyos@R1# ")
    assert not _is_prompt("vyos@R1:~$ \nset system host-name 'a'")


def test_echo_and_prompt_are_taken_out():
    shell = shell_for({"show configuration commands": "set system host-name 'R1'\r\n" + OP})
    assert run(shell.get("show configuration commands")) == "set system host-name 'R1'"


def test_several_lines_go_one_at_a_time_each_answered():
    shell = shell_for({"set a": CONF, "set b": CONF})
    answer = run(shell.get("set a\nset b"))
    assert shell.writer.written == ["set a\r", "set b\r"]
    assert answer.count("[edit]") == 2  # (runner.enter_lines counts them)


def test_an_error_pattern_raises_with_the_answer_and_stops_there():
    shell = shell_for({"set a": "\r\n  Set failed\r\n" + CONF, "set b": CONF})
    with pytest.raises(ConnectionError) as error:
        run(shell.get("set a\nset b"))
    assert "Set failed" in str(error.value)
    assert shell.writer.written == ["set a\r"]


def test_the_commit_confirm_question_is_answered():
    shell = shell_for({"commit-confirm 5": ["commit-confirm 5\r\nProceed? [confirm]"], "y": CONF})
    run(shell.get("commit-confirm 5", prompt=r"Proceed\?", answer="y"))
    assert shell.writer.written == ["commit-confirm 5\r", "y\r"]


def test_a_session_that_ends_before_the_prompt_is_a_connection_error():
    shell = shell_for({"commit": None})
    with pytest.raises(ConnectionError) as error:
        run(shell.get("commit"))
    assert "before its prompt" in str(error.value)


def test_no_prompt_within_the_command_timeout_is_network_clis_timeout_error():
    shell = shell_for({"commit": ["commit\r\nstill working"]}, timeout=1)
    with pytest.raises(ConnectionError) as error:
        run(shell.get("commit"))
    assert "command timeout triggered" in str(error.value)  # (runner.send looks for "timeout")


def test_a_write_to_a_session_the_router_closed_is_a_connection_error():
    shell = shell_for({})

    def closed(data):
        raise BrokenPipeError("Channel not open for sending")

    shell.writer.write = closed
    with pytest.raises(ConnectionError) as error:
        run(shell.get("save"))
    assert "the session was lost: Channel not open for sending" in str(error.value)
