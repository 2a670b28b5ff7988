"""Unit tests of how the runner types configuration lines: batches, and waiting for every
line's answer when network_cli returns early (a slow router)."""

import pytest

from ansible.module_utils.connection import ConnectionError

from ansible_collections.dmvpn.vyos.plugins.module_utils.dmvpn_core.batching import batch_lines
from ansible_collections.dmvpn.vyos.plugins.module_utils.network import runner


class FakeShell:
    """A VyOS shell behind network_cli: every line typed is answered by one "[edit]" prompt,
    but each get() returns only ``per_read`` of the answers due so far (the rest arrive in
    later reads), as network_cli does when a prompt is followed by a quiet spell."""

    def __init__(self, per_read=None, refuse=None):
        self.per_read = per_read
        self.refuse = refuse
        self.pending = 0
        self.sent = []

    def get(self, command):
        self.sent.append(command)
        lines = command.split("\n")
        if self.refuse and any(self.refuse in line for line in lines):
            raise ConnectionError("set failed")
        self.pending += len(lines)
        ready = self.pending if self.per_read is None else min(self.per_read, self.pending)
        self.pending -= ready
        return "\n".join(["echo", "[edit]"] * ready)


def make_runner(shell):
    run = runner.Runner.__new__(runner.Runner)
    run._connection = shell
    return run


def lines(count):
    return ["set protocols static route 10.%d.0.0/16 next-hop 10.0.0.1" % i for i in range(count)]


def test_batches_keep_order_and_bounds():
    batches = batch_lines(lines(120), max_lines=50, max_bytes=100000)
    assert [len(b) for b in batches] == [50, 50, 20]
    assert sum(batches, []) == lines(120)
    by_bytes = batch_lines(["x" * 99] * 10, max_lines=50, max_bytes=300)
    assert [len(b) for b in by_bytes] == [3, 3, 3, 1]
    assert batch_lines(["y" * 500], max_bytes=100) == [["y" * 500]]
    assert batch_lines([]) == []


def test_one_round_trip_per_batch_when_the_router_answers_at_once():
    shell = FakeShell()
    make_runner(shell).enter_lines(lines(120))
    assert shell.sent[0] == "configure"
    assert len(shell.sent) == 1 + len(batch_lines(lines(120)))
    assert shell.sent[1].split("\n") == lines(120)[:50]


def test_early_return_is_followed_by_blank_lines_until_every_line_is_answered():
    shell = FakeShell(per_read=3)
    make_runner(shell).enter_lines(lines(30))
    assert shell.pending == 0  # nothing left in flight for the next command
    blanks = shell.sent.count(" ")
    assert blanks > 0
    assert shell.sent[1].split("\n") == lines(30)


def test_a_router_that_stops_answering_is_an_error():
    class Silent(FakeShell):
        def get(self, command):
            self.sent.append(command)
            return ""

    with pytest.raises(ConnectionError, match="answered 0 of"):
        make_runner(Silent()).enter_lines(lines(5))


def test_a_refused_line_raises():
    with pytest.raises(ConnectionError):
        make_runner(FakeShell(refuse="10.7.0.0")).enter_lines(lines(10))


class Module:
    def __init__(self, **params):
        self.params = dict(comment="test", confirm=0, save=True, **params)


def test_a_refused_line_discards_and_closes_the_session():
    class Closing(FakeShell):
        closed = False

        def close(self):
            self.closed = True

    shell = Closing(refuse="10.7.0.0")
    run = make_runner(shell)
    run.module, run.params, run.secrets = Module(), Module().params, []
    with pytest.raises(runner.RouterError):
        run.send(lines(10), "1.4")
    assert shell.sent[-1] == "exit discard" and shell.closed
    assert not any(command.startswith("commit") for command in shell.sent)


def test_a_clean_commit_keeps_the_session():
    class Closing(FakeShell):
        closed = False

        def close(self):
            self.closed = True

    shell = Closing()
    run = make_runner(shell)
    run.module, run.params, run.secrets = Module(), Module().params, []
    run.send(lines(10), "1.4")
    assert shell.sent[-3:] == ["commit comment 'test'", "save", "exit"] and not shell.closed


def test_lines_with_a_secret_go_last_each_in_a_write_of_its_own():
    """Issue 19 item 9: a refused line makes network_cli's error carry the echo of its whole
    batch, which ansible-connection logs before the module masks it; no secret may ride in a
    batch with another line, nor ahead of a line not yet accepted."""
    shell = FakeShell()
    run = make_runner(shell)
    run.secrets = ["Top-S3cret!", "nhrpK3y"]
    commands = ["set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'Top-S3cret!'"] + lines(3) + [
        "set protocols nhrp tunnel tun0 cisco-authentication 'nhrpK3y'"] + lines(2)
    run.enter_lines(commands)
    assert shell.sent == ["configure", "\n".join(lines(3) + lines(2)),
                          "set vpn ipsec profile NHRPVPN authentication pre-shared-secret 'Top-S3cret!'",
                          "set protocols nhrp tunnel tun0 cisco-authentication 'nhrpK3y'"]


def test_a_refused_plain_line_stops_before_any_secret_is_typed():
    shell = FakeShell(refuse="10.1.0.0/16")
    run = make_runner(shell)
    run.secrets = ["Top-S3cret!"]
    with pytest.raises(ConnectionError):
        run.enter_lines(["set vpn ipsec profile P authentication pre-shared-secret 'Top-S3cret!'"] + lines(3))
    assert not any("Top-S3cret!" in sent for sent in shell.sent)


def test_a_line_at_a_secret_path_goes_alone_even_when_its_value_is_not_this_runs_secret():
    """An old key's delete line carries a value the run does not know as a secret."""
    shell = FakeShell()
    run = make_runner(shell)
    run.secrets = []
    old_key = "delete protocols nhrp tunnel tun0 cisco-authentication 'nhrpK3y'"
    run.enter_lines([old_key] + lines(2), "1.4")
    assert shell.sent == ["configure", "\n".join(lines(2)), old_key]
