"""The browsable site: SQLite database, Datasette metadata generated from ``datapackage.json``,
interactive charts (drawn in the browser from SQL) and Parquet copies, under ``build/``; served
by :mod:`ceg_calc.publish.serve`.
"""

from __future__ import annotations

import html
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from ceg_calc.core.confine import confined_dir
from ceg_calc.core.files import make_dirs, output_folder, write_atomic
from ceg_calc.core.versions import version_key
from ceg_calc.derive.run import checked_tables
from ceg_calc.derive.summary import headline
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.publish.database import DEFAULT_DB, build_database, inputs_digest, is_stale
from ceg_calc.publish.parquet import write_parquet_tables

BUILD = Path("build")
STAMP = "site-inputs.txt"  # written last by a complete build: the inputs' SHA-256 it was built from
SQL_TIME_LIMIT_MS = 1000
MAX_RETURNED_ROWS = 1000
TRUNCATE_CELLS = 60  # characters of a long cell shown on table pages (the row page shows all)
SETTINGS = {"sql_time_limit_ms": SQL_TIME_LIMIT_MS, "max_returned_rows": MAX_RETURNED_ROWS,
            # facets are configured per table; suggesting more costs a query per column on every page
            "suggest_facets": False, "truncate_cells_html": TRUNCATE_CELLS}

LABELS = {"sources": "title", "models": "name", "benchmarks": "name", "enhancements": "name",
          "settings": "description", "thresholds": "instrument"}
FACETS = {
    "benchmark_scores": ["benchmark_id", "setting_id", "source_id"],
    "ceg_estimates": ["evidence", "category", "status"],  # short lists: the rows stay near the top
    "enhancement_summary": ["category"],
    "ceg_scale": ["trend", "evidence", "enhancement_id"],
    "models": ["family", "enhanced"],
    "compute_estimates": ["method", "confidence"],
    "comparisons": ["enhancement_id", "method"],
    "costs": ["enhancement_id", "quantity"],
    "enhancements": ["category"],
    "published_estimates": ["form", "second_hand"],
    "compute_ledger": ["stage", "basis", "enhancement_id"],
    "thresholds": ["quantity", "status", "jurisdiction"],
    "cumulative_compute": ["enhancement_id", "from_database", "counted"],
    "finetune_share_summary": ["grouping"],
    "threshold_assessments": ["subject", "flaggable", "evidence"],
}
CHARTS_HTML = ('Interactive charts (hover a point for its values, click it for its row): '
               '<a href="/-/dashboards/ceg">CEG against fine-tuning cost, scale and release date, and effective '
               'compute against the thresholds</a> (choose an enhancement or benchmark); '
               '<a href="/-/dashboards/comparison">one comparison</a> (every <code>comparison_id</code> links to its '
               'chart); <a href="/-/dashboards/enhancement">one enhancement</a> (every <code>enhancement_id</code> '
               'links to its page).')
SORT_DESC = {"models": "release_date", "sources": "year"}
SORT = {"ceg_estimates": "evidence_order"}  # robust rows first, then larger CEG (see the schema)

