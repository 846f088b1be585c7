"""The ``ceg`` console script runs one command per process: it freezes the heap out of the garbage
collector (before the work and at exit) and runs the collector seldom; a process that runs commands
in turn keeps its collector as it was."""

from __future__ import annotations

import gc
import subprocess
import sys

from click.testing import CliRunner

from ceg_calc.cli import GC_ALLOCATIONS, cli

# An exit handler registered before main() runs after main's own (handlers run last-registered
# first), so it sees what main left: the objects frozen and the command's output.
PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("threshold", gc.get_threshold()[0], "frozen", gc.get_freeze_count(), file=sys.stderr))
sys.argv = ["ceg", "validate", sys.argv[1]]
from ceg_calc.cli import main
main()
"""


def test_the_console_script_freezes_the_heap_and_still_reports(valid_package):
    done = subprocess.run([sys.executable, "-c", PROBE, str(valid_package)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "valid: no problems found"
    threshold, frozen = (int(v) for v in done.stderr.split()[-3::2])
    assert frozen > 10_000  # pandas and numpy alone are more objects than that
    assert threshold == GC_ALLOCATIONS


def test_commands_run_in_process_leave_the_collector_as_it_was(valid_package):
    before = gc.get_freeze_count(), gc.get_threshold()
    result = CliRunner().invoke(cli, ["validate", str(valid_package)])
    assert result.exit_code == 0, result.output
    assert (gc.get_freeze_count(), gc.get_threshold()) == before
