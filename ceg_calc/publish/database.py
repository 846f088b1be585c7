"""``ceg build``: the package as one SQLite database, with DDL generated from the Table Schemas.

Each resource becomes a table of the same name: column types from the field types, PRIMARY KEY,
FOREIGN KEY ... REFERENCES, NOT NULL for required fields, and an index on every foreign-key
column. Booleans are stored as 0/1, dates as ISO text. The database is written to a temporary
file beside the target and moved into place only when complete, so a failed build leaves the
previous database untouched. A ``build_info`` table records the package version and a SHA-256
of every input, which ``ceg serve`` uses to tell whether the database is stale.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pandas as pd

import ceg_calc
from ceg_calc.core.errors import CegError
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.types import field_type
from ceg_calc.core.files import cannot_write, fault_point, make_dirs, temporary_beside
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.derive.names import EVIDENCE

DEFAULT_DB = Path("build") / "ceg.db"
# Columns a table's SQLite copy (and so its Datasette page) shows first, before the rest in schema
# order; the CSV keeps the schema's order. ceg_estimates: what a row is, how far to trust it, its
# value with the interval and its effective compute, visible without scrolling.
FIRST_COLUMNS = {"ceg_estimates": ("comparison_id", "enhanced_model_id", "evidence", "ceg", "ceg_low", "ceg_high",
                                   "effective_compute_flop", "enhancement_id", "benchmark_id")}



def _evidence_rank(table: str) -> str:
    """SQL ranking a row's evidence in the package's order (:data:`~ceg_calc.derive.names.EVIDENCE`)."""
    cases = " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(EVIDENCE, start=1))
    return f"CASE {table}.evidence {cases} ELSE {len(EVIDENCE) + 1} END"


RANK_E, RANK_C = _evidence_rank("e"), _evidence_rank("c")
VIEWS = {
    # models of 1e24 FLOP or more: the best-supported evidence first (robust points, then bounds, then
    # censored tops and extrapolations, in the package's evidence order), never an extrapolated figure first
    "frontier": f"""
        SELECT 'within-family' AS method_kind, e.method, e.comparison_id AS row_key, e.enhanced_model_id,
               e.enhancement_id, e.benchmark_id, e.enhanced_compute_flop, e.ceg, e.ceg_low, e.ceg_high,
               e.effective_compute_flop, e.effective_compute_low_flop, e.evidence, NULL AS reference,
               {RANK_E} AS evidence_rank
        FROM ceg_estimates e WHERE e.enhanced_compute_flop >= 1e24
        UNION ALL
        SELECT 'cross-family', c.method, c.row_id, c.enhanced_model_id, c.enhancement_id, c.benchmark_id,
               c.enhanced_compute_flop, c.ceg, c.ceg_low, c.ceg_high, c.effective_compute_flop,
               c.effective_compute_low_flop, c.evidence, c.reference,
               {RANK_C}
        FROM ceg_cross_family c WHERE c.enhanced_compute_flop >= 1e24
        ORDER BY evidence_rank, enhanced_compute_flop DESC, row_key, method_kind""",
    "ceg_by_category": """
        SELECT e.category, e.enhancement_id, n.name AS enhancement,
               COUNT(*) AS rows, SUM(e.status != 'none') AS with_value,
               SUM(e.evidence IN ('robust-point', 'robust-bound')) AS robust_rows,
               MIN(CASE WHEN e.evidence = 'robust-point' THEN e.ceg END) AS min_robust_point,
               MAX(CASE WHEN e.evidence = 'robust-point' THEN e.ceg END) AS max_robust_point,
               MAX(CASE WHEN e.evidence IN ('robust-bound', 'limited') THEN e.ceg END) AS largest_lower_bound,
               MAX(e.finetune_fraction) AS finetune_fraction, MAX(e.inference_multiplier) AS inference_multiplier
        FROM ceg_estimates e JOIN enhancements n ON n.enhancement_id = e.enhancement_id
        GROUP BY e.category, e.enhancement_id ORDER BY e.category, e.enhancement_id""",
    "enhancements_per_family": """
        SELECT m.family, s.enhancement_id, COUNT(*) AS scores, COUNT(DISTINCT s.model_id) AS models
        FROM benchmark_scores s JOIN models m ON m.model_id = s.model_id
        WHERE s.enhancement_id IS NOT NULL GROUP BY m.family, s.enhancement_id ORDER BY m.family, s.enhancement_id""",
    "effective_compute_vs_thresholds": """
        SELECT comparison_id, enhanced_model_id, enhancement_id, evidence, status, ceg, ceg_low, ceg_high,
               enhanced_compute_flop, effective_compute_low_flop, effective_compute_flop,
               enhanced_compute_flop >= 1e25 AS own_compute_over_eu_1e25, crosses_eu_1e25, crosses_us_1e26
        FROM ceg_estimates WHERE effective_compute_flop IS NOT NULL ORDER BY evidence_order, effective_compute_flop DESC""",
    "derived_vs_stated": """
        SELECT e.comparison_id, e.enhanced_model_id, e.enhancement_id, e.benchmark_id, e.evidence, e.status,
               e.method, e.ceg, e.ceg_low, e.ceg_high, p.published_id, p.ceg AS stated_ceg, p.form AS stated_form,
               p.scope AS stated_scope, 'matches' AS scope_match, p.source_id AS stated_source_id,
               p.second_hand AS stated_second_hand
        FROM ceg_estimates e JOIN published_estimates p ON p.published_id = e.published_id
        UNION ALL
        SELECT NULL, NULL, p.enhancement_id, p.benchmark_id, NULL, NULL, NULL, NULL, NULL, NULL, p.published_id,
               p.ceg, p.form, p.scope, 'ambiguous: the scope names no benchmark, so no derived row is paired',
               p.source_id, p.second_hand
        FROM published_estimates p WHERE COALESCE(p.benchmark_id, p.scope_benchmark_ids) IS NULL
        ORDER BY 3, 1, 2""",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_fields(resource) -> list:
    """The resource's fields in the order of its SQLite table: :data:`FIRST_COLUMNS` first."""
    first = [c for c in FIRST_COLUMNS.get(resource.name, ()) if c in resource.field_names]
    by_name = {f.name: f for f in resource.fields}
    return [by_name[c] for c in first] + [f for f in resource.fields if f.name not in first]


