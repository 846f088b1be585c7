"""The ``ceg`` command line: thin commands that call one library function each and print.

The library raises :class:`ceg_calc.core.errors.CegError`; here it becomes ``Error: ...`` and exit
status 1. No Python traceback reaches the user for an expected failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ceg_calc import __version__
from ceg_calc.core.errors import CegError, ValidationFailed

PACKAGE_DIR = click.Path(file_okay=True, dir_okay=True, path_type=Path)
_ONE_COMMAND = False  # set by main(): this process runs one command, then ends
GC_ALLOCATIONS = 50_000  # net allocations between two of the collector's runs in a command's process


def run(function, *args, refused: str = "written", **kwargs):
    """Call one library function; the one place where the library's errors become messages.

    A :class:`ValidationFailed` prints its report (to standard error) and then one line saying that
    nothing was ``refused`` (written, derived); any other :class:`CegError` becomes ``Error: ...``;
    both exit 1.

    In the ``ceg`` console script (:func:`main`), whose process ends after one command, what the
    command imported (pandas, numpy and the package: most of the heap) lives to the end, so it is
    frozen out of the cyclic garbage collector first (:func:`gc.freeze`), and the collector runs
    after every :data:`GC_ALLOCATIONS` allocations instead of 700: the collections during the work
    then walk only what the work allocates, and seldom (about 0.15 s of ``ceg derive``; the
    garbage between two collections stays a few megabytes). A process that runs commands in turn
    (tests, a notebook) keeps its collector as it is: there, a freeze would keep the garbage of
    the commands before for good.
    """
    if _ONE_COMMAND:
        import gc

        gc.freeze()
        gc.set_threshold(GC_ALLOCATIONS, 20, 20)
    try:
        return function(*args, **kwargs)
    except ValidationFailed as exc:
        click.echo(exc.report.to_text(), err=True)
        raise click.ClickException(f"the package does not validate; nothing was {refused}") from None
    except CegError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ceg")
def cli():
    """Validate, derive, build and publish the compute-equivalent-gain data package."""


@cli.command()
@click.argument("path", type=PACKAGE_DIR, default=".")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report instead of lines.")
@click.option("--strict", is_flag=True, help="Also run `frictionless validate` and merge its findings, "
              "and Pandera on every table even where its screen finds nothing (implies --full-drift).")
@click.option("--full-drift", is_flag=True, help="Recompute the derived tables even when the fingerprint "
              "`ceg derive` recorded (data/.derived-fingerprint) matches.")
def validate(path, as_json, strict, full_drift):
    """Check the data package at PATH (default: here); exit 1 when anything is wrong.

    One line per problem: data/<table>.csv:<line>: <column>: <message>, where line is
    the physical CSV line (header = 1). The derived tables are recomputed for the drift check
    only when their inputs changed since `ceg derive` (or with --full-drift / --strict).
    """
    from ceg_calc.verbs.validate import validate_package

    report = run(validate_package, path, strict=strict, full_drift=full_drift)
    click.echo(report.to_json() if as_json else report.to_text())
    sys.exit(0 if report.valid else 1)


@cli.command()
@click.argument("path", type=PACKAGE_DIR, default=".")
@click.option("--draws", default=10_000, show_default=True, help="Monte Carlo draws per estimate.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random streams.")
@click.option("--if-stale", is_flag=True, help="Do nothing when data/.derived-fingerprint shows that the "
              "derived tables were derived from exactly these inputs, code, draws and seed.")
@click.option("--full", is_flag=True, help="Estimate every row afresh instead of keeping the committed rows "
              "of comparisons whose inputs did not change (data/.derived-keys); the same bytes either way.")
def derive(path, draws, seed, if_stale, full):
    """Derive every derived table (ceg_estimates, enhancement_summary, ceg_scale, ceg_cross_family, ...) from the package
    at PATH (default: here), under method version 3's rules (docs/methodology.md).

    Refuses, writing nothing, when the source tables do not pass `ceg validate`.
    """
    from ceg_calc.derive.fingerprint import derivation_is_current
    from ceg_calc.derive.run import derive_package
    from ceg_calc.package.descriptor import DataPackage

    if if_stale and run(lambda: derivation_is_current(DataPackage(path), draws, seed)):
        click.echo("derived tables are current (data/.derived-fingerprint matches): nothing derived")
        return
    written, frame = run(derive_package, path, draws=draws, seed=seed, full=full, refused="derived")
    counts = frame["status"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("estimated", "lower-bound", "censored", "none"))
    click.echo(f"wrote {written}: {len(frame)} rows ({summary})")


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


@cli.command()
@click.argument("path", type=PACKAGE_DIR, default=".")
def build(path):
    """Build build/ceg.db, build/parquet/ and the Datasette metadata (with the charts) from the package at PATH."""
    from ceg_calc.publish.site import build_site

    db = run(build_site, path, progress=_progress)
    click.echo(f"built {db}")


@cli.command()
@click.argument("path", type=PACKAGE_DIR, default=".")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1; 0 takes a free one, which the ready line names.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Keep successful responses in memory (the database is immutable); "
                   "--no-cache measures Datasette alone.")
def serve(path, port, host, cache):
    """Serve the package read-only in Datasette, rebuilding first when the data changed."""
    from ceg_calc.publish.serve import serve_site
    from ceg_calc.publish.site import build_site, site_is_stale

    root = Path(path)
    if run(site_is_stale, root):
        run(build_site, root, progress=_progress)
    def ready(port):
        click.echo(f"\nThe dataset is served at http://{host}:{port}/ -- Ctrl-C to stop; "
                   "run `make test` in another terminal.\n", err=True)

    serve_site(root, port, host, cache=cache, ready=ready)


@cli.command()
@click.argument("version")
@click.option("--path", type=PACKAGE_DIR, default=".", help="Package folder.")
@click.option("--reason", help="Why a patch release without data changes is made (goes into the CHANGELOG).")
def release(version, path, reason):
    """Write a reproducible release VERSION (MAJOR.MINOR.PATCH) under dist/.

    Published files (dist/SHA256SUMS) are verified first and never rewritten; the date comes from
    the version's CHANGELOG entry, SOURCE_DATE_EPOCH or the last commit, never the clock.
    """
    from ceg_calc.verbs.release import release as make_release

    target = run(make_release, path, version, progress=_progress, reason=reason)
    click.echo(f"released {target}")


@cli.command()
@click.argument("path", type=PACKAGE_DIR, default=".")
@click.option("--markdown", is_flag=True, help="Print Markdown tables (for the README).")
def summary(path, markdown):
    """Counts per table, category and enhancement, and the comparisons that give no CEG, with why."""
    from ceg_calc.verbs.summary import summarise

    click.echo(run(summarise, path, markdown=markdown))


@cli.command()
@click.argument("path", type=PACKAGE_DIR, default=".")
@click.option("--format", "style", type=click.Choice(["bibtex", "apa", "cff"]), default="bibtex", show_default=True,
              help="BibTeX entry, APA reference, or CITATION.cff as it stands.")
def cite(path, style):
    """Print how to cite this version of the package: authors, title, version, release page and
    the release date of the version's CHANGELOG entry (the date CITATION.cff repeats)."""
    from ceg_calc.publish.citation import citation

    click.echo(run(citation, path, style), nl=False)


