"""Incremental derivation: a comparison whose inputs did not change keeps its committed rows.

Every comparison's rows of ``ceg_estimates`` are a function of what :mod:`ceg_calc.derive.plan`
reads for it, and of the deriving code. :func:`comparison_keys` hashes exactly that, per comparison:

- the *context*, shared by every comparison: the deriving code (:func:`~ceg_calc.derive.fingerprint.code_digest`),
  the method version, the draws, the seed and the policy, the bytes of ``datapackage.json`` and
  of every Table Schema, the stated CEGs (``published_estimates``: pairing scans them all), and
  every table that is neither keyed per comparison here nor in :data:`UNREAD` (so a table added
  later counts for every comparison until someone keys it);
- the comparison's own row, its benchmark and enhancement, the enhancement's costs;
- each side's scores (benchmark, setting, source and family as the plan matches them), each
  with its model, the model's preferred compute estimate, and its base model's;
- for a combined comparison, its component rows and the keys of its components (their CEGs
  make ``component_ceg_product``).

:data:`KEYS` (``data/.derived-keys``, written by ``ceg derive`` beside the fingerprint) records for
every comparison that key and a digest of its rows as written. A comparison is reused only when
both still match: a changed input, or a hand-edited derived cell, makes it stale, and stale
comparisons (with their components) are derived afresh -- a comparison's rows share its baseline
draws, so they are derived together. Everything after the rows -- their order, the summaries
and the text -- runs the same way whether a row was reused or derived, so an incremental result
is byte for byte a full one (tests/test_incremental.py edits random copies of the package).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ceg_calc.calc.policy import METHOD_VERSION, Policy
from ceg_calc.core.arrow import column_values
from ceg_calc.derive.fingerprint import code_digest
from ceg_calc.derive.names import DERIVED, DERIVED_TABLES
from ceg_calc.package.descriptor import DESCRIPTOR

KEYS = Path("data") / ".derived-keys"
#: Tables the derivation reads only by their keys (ids that the keyed tables name), never a value.
UNREAD = ("sources", "settings")
#: Tables whose rows are hashed per comparison (or, for the stated CEGs, in the context).
KEYED = ("models", "compute_estimates", "benchmarks", "enhancements", "benchmark_scores", "comparisons",
         "comparison_components", "costs", "published_estimates")
HEADER = "comparison_id,inputs_sha256,rows_sha256"
_DIGITS = 32  # hex digits kept of each SHA-256


def _sha(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:_DIGITS]


def _row_hashes(frame: pd.DataFrame) -> list[int]:
    """One 64-bit hash of every row's values (pandas' vectorised hash; columns in schema order)."""
    return pd.util.hash_pandas_object(frame, index=False).tolist() if len(frame) else []


def context_digest(package, tables: dict, draws: int, seed: int, policy: Policy) -> str:
    """What every comparison's rows depend on alike (see the module docstring)."""
    parts = [code_digest(), METHOD_VERSION, int(draws), int(seed), repr(policy),
             (package.root / DESCRIPTOR).read_bytes()]
    for resource in sorted(package.resources.values(), key=lambda r: r.name):
        if resource.schema_path and (package.root / resource.schema_path).is_file():
            parts.append(resource.schema_path.encode() + b"\0" + (package.root / resource.schema_path).read_bytes())
        if resource.name in DERIVED_TABLES or resource.name in UNREAD:
            continue
        if resource.name not in KEYED or resource.name == "published_estimates":
            frame = tables.get(resource.name)
            parts.append(resource.name.encode() + b"\0" + repr(None if frame is None else _row_hashes(frame)).encode())
    return _sha(*parts)