def create_table_sql(resource) -> str:
    """``CREATE TABLE`` statement for one resource, from its Table Schema."""
    lines = []
    for field in table_fields(resource):
        line = f"{_quote(field.name)} {field_type(field.type).sql}"
        if field.required:
            line += " NOT NULL"
        lines.append(line)
    if resource.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, resource.primary_key))})")
    for fk in resource.foreign_keys:
        lines.append(f"FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) REFERENCES "
                     f"{_quote(fk.ref_resource)} ({', '.join(map(_quote, fk.ref_fields))})")
    return f"CREATE TABLE {_quote(resource.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def index_sql(resource) -> list[str]:
    out = []
    for fk in resource.foreign_keys:
        name = f"idx_{resource.name}_{'_'.join(fk.fields)}"
        out.append(f"CREATE INDEX {_quote(name)} ON {_quote(resource.name)} ({', '.join(map(_quote, fk.fields))})")
    return out


def sql_values(series: pd.Series, kind: str) -> list:
    """A typed column as Python values SQLite stores exactly (None for missing): the type table's."""
    return field_type(kind).to_sql(series)


def inputs_digest(package: DataPackage) -> str:
    """SHA-256 over the descriptor, schemas and data files, and the calculator's version."""
    digest = hashlib.sha256(ceg_calc.__version__.encode())
    root = package.root
    resources = sorted(package.resources.values(), key=lambda r: r.name)
    # only files the descriptor names, all confined (a stray file in schemas/ could be a symlink)
    schemas = sorted({r.schema_path for r in resources if r.schema_path})
    paths = [root / "datapackage.json"] + [root / s for s in schemas] + [root / r.path for r in resources]
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_stale(root: str | Path = ".", db_path: str | Path | None = None) -> bool:
    """True when the database is missing or was built from other inputs."""
    package = DataPackage(root)
    db = Path(db_path) if db_path else package.root / DEFAULT_DB
    if not db.exists():
        return True
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            row = con.execute("SELECT value FROM build_info WHERE key = 'inputs_sha256'").fetchone()
    except sqlite3.Error:
        return True
    return row is None or row[0] != inputs_digest(package)


def build_database(root: str | Path = ".", db_path: str | Path | None = None, progress=None, extra=None,
                   loaded=None) -> Path:
    """Build the SQLite database of the package at ``root``.

    Parameters
    ----------
    root : str or Path
        Folder holding ``datapackage.json``.
    db_path : str or Path, optional
        Target file (default ``build/ceg.db`` under ``root``).
    progress : callable, optional
        Called with a short message before each step.
    extra : callable, optional
        Called with the open connection to add tables in the same transaction.
    loaded : LoadedPackage, optional
        The package's tables as :func:`ceg_calc.gate.checks.read_valid_tables` returned them, when
        the caller has validated them already (they are then not read again).

    Returns
    -------
    Path
        The database written.

    Raises
    ------
    ValidationFailed
        When the package does not validate (nothing is written).
    """
    say = progress or (lambda message: None)
    if loaded is None:
        say("validating")
        loaded = read_valid_tables(root)
    package = loaded.package
    db = Path(db_path) if db_path else package.root / DEFAULT_DB
    make_dirs(db.parent)
    fd, tmp = temporary_beside(db)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        with con:
            for resource in package.resources.values():
                con.execute(create_table_sql(resource))
            for name, resource in package.resources.items():
                frame = loaded.tables[name]
                say(f"loading {name} ({len(frame):,} rows)")
                columns = [sql_values(frame[f.name], f.type) for f in table_fields(resource)]
                marks = ", ".join("?" * len(columns))
                con.executemany(f"INSERT INTO {_quote(name)} VALUES ({marks})", zip(*columns))
            say("indexing")
            for resource in package.resources.values():
                for statement in index_sql(resource):
                    con.execute(statement)
            for name, body in VIEWS.items():
                con.execute(f"CREATE VIEW {_quote(name)} AS {body}")
            if extra is not None:
                extra(con)
            con.execute("CREATE TABLE build_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.executemany("INSERT INTO build_info VALUES (?, ?)", [
                ("package_version", str(package.descriptor.get("version", ""))),
                ("calculator_version", ceg_calc.__version__), ("inputs_sha256", inputs_digest(package))])
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        con.close()
        if broken:
            raise CegError(f"foreign keys do not hold in the built database: {broken[:3]}")
        fault_point("before-replace:ceg.db")
        os.replace(tmp, db)
    except (OSError, sqlite3.OperationalError) as exc:  # a full disk, a read-only folder
        Path(tmp).unlink(missing_ok=True)
        raise cannot_write(db, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return db
