"""Full-text search of the site: models, sources, enhancements and benchmarks, by name, id or text.

Each searched table gets an SQLite FTS5 index of its text columns (an external-content table
``<table>_fts`` over the table's rowid, built from the Table Schemas at build time), so that
Datasette shows a search box on its page (``fts_table`` in the metadata; ``?_search=palm``),
and the canned query ``search`` (``/ceg/search?q=palm``, the box on the index page) searches all
four at once. What a reader types is matched as one phrase (quoted), never as FTS syntax, so
``palm-540b`` or an unbalanced quote is a search, not an error.
"""

from __future__ import annotations

import sqlite3

#: The searched tables and the columns indexed, where the table's schema has them.
SEARCHED = {
    "models": ("model_id", "name", "family", "organization", "notes"),
    "sources": ("source_id", "title", "authors", "arxiv_id", "doi", "notes"),
    "enhancements": ("enhancement_id", "name", "category", "description", "notes"),
    "benchmarks": ("benchmark_id", "name", "domain", "metric", "notes"),
}
LABEL = {"models": "name", "sources": "title", "enhancements": "name", "benchmarks": "name"}
KEY = {"models": "model_id", "sources": "source_id", "enhancements": "enhancement_id", "benchmarks": "benchmark_id"}
ROW_COLUMN = "row_page"  # the canned query's column of row addresses, rendered as links
PHRASE = "'\"' || replace(:q, '\"', '\"\"') || '\"'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def indexed_columns(package) -> dict[str, list[str]]:
    """``{table: columns}`` of :data:`SEARCHED` that the package has."""
    out = {}
    for table, columns in SEARCHED.items():
        if table in package.resources:
            names = set(package.resources[table].field_names)
            present = [c for c in columns if c in names]
            if present and KEY[table] in names:
                out[table] = present
    return out


def build_search(con: sqlite3.Connection, tables: dict[str, list[str]]) -> None:
    """Create and fill ``<table>_fts`` for every table of ``tables`` (``{table: columns}``)."""
    for table, columns in tables.items():
        fts = _quote(f"{table}_fts")
        con.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(map(_quote, columns))}, "
                    f"content={_quote(table)}, content_rowid='rowid')")
        con.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")


def table_metadata(tables: dict[str, list[str]]) -> dict[str, dict]:
    """The Datasette table metadata that turns on each table's search box."""
    return {table: {"fts_table": f"{table}_fts", "fts_pk": "rowid"} for table in tables}


def search_query(tables: dict[str, list[str]]) -> dict:
    """The canned query ``search``: one row per match in any searched table, best match first."""
    parts = []
    for table in tables:
        fts, key = _quote(f"{table}_fts"), _quote(KEY[table])
        label = _quote(LABEL[table]) if LABEL[table] in tables[table] else key
        row = f"'/ceg/{table}/' || replace(replace(t.{key}, '.', '~2E'), '+', '~2B')"
        parts.append(f"SELECT '{table}' AS table_name, t.{key} AS id, t.{label} AS name, {row} AS {ROW_COLUMN}, "
                     f"f.rank AS rank FROM {fts} f JOIN {_quote(table)} t ON t.rowid = f.rowid "
                     f"WHERE {fts} MATCH {PHRASE}")
    return {"title": "Search models, sources, enhancements and benchmarks",
            "description": "Type a name, id or word (e.g. PaLM, chain of thought, GSM8K); it is matched as one "
                           "phrase in the names, ids, descriptions and notes of the four tables.",
            "sql": "SELECT table_name, id, name, " + ROW_COLUMN + " FROM (" + " UNION ALL ".join(parts)
                   + ") ORDER BY rank, table_name, id LIMIT 200"}


def search_form() -> str:
    """The search box of the index page."""
    return ('<form class="ceg-search" action="/ceg/search" method="get"><label for="ceg-search-q">Search models, '
            'sources, enhancements and benchmarks: </label><input id="ceg-search-q" type="search" name="q" '
            'placeholder="e.g. PaLM, GSM8K, chain of thought"> <input type="submit" value="Search"></form>')