def comparison_keys(package, tables: dict, draws: int, seed: int, policy: Policy) -> dict:
    """``{comparison_id: key}``: a hash of everything the comparison's derived rows read."""
    context = context_digest(package, tables, draws, seed, policy)
    models = tables["models"]
    model_ids = column_values(models["model_id"])
    model_rows = dict(zip(model_ids, _row_hashes(models)))
    family = dict(zip(model_ids, column_values(models["family"])))
    base = dict(zip(model_ids, column_values(models["base_model_id"])))
    compute = tables["compute_estimates"]
    preferred = compute[compute["preferred"].astype(bool)]
    compute_rows: dict = {}
    for model_id, h in zip(column_values(preferred["model_id"]), _row_hashes(preferred)):
        compute_rows.setdefault(model_id, []).append(h)
    parts_of: dict = {}  # model id -> its part of a score's key, built once per model

    def model_part(model_id):
        if model_id not in parts_of:
            owner = base.get(model_id)
            parts_of[model_id] = (model_rows.get(model_id), compute_rows.get(model_id), owner,
                                  model_rows.get(owner), compute_rows.get(owner))
        return parts_of[model_id]

    scores = tables["benchmark_scores"]
    sides: dict = {}
    for b, s, src, m, h in zip(*(column_values(scores[c]) for c in ("benchmark_id", "setting_id", "source_id", "model_id")),
                               _row_hashes(scores)):
        sides.setdefault((b, s, src, family.get(m)), []).append((h, model_part(m)))
    ordered: dict = {}  # the text of a side's entries sorted by repr, once per side however many comparisons read it

    def side_of(key):
        if key not in ordered:
            ordered[key] = str(sorted(sides.get(key, []), key=repr))
        return ordered[key]

    benchmarks = dict(zip(column_values(tables["benchmarks"]["benchmark_id"]), _row_hashes(tables["benchmarks"])))
    enhancements = dict(zip(column_values(tables["enhancements"]["enhancement_id"]), _row_hashes(tables["enhancements"])))
    costs: dict = {}
    for e, h in zip(column_values(tables["costs"]["enhancement_id"]), _row_hashes(tables["costs"])):
        costs.setdefault(e, []).append(h)
    comparisons = tables["comparisons"]
    columns = {name: column_values(comparisons[name]) for name in
               ("comparison_id", "benchmark_id", "enhancement_id", "baseline_setting_id", "baseline_source_id",
                "baseline_family", "enhanced_setting_id", "enhanced_source_id", "enhanced_family")}
    own = {}
    for i, h in enumerate(_row_hashes(comparisons)):
        benchmark, enhancement = columns["benchmark_id"][i], columns["enhancement_id"][i]
        # the text of the list of both sides' sorted entries, as _sha would write the list
        side = "[" + ", ".join(side_of((benchmark, columns[f"{k}_setting_id"][i], columns[f"{k}_source_id"][i],
                                        columns[f"{k}_family"][i])) for k in ("baseline", "enhanced")) + "]"
        own[columns["comparison_id"][i]] = _sha(context, h, benchmarks.get(benchmark), enhancements.get(enhancement),
                                                sorted(costs.get(enhancement, [])), side)
    parts = components_of(tables)
    component_rows: dict = {}
    links = tables["comparison_components"]
    for c, h in zip(column_values(links["comparison_id"]), _row_hashes(links)):
        component_rows.setdefault(c, []).append(h)
    return {c: _sha(key, sorted(component_rows.get(c, [])), [(p, own.get(p)) for p in sorted(parts.get(c, ()))])
            if c in parts else key for c, key in own.items()}


def components_of(tables: dict) -> dict:
    """``{combined comparison: set of its component comparisons}``."""
    links = tables["comparison_components"]
    out: dict = {}
    for c, part in zip(links["comparison_id"], links["component_comparison_id"]):
        out.setdefault(c, set()).add(part)
    return out


# --- rows as written ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Written:
    """Cells of a derived CSV as written: the header and the rows (lists of str), by comparison."""

    header: list
    rows: list

    @classmethod
    def parse(cls, text: str) -> "Written":
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, [])
        return cls(header, list(reader))

    def by_comparison(self) -> dict:
        """``{comparison_id: [row, ...]}`` in file order (empty when the header lacks the column)."""
        if "comparison_id" not in self.header:
            return {}
        at = self.header.index("comparison_id")
        out: dict = {}
        for row in self.rows:
            if len(row) == len(self.header):
                out.setdefault(row[at], []).append(row)
        return out


def rows_digest(rows: list) -> str:
    """Digest of one comparison's rows as written (cells joined by unit separators)."""
    return _sha("\x1e".join("\x1f".join(row) for row in rows))


def read_keys(root: Path) -> dict:
    """``{comparison_id: (inputs, rows)}`` as :data:`KEYS` recorded them; empty when missing or unreadable."""
    try:
        text = (Path(root) / KEYS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    lines = text.splitlines()
    if not lines or lines[0] != HEADER:
        return {}
    out = {}
    for line in lines[1:]:
        cells = line.split(",")
        if len(cells) == 3:
            out[cells[0]] = (cells[1], cells[2])
    return out


def keys_text(keys: dict, written: Written) -> str:
    """The text of :data:`KEYS` for ``keys`` and the rows as written."""
    rows = written.by_comparison()
    lines = [HEADER] + [f"{c},{key},{rows_digest(rows.get(c, []))}" for c, key in sorted(keys.items())]
    return "\n".join(lines) + "\n"


def reusable(keys: dict, recorded: dict, committed: Written | None) -> set:
    """Comparisons whose recorded key and rows digest both match: their committed rows stand."""
    if committed is None or not recorded:
        return set()
    rows = committed.by_comparison()
    return {c for c, key in keys.items()
            if recorded.get(c) == (key, rows_digest(rows.get(c, [])))}


def stale_closure(stale: set, tables: dict) -> set:
    """``stale`` with the components of its combined comparisons (their CEGs make the product)."""
    parts = components_of(tables)
    out = set(stale)
    for c in stale:
        out |= parts.get(c, set())
    return out


class Subset:
    """The loaded package seen through only some comparisons (and the scores their sides can read)."""

    def __init__(self, loaded, comparisons: set):
        self.package = loaded.package
        tables = dict(loaded.tables)
        chosen = tables["comparisons"][tables["comparisons"]["comparison_id"].isin(comparisons)]
        sides = set()
        for side in ("baseline", "enhanced"):
            sides |= set(zip(chosen["benchmark_id"], chosen[f"{side}_setting_id"], chosen[f"{side}_source_id"]))
        scores = tables["benchmark_scores"]
        triple = pd.Series(list(zip(scores["benchmark_id"], scores["setting_id"], scores["source_id"])),
                           index=scores.index, dtype=object)
        tables["comparisons"] = chosen.reset_index(drop=True)
        tables["benchmark_scores"] = scores[triple.isin(sides)].reset_index(drop=True)
        self.tables = tables


def committed_rows(package) -> Written | None:
    """The committed ``ceg_estimates`` as written, or None when it cannot be read."""
    path = package.root / package.resource(DERIVED).path
    try:
        return Written.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