@cli.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME... | all")
@click.option("--path", type=PACKAGE_DIR, default=".", help="Package folder.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when data/ differs from what the import writes.")
def ingest(names, path, check):
    """Re-import the rows that come from the snapshots in data/raw/ (hand-added rows are kept).

    NAME is one of the imports (epoch, obsscaling, epoch-hub) or all.
    """
    from ceg_calc.ingest.steps import STEPS, ingest as run_ingest

    unknown = [n for n in names if n != "all" and n not in STEPS]
    if unknown:
        raise click.BadParameter(f"{unknown[0]!r}; expected one of {', '.join(STEPS)} or all", param_hint="NAME")
    chosen = list(STEPS) if "all" in names else list(dict.fromkeys(names))
    status, lines = run(run_ingest, chosen, path, check=check)
    for line in lines:
        click.echo(line, err=status != 0)
    sys.exit(status)


@cli.command()
@click.argument("action", type=click.Choice(["verify", "rehash", "origin"]))
@click.argument("name", required=False)
@click.option("--path", type=PACKAGE_DIR, default=".", help="Package folder.")
@click.option("--mirror", default=None, help="origin: download from this base (http(s):// or file://) laid out "
              "as raw.githubusercontent.com (OWNER/REPO/COMMIT/PATH) instead.")