QUERIES = {
    "ceg_by_enhancement": {
        "title": "CEG by enhancement",
        "description": "Every derived row of one enhancement (e.g. chain-of-thought, chat-tuning, minerva, lats), robust rows "
                       "first, then largest CEG.",
        "sql": "select comparison_id, enhanced_model_id, benchmark_id, evidence, status, method, ceg, ceg_low, "
               "ceg_high, published_ceg, reason from ceg_estimates where enhancement_id = :enhancement_id "
               "order by evidence_order",
    },
    "model_profile": {
        "title": "Everything about a model",
        "description": "A model's scores with its preferred training compute and family (e.g. palm-540b).",
        "sql": "select m.model_id, m.name, m.family, c.training_compute_flop, c.confidence, c.method as compute_method, "
               "s.benchmark_id, s.setting_id, s.score, s.source_id, s.locator from models m "
               "left join compute_estimates c on c.model_id = m.model_id and c.preferred = 1 "
               "left join benchmark_scores s on s.model_id = m.model_id where m.model_id = :model_id "
               "order by s.benchmark_id, s.setting_id",
    },
    "family_ladder": {
        "title": "A family's ladder on one benchmark",
        "description": "Every model of a family with its preferred compute and score in one setting, smallest first "
                       "(e.g. family llama-2, benchmark gsm8k-obsscaling-500, setting few-shot-5-greedy).",
        "sql": "select m.model_id, c.training_compute_flop, c.method as compute_method, s.score, s.enhancement_id, "
               "s.source_id, s.locator from models m join benchmark_scores s on s.model_id = m.model_id "
               "left join compute_estimates c on c.model_id = m.model_id and c.preferred = 1 "
               "where m.family = :family and s.benchmark_id = :benchmark_id and s.setting_id = :setting_id "
               "order by c.training_compute_flop",
    },
    "derived_vs_stated": {
        "title": "Derived vs stated CEGs",
        "description": "Our derivation beside the value stated in the literature for the same comparison.",
        "sql": "select * from derived_vs_stated",
    },
    "threshold_crossings": {
        "title": "Enhanced models whose effective compute crosses a legal threshold",
        "description": "Robust rows only (neither extrapolated nor limited) whose effective compute at the interval's "
                       "lower end (training compute x ceg_low) reaches 1e25 or 1e26 FLOP while the model's own compute "
                       "does not. Rows whose central value alone would cross are listed by the view "
                       "effective_compute_vs_thresholds, with their evidence.",
        "sql": "select * from effective_compute_vs_thresholds where crosses_eu_1e25 = 1 or crosses_us_1e26 = 1",
    },
    "threshold_assessments_crossed": {
        "title": "Rows crossing a threshold of the thresholds table",
        "description": "Flaggable rows (robust enhanced rows; first-hand model shares) that cross a compute threshold at "
                       "the 5th percentile, meet an effective-compute trigger there, or exceed a modification-share "
                       "rule; the threshold rows say what each id counts and its status.",
        "sql": "select * from threshold_assessments where flaggable = 1 and (crossed_p5 is not null or "
               "effective_compute_triggers_p5 is not null or modification_share_rules is not null) "
               "order by subject, subject_id",
    },
    "changes_since_version": {
        "title": "What changed since a release",
        "description": "Rows added, removed or changed in the releases after the given version (e.g. 0.1.0).",
        "sql": "select c.version, c.table_name, c.change, c.row_key from row_changes c join releases r "
               "on r.version = c.version where r.release_index > (select release_index from releases "
               "where version = :since) order by r.release_index, c.table_name, c.change, c.row_key",
    },
}


def web_link(value) -> str:
    """``value`` when it is an http(s) URL, else ``""``: no ``javascript:`` link reaches a page."""
    from ceg_calc.package.descriptor_check import WEB

    return value if isinstance(value, str) and WEB.fullmatch(value) else ""


def metadata(package: DataPackage, db_name: str = "ceg", default_comparison: str | None = None,
             summary_html: str = "", default_enhancement: str | None = None) -> dict:
    """Datasette metadata: titles, licence, sources, table and column descriptions, facets, queries,
    search, the interactive charts (``default_comparison`` and ``default_enhancement`` are those the
    comparison and enhancement pages open on), and ``summary_html`` (the enhancement summary), which
    leads the index page above the charts."""
    from ceg_calc.publish.charts import dashboards
    from ceg_calc.publish.search import indexed_columns, search_form, search_query, table_metadata

    d = package.descriptor
    licence = (d.get("licenses") or [{}])[0]
    source = (d.get("sources") or [{}])[0]
    tables = {}
    for name, resource in package.resources.items():
        entry = {"description": resource.description,
                 "columns": {f.name: f.description for f in resource.fields}}
        if name in LABELS:
            entry["label_column"] = LABELS[name]
        if name in FACETS:
            entry["facets"] = FACETS[name]
        if name in SORT_DESC:
            entry["sort_desc"] = SORT_DESC[name]
        if name in SORT:
            entry["sort"] = SORT[name]
        tables[name] = entry
    searched = indexed_columns(package)
    for name, entry in table_metadata(searched).items():
        tables[name].update(entry)
    summary_columns = (package.resources["enhancement_summary"].field_names
                       if "enhancement_summary" in package.resources else [])
    return {
        "title": d.get("title", package.name if hasattr(package, "name") else "CEG dataset"),
        "description_html": f"<p>{html.escape(d.get('description', ''))}</p>"
                            f"<p>Version {html.escape(str(d.get('version', '')))}.</p>{search_form()}{summary_html}"
                            f"<p>{CHARTS_HTML}</p>",
        "extra_css_urls": ["/static/ceg.css"],
        "license": licence.get("title") or licence.get("name", ""),
        "license_url": web_link(licence.get("path")),
        "source": source.get("title", ""),
        "source_url": web_link(source.get("path")),
        "databases": {db_name: {"tables": tables, "queries": {**QUERIES, "search": search_query(searched)}}},
        "plugins": {"datasette-dashboards": dashboards(default_comparison, summary_columns, default_enhancement)},
    }


