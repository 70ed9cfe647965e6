"""``dev.py manage``: management commands run on the servers ``dev.py start`` uses."""

from __future__ import annotations

import pytest

from saas import runner


def test_manage_hands_its_arguments_to_manage_py(capfd):
    assert runner.main(["manage", "import_inventory", "--help"]) == 0
    out = capfd.readouterr().out
    assert "--dry-run" in out and "--column FIELD=HEADER" in out


def test_manage_refuses_nothing_that_belongs_to_the_command(capfd):
    # Options after "manage" are the command's, not dev.py's.
    assert runner.main(["manage", "help", "--commands"]) == 0
    assert "import_structure" in capfd.readouterr().out


def test_a_command_uses_the_embedded_redis_a_running_start_owns(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "VAR", tmp_path)
    started = runner.EmbeddedServers()
    port = started._embedded_redis()
    command = runner.EmbeddedServers()
    try:
        assert command._embedded_redis() == port  # the same server, so the same queues
        assert command._redis is None
        command.stop()  # a command leaves the server it did not start running
        assert runner._answers_redis(port)
    finally:
        command.stop()  # a no-op unless it started its own (the test failed)
        started.stop()
    assert not runner._answers_redis(port)
    assert not (tmp_path / "redis" / "port").exists()


@pytest.mark.parametrize("port_text", ["", "not a port", "1"])
def test_a_stale_port_file_starts_a_new_redis(tmp_path, monkeypatch, port_text):
    monkeypatch.setattr(runner, "VAR", tmp_path)
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "port").write_text(port_text)
    servers = runner.EmbeddedServers()
    try:
        port = servers._embedded_redis()
        assert servers._redis is not None and runner._answers_redis(port)
    finally:
        servers.stop()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["tests/isolation", "-x"],
        ["-q", "tests/saas/test_runner.py", "tests/isolation"],
        ["-k", "login", "tests"],
    ],
)
def test_the_suite_runs_on_every_core(args, monkeypatch):
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _: {0, 1, 2}, raising=False)
    assert runner.parallel_args(args) == [
        "-n",
        "3",
        "--dist",
        "loadfile",
        "--no-loadscope-reorder",
    ]


def test_the_workers_are_at_most_max_test_workers(monkeypatch):
    monkeypatch.setattr(runner.os, "sched_getaffinity", lambda _: set(range(64)), raising=False)
    assert runner.parallel_args([])[:2] == ["-n", str(runner.MAX_TEST_WORKERS)]


@pytest.mark.parametrize(
    "args",
    [
        ["-n", "0"],
        ["-n0"],
        ["-n", "4", "tests"],
        ["--numprocesses=4"],
        ["-p", "no:xdist"],
        ["--dist", "loadgroup", "-n", "2"],
        ["-s", "tests/isolation"],
        ["--pdb"],
        ["--collect-only", "tests"],
        # One file (or tests of one file): in this process, without a worker's start-up.
        ["tests/saas/test_runner.py"],
        ["-x", "tests/saas/test_runner.py::test_manage_hands_its_arguments_to_manage_py"],
    ],
)
def test_the_command_line_or_one_file_keeps_one_process_or_chooses(args):
    assert runner.parallel_args(args) == []
