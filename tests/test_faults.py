"""Faults: ``kill -9`` in the middle of ``ceg build`` and ``ceg release``, a full disk, a read-only
folder.

A killed run leaves nothing half-written at a target's name (the database, a Parquet file, the
zip, ``SHA256SUMS``): each is written beside its target and moved into place whole. The next run
removes the killed run's temporaries and completes; the site a killed build leaves is stale, so
``ceg serve`` builds again. The process (the console script's, forked from the test's) is killed
with SIGKILL at named points of its writes (:func:`ceg_calc.core.files.fault_point`, through the
environment variable ``CEG_KILL_AT``).

A write that fails gives one line naming the file and the reason, exit 1, no traceback: a full
disk is injected (``write`` raising ENOSPC; a file-size limit, under which SQLite's own writes fail
too), a read-only folder likewise (EROFS; the tests may run as root, for whom permissions do not
stop a write).
"""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli, main
from ceg_calc.core import files
from ceg_calc.publish.site import site_is_stale


def ceg(*args, kill_at: str | None = None, limit_file_bytes: int | None = None, **env):
    """``ceg ARGS`` as the console script runs it, in a process of its own forked from this one (the
    same code, without a new interpreter's imports), with ``env`` set and, with ``kill_at``, killed at
    that point; ``returncode`` (negative: the signal that ended it), ``stdout`` and ``stderr`` as
    :func:`subprocess.run` gives them."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # the child: never returns into the test
            code = 2
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
                os.environ.pop(files.KILL_AT, None)
                os.environ.update({**env, **({files.KILL_AT: kill_at} if kill_at else {})})
                if limit_file_bytes is not None:
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
                    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_bytes, limit_file_bytes))
                sys.argv = ["ceg", *map(str, args)]
                try:
                    main()
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
            finally:
                for stream in (sys.stdout, sys.stderr):
                    stream.flush()
                os._exit(code)
        deadline = time.monotonic() + 600
        while (done := os.waitpid(pid, os.WNOHANG)) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pytest.fail(f"ceg {' '.join(map(str, args))} did not end in 10 minutes")
            time.sleep(0.02)
        returncode = os.waitstatus_to_exitcode(done[1])
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(args, returncode, out.read().decode("utf-8"), err.read().decode("utf-8"))


def ceg_here(*args, **env):
    """``ceg ARGS`` in this process (the runs around a killed one: the same code, without a new interpreter's
    imports); ``returncode`` and ``stderr`` as :func:`ceg` gives them."""
    result = CliRunner().invoke(cli, [str(a) for a in args], env={files.KILL_AT: None, **env})
    result.returncode = result.exit_code
    return result


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob(f".*{files.TEMP_SUFFIX}"))


def database_is_whole(db: Path) -> bool:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as con:
        return (con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                and con.execute("SELECT count(*) FROM build_info").fetchone()[0] == 3)


@pytest.mark.parametrize("point", ["before-replace:ceg.db", "mid-write:metadata.json", "mid-write:models.parquet"])
def test_a_build_killed_midway_leaves_whole_files_and_the_next_run_recovers(valid_package, point):
    first = ceg_here("build", valid_package)
    assert first.returncode == 0, first.stderr
    sources = valid_package / "data" / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace("Toy compute database", "Toy compute db"),
                       encoding="utf-8")
    killed = ceg("build", valid_package, kill_at=point)
    assert killed.returncode == -signal.SIGKILL
    build = valid_package / "build"
    assert database_is_whole(build / "ceg.db")  # the previous one, or the new one: never a part
    assert site_is_stale(valid_package)  # so `ceg serve` builds again
    again = ceg_here("build", valid_package)
    assert again.returncode == 0, again.stderr
    assert temporaries(build) == [] and not site_is_stale(valid_package) and database_is_whole(build / "ceg.db")


def _release_package(package: Path) -> None:
    from test_publish import _copy_project_files

    _copy_project_files(package)


@pytest.mark.parametrize("point", ["mid-write:ceg-dataset-0.1.0.zip", "mid-write:SHA256SUMS",
                                   "before-replace:SHA256SUMS"])
def test_a_release_killed_midway_is_completed_by_the_next_run(valid_package, point):
    _release_package(valid_package)
    dist = valid_package / "dist"
    killed = ceg("release", "0.1.0", "--path", valid_package, kill_at=point, SOURCE_DATE_EPOCH="1700000000")
    assert killed.returncode == -signal.SIGKILL
    zip_path = dist / "ceg-dataset-0.1.0.zip"
    assert not (dist / "SHA256SUMS").exists()  # nothing is published until SHA256SUMS lists it
    if zip_path.exists():
        assert zipfile.ZipFile(zip_path).testzip() is None  # whole, or absent
    again = ceg_here("release", "0.1.0", "--path", valid_package, SOURCE_DATE_EPOCH="1700000000")
    assert again.returncode == 0, again.stderr
    assert temporaries(dist) == []
    digest, name = (dist / "SHA256SUMS").read_text(encoding="utf-8").split()
    assert name == zip_path.name and hashlib.sha256(zip_path.read_bytes()).hexdigest() == digest
    assert zipfile.ZipFile(zip_path).testzip() is None
    changelog = (valid_package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.count("## 0.1.0 (2023-11-14)") == 1 and changelog.count("- The toy package.") == 1


def test_a_full_disk_during_build_is_one_line(valid_package):
    """A file-size limit of 64 KB: SQLite's writes to the database fail as on a full disk."""
    result = ceg("build", valid_package, limit_file_bytes=64 << 10)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: cannot write ") and "ceg.db" in lines[-1]
    assert "Traceback" not in result.stderr and not lines[-1].startswith("Error: internal")
    assert temporaries(valid_package / "build") == [] and not (valid_package / "build" / "ceg.db").exists()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_failing_write_is_one_line_and_keeps_the_target(valid_package, monkeypatch, code):
    """Injected in-process: every write of a file through core.files fails with ``code``."""
    assert CliRunner().invoke(cli, ["build", str(valid_package)]).exit_code == 0
    before = (valid_package / "build" / "metadata.json").read_bytes()

    def failing(handle, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files, "_write_all", failing)
    path = valid_package / "data" / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Toy compute database", "Toy compute db"),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(valid_package)])
    assert result.exit_code == 1
    messages = [line for line in result.output.splitlines() if not line.startswith("  ")]  # not progress
    assert len(messages) == 1
    last = messages[0]
    assert last.startswith("Error: cannot write ") and os.strerror(code) in last
    assert (valid_package / "build" / "metadata.json").read_bytes() == before
    assert temporaries(valid_package / "build") == []


def test_a_folder_that_cannot_be_created_is_one_line(valid_package, monkeypatch):
    from pathlib import Path as P

    real = P.mkdir

    def read_only(self, *args, **kwargs):
        if self.name == "build":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(P, "mkdir", read_only)
    result = CliRunner().invoke(cli, ["build", str(valid_package)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == f"Error: cannot write {valid_package / 'build'}/: Read-only file system"
