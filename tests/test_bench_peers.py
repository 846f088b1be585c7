"""The benchmark of ``make test`` in fresh clones: the runs alternate and each is timed in its own clone."""

from __future__ import annotations

import subprocess
from pathlib import Path

import bench.bench_peers as peers


def test_fresh_clones_alternate_head_and_base_and_each_time_is_its_own(monkeypatch):
    checked_out, clones = [], []

    def run(command, **kwargs):
        if command[-2:] == ["rev-parse", "HEAD"]:
            return subprocess.CompletedProcess(command, 0, stdout="abc123\n")
        if "checkout" in command:
            checked_out.append(command[-1])
        return subprocess.CompletedProcess(command, 0)

    def timed(command, cwd):
        assert command == ["make", "test"] and cwd.name == "ceg"
        clones.append(cwd)
        return {"abc123": 60.0, "7ddf20c": 120.0}[checked_out[-1]] + len(clones)  # distinct per run

    monkeypatch.setattr(peers.subprocess, "run", run)
    monkeypatch.setattr(peers, "_timed", timed)
    ours, theirs = peers.fresh_make_test_seconds("7ddf20c", 2)
    assert checked_out == ["abc123", "7ddf20c", "7ddf20c", "abc123"]
    assert ours == [61.0, 64.0] and theirs == [122.0, 123.0]
    assert len({Path(c).parent for c in clones}) == 4  # a new empty folder for every run