def _extra_tables(package: DataPackage):
    """A function adding, for :func:`build_database`'s ``extra`` hook, the row-level diffs of past
    releases (dist/diff-*.json: ``releases``, ``row_changes``) and the full-text search indexes."""
    from ceg_calc.publish.search import build_search, indexed_columns

    def extra(con):
        _load_releases(con, package.root / "dist")
        build_search(con, indexed_columns(package))
    return extra


def _load_releases(con: sqlite3.Connection, dist: Path) -> None:
    diffs = sorted(p for p in dist.glob("diff-*.json") if p.is_file() and not p.is_symlink()) \
        if dist.is_dir() and not dist.is_symlink() else []
    con.execute("CREATE TABLE releases (version TEXT PRIMARY KEY, previous_version TEXT, release_index INTEGER)")
    con.execute("CREATE TABLE row_changes (version TEXT NOT NULL REFERENCES releases(version), "
                "table_name TEXT NOT NULL, change TEXT NOT NULL, row_key TEXT NOT NULL)")
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in diffs]
    docs.sort(key=lambda doc: version_key(doc["version"]))
    versions = sorted({doc["previous_version"] for doc in docs if doc.get("previous_version")}
                      | {doc["version"] for doc in docs}, key=version_key)
    previous = {doc["version"]: doc.get("previous_version") for doc in docs}
    con.executemany("INSERT INTO releases VALUES (?, ?, ?)",
                    [(v, previous.get(v), i) for i, v in enumerate(versions)])
    for doc in docs:
        for table, changes in sorted(doc["tables"].items()):
            for change in ("added", "removed", "changed"):
                con.executemany("INSERT INTO row_changes VALUES (?, ?, ?, ?)",
                                [(doc["version"], table, change, key) for key in changes.get(change, [])])


def build_site(root: str | Path = ".", progress=None) -> Path:
    """Database, metadata (with the chart specifications) and Parquet copies under ``build/``;
    returns the database path. Charts are drawn by the browser, so nothing here grows with the
    number of comparisons beyond the rows themselves."""
    from ceg_calc.publish.evidence import CSS, summary_html  # Datasette's plugin machinery: imported when built

    package = DataPackage(root)
    build = confined_dir(package.root, str(BUILD))
    with output_folder(build, "parquet", "static"):  # one build at a time; a killed one's temporaries go
        (build / STAMP).unlink(missing_ok=True)  # until the last file is written, the site is stale
        if progress:
            progress("validating")
        loaded = checked_tables(package.root, with_derived=True)  # once: the database and the summary use it
        db = build_database(package.root, build / DEFAULT_DB.name, progress=progress,
                            extra=_extra_tables(package), loaded=loaded)
        with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as con:
            first = con.execute("SELECT min(comparison_id) FROM comparisons").fetchone()[0]
            # the enhancement page opens on the enhancement with the most robust rows
            enhancement = (con.execute("SELECT enhancement_id FROM ceg_estimates GROUP BY enhancement_id ORDER BY "
                                       "sum(evidence IN ('robust-point', 'robust-bound')) DESC, enhancement_id LIMIT 1")
                           .fetchone() or [None])[0]
        tables = loaded.tables
        summary = summary_html(tables["enhancement_summary"], headline(tables["enhancement_summary"]))
        write_atomic(build / "metadata.json",
                     json.dumps(metadata(package, db.stem, first, summary, enhancement), indent=2,
                                sort_keys=True) + "\n")
        make_dirs(build / "static")
        write_atomic(build / "static" / "ceg.css", CSS)
        if progress:
            progress("parquet")
        write_parquet_tables(package, tables, build / "parquet")
        write_atomic(build / STAMP, inputs_digest(package) + "\n")
    return db


def site_is_stale(root: Path) -> bool:
    """True unless the last build of ``root`` completed (its stamp is written last) from the
    package's current inputs."""
    build = Path(root) / BUILD
    stamp = build / STAMP
    if is_stale(root, build / DEFAULT_DB.name) or not stamp.is_file() or stamp.is_symlink():
        return True
    return stamp.read_text(encoding="utf-8").strip() != inputs_digest(DataPackage(root))
