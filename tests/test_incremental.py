"""Incremental derivation gives byte for byte what a full one gives, on randomly edited copies of
the package: scores and compute estimates changed, scores and comparisons removed, comparisons
added, a derived cell edited by hand. 100 draws keep it quick (the keys cover the draws)."""

from __future__ import annotations

import random
import shutil

import pandas as pd
import pytest

from ceg_calc.derive.incremental import read_keys
from ceg_calc.derive.run import checked_tables, derive, derive_package
from conftest import REPO

DRAWS = 100


@pytest.fixture(scope="module")
def derived_copy(tmp_path_factory):
    """The real package (descriptor, schemas, tables), derived with :data:`DRAWS` draws."""
    root = tmp_path_factory.mktemp("package")
    shutil.copy(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "schemas", root / "schemas")
    (root / "data").mkdir()
    for path in (REPO / "data").glob("*.csv"):
        shutil.copy(path, root / "data" / path.name)
    derive_package(root, draws=DRAWS, full=True)
    return root


def _read(root, table):
    return pd.read_csv(root / "data" / f"{table}.csv", dtype=str, keep_default_na=False, na_values=[])


def _write(root, table, frame):
    frame.to_csv(root / "data" / f"{table}.csv", index=False, lineterminator="\n")


def edit_score(root, rng):
    """A score takes the value of another score on the same benchmark (so it stays in range)."""
    s = _read(root, "benchmark_scores")
    i = rng.randrange(len(s))
    same = s.index[s["benchmark_id"] == s.at[i, "benchmark_id"]]
    s.at[i, "score"] = s.at[rng.choice(list(same)), "score"]
    _write(root, "benchmark_scores", s)


def edit_compute(root, rng):
    """An estimate of training compute (and its bounds) scaled by up to half a decade either way."""
    c = _read(root, "compute_estimates")
    i = rng.randrange(len(c))
    factor = 10 ** rng.uniform(-0.5, 0.5)
    for column in ("training_compute_flop", "training_compute_low_flop", "training_compute_high_flop"):
        if c.at[i, column]:
            c.at[i, column] = f"{float(c.at[i, column]) * factor:.6g}"
    _write(root, "compute_estimates", c)


def remove_score(root, rng):
    s = _read(root, "benchmark_scores")
    _write(root, "benchmark_scores", s.drop(index=rng.randrange(len(s))))


def _free_comparisons(root):
    """Comparisons no combined comparison names (free to remove)."""
    links = _read(root, "comparison_components")
    named = set(links["comparison_id"]) | set(links["component_comparison_id"])
    c = _read(root, "comparisons")
    return c, [i for i in c.index if c.at[i, "comparison_id"] not in named]


def add_comparison(root, rng):
    """A copy of a comparison under a new id (new derived rows)."""
    c, free = _free_comparisons(root)
    row = c.loc[[rng.choice(free)]].copy()
    row["comparison_id"] = row["comparison_id"] + f"-copy{rng.randrange(10**6)}"
    _write(root, "comparisons", pd.concat([c, row], ignore_index=True))


def remove_comparison(root, rng):
    c, free = _free_comparisons(root)
    _write(root, "comparisons", c.drop(index=rng.choice(free)))


def edit_derived_cell(root, rng):
    """A hand edit of a published CEG: that comparison must be derived again, not reused."""
    e = _read(root, "ceg_estimates")
    with_value = [i for i in e.index if e.at[i, "ceg"]]
    e.at[rng.choice(with_value), "ceg"] = "1234.5"
    _write(root, "ceg_estimates", e)


EDITS = (edit_score, edit_compute, remove_score, add_comparison, remove_comparison, edit_derived_cell)


@pytest.mark.parametrize("seed", range(3))
def test_incremental_equals_full_on_random_edits(derived_copy, tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "package"
    shutil.copytree(derived_copy, root)
    kinds = rng.sample(EDITS, 3)  # three kinds of edit at once; the seeds between them cover every kind
    for edit in kinds:
        edit(root, rng)
    loaded = checked_tables(root)
    incremental = derive(loaded, draws=DRAWS, reuse=True)
    full = derive(loaded, draws=DRAWS, reuse=False)
    names = [k.__name__ for k in kinds]
    assert incremental.texts == full.texts, names
    assert incremental.keys == full.keys, names
    # only what changed was derived again: a few comparisons, not all of them
    assert len(incremental.derived) < len(full.derived), names
    if seed:
        return
    # and what derive writes from it is the full derivation's bytes
    derive_package(root, draws=DRAWS)
    for name, text in full.texts.items():
        assert (root / loaded.package.resource(name).path).read_text(encoding="utf-8") == text, (name, names)


def test_nothing_changed_derives_nothing(derived_copy):
    loaded = checked_tables(derived_copy)
    again = derive(loaded, draws=DRAWS, reuse=True)
    assert again.derived == frozenset()
    for name, text in again.texts.items():
        assert (derived_copy / loaded.package.resource(name).path).read_text(encoding="utf-8") == text


def test_other_draws_or_a_changed_key_file_reuse_nothing(derived_copy):
    from ceg_calc.calc.policy import DERIVE_POLICY
    from ceg_calc.derive.incremental import comparison_keys, committed_rows, reusable

    loaded = checked_tables(derived_copy)
    package, tables = loaded.package, loaded.tables
    keys = comparison_keys(package, tables, DRAWS, 0, DERIVE_POLICY)
    recorded = read_keys(derived_copy)
    committed = committed_rows(package)
    assert reusable(keys, recorded, committed) == set(keys)
    for other in (comparison_keys(package, tables, DRAWS + 1, 0, DERIVE_POLICY),
                  comparison_keys(package, tables, DRAWS, 1, DERIVE_POLICY)):
        assert reusable(other, recorded, committed) == set()
    # a row digest that no longer matches (a hand edit) makes only its comparison stale
    first = next(iter(sorted(recorded)))
    tampered = {**recorded, first: (recorded[first][0], "0" * 32)}
    assert reusable(keys, tampered, committed) == set(keys) - {first}
    assert reusable(keys, {}, committed) == set()