def snapshots(action, name, path, mirror):
    """Check every snapshot under data/raw/ against its manifest (verify), record the hashes of
    snapshot NAME's files after a maintainer refreshed them (rehash NAME), or re-derive every
    snapshot (or NAME) from its pinned origin (origin [NAME]: exit 1 when one differs; an origin
    that cannot be reached is reported and not failed)."""
    from ceg_calc.ingest import snapshots as snapshot_files

    if action == "origin":
        from ceg_calc.ingest.provenance import RAW_GITHUB, check_origins

        status, lines = run(check_origins, path, [name] if name else None, mirror or RAW_GITHUB)
        for line in lines:
            click.echo(line, err=status != 0)
        sys.exit(status)
    if action == "rehash":
        if not name:
            raise click.UsageError("rehash needs the NAME of a snapshot")
        run(snapshot_files.rehash, name, path)
        click.echo(f"data/raw/{name}: hashes recorded")
        return
    for line in run(snapshot_files.verify, path):
        click.echo(line)


@cli.command("diff")
@click.option("--base", required=True, help="Git revision the pull request goes into (e.g. origin/main); "
              "the diff is taken against its merge base with HEAD.")
@click.option("--path", type=PACKAGE_DIR, default=".", help="Package folder.")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), envvar="GITHUB_STEP_SUMMARY",
              help="Also append the diff as Markdown to this file (default: $GITHUB_STEP_SUMMARY when set).")
def diff_command(base, path, summary):
    """What the data changes against the merge base of HEAD and BASE: rows added, removed and changed
    per table, each changed number with its ratio; changed snapshot bytes and numbers moved more than
    x2 flagged first. Exit 0 (a report for reviewers, not a check)."""
    from ceg_calc.verbs.datadiff import data_diff

    report = run(data_diff, path, base)
    click.echo(report.to_text())
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(report.to_markdown())
        except OSError as exc:
            raise click.ClickException(f"cannot write the summary {summary}: {exc.strerror}") from None


def _without_data_synthesis() -> None:
    """Keep Pandera from importing ``hypothesis`` in the command-line process.

    Pandera loads hypothesis (installed for the tests) for its data-synthesis strategies, which
    no command uses: a tenth of a second of every ``ceg validate``. Pandera runs without it.
    """
    sys.modules.setdefault("hypothesis", None)  # `import hypothesis` then raises ImportError


def _quick_exit() -> None:
    """Skip the interpreter's last cyclic garbage collection at exit.

    At exit Python collects every object still alive, pandas' and numpy's hundreds of thousands
    among them: about 0.15 s of every ``ceg`` command, after its work is done. Freezing the heap
    first (:func:`gc.freeze`, the last handler to run) leaves that pass nothing to walk; objects
    are still released by reference counting, and every file the package writes is closed and
    replaced before the command returns (:func:`ceg_calc.core.files.write_atomic`).
    """
    import atexit
    import gc

    atexit.register(gc.freeze)  # handlers run last-registered first: this one runs last


def main():
    """Entry point of the ``ceg`` console script.

    An unexpected exception is a bug in the package, not in the user's data; it is still
    reported in one line (set ``CEG_DEBUG=1`` to see the traceback).
    """
    import os

    global _ONE_COMMAND
    _ONE_COMMAND = True
    _without_data_synthesis()
    _quick_exit()
    try:
        cli(standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback to a contributor
        if os.environ.get("CEG_DEBUG"):
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report it", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
