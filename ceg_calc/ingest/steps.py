"""The imports of external data, by the name ``ceg ingest NAME`` takes: each reads only the snapshots
under ``data/raw/`` (Load), turns them into rows of the package's tables (Process) and merges them into
``data/`` (Save, :func:`ceg_calc.ingest.save.save`)."""

from __future__ import annotations

from pathlib import Path

from ceg_calc.ingest import epoch, epoch_hub, obsscaling

#: Name -> ``run(root, check) -> (status, lines)``, in the order ``ceg ingest all`` runs them.
STEPS = {"epoch": epoch.run, "obsscaling": obsscaling.run, "epoch-hub": epoch_hub.run}


def ingest(names, root: Path = Path("."), check: bool = False) -> tuple[int, list[str]]:
    """Run the imports ``names`` (keys of :data:`STEPS`) on the package at ``root``.

    Returns
    -------
    status, lines : int, list of str
        1 when ``check`` found a file that would change, else 0; what each step wrote or found.
    """
    status, lines = 0, []
    for name in names:
        code, said = STEPS[name](Path(root), check)
        status, lines = max(status, code), lines + said
    return status, lines
