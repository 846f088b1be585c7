"""Provenance is an address a reader can open: no handle of a stored copy in data/ or docs/.

A handle ("id 56024474068", "public text copy #12", "read_file", or the shorthand
``github:owner/repo@commit:path``) names a copy only its reader could open. Sources are cited by
arXiv URL with version, DOI, publisher page, or ``https://github.com/OWNER/REPO/blob/<commit>/<path>``.
"""

from __future__ import annotations

import csv
import re
import pytest

from conftest import REPO

HANDLE = re.compile(
    r"read_file"                                  # the name of a reading tool
    r"|text cop(?:y|ies)"                         # "public text copy #N"
    r"|#\s?\d{6,}"                                # "#71228449222"
    r"|\bids?\s+(?:#\s?)?\d{6,}"                  # "id 56024474068", "ids 58563279399"
    r"|\bgithub:[\w.-]+/[\w.-]+@",                # github:owner/repo@commit:path
    re.IGNORECASE)


def handles(text: str) -> list[str]:
    """The internal handles in ``text`` (empty when it cites only addresses)."""
    return [m.group(0) for m in HANDLE.finditer(text)]


def _cells():
    for path in sorted((REPO / "data").glob("*.csv")):  # data/raw/ holds snapshots, not provenance
        text = path.read_text(encoding="utf-8")
        if not HANDLE.search(text):  # a handle in a cell is in the file's text too (none holds a quote)
            continue
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for line, row in enumerate(reader, start=2):
                for column, value in zip(header, row):
                    yield f"data/{path.name}:{line}: {column}", value
    for path in sorted((REPO / "docs").glob("*.md")):
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            yield f"docs/{path.name}:{line}", text


def test_no_internal_handles_in_data_or_docs():
    found = [f"{where}: {', '.join(handles(value))}" for where, value in _cells() if handles(value)]
    assert not found, "provenance must be an address, not a handle:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("text", [
    "Read in EMNLP 2023 version: text extraction read_file id 56024474068.",
    "Read from public text copy #53065531956 (full-text conversion)",
    "cross-checked with ids 61608172166 and 54888553130",
    "github:gaotianpu/antiai@ba44c33d9b6268fd59f04ce4f57ca13def96022a:paper/nlp/CoT-Zero-shot.md",
])
def test_handles_are_recognised(text):
    assert handles(text)


@pytest.mark.parametrize("text", [
    "Read in https://github.com/gaotianpu/antiai/blob/ba44c33d9b6268fd59f04ce4f57ca13def96022a/paper/nlp/LaMDA.md",
    "Table 2 of https://arxiv.org/abs/2201.11903v6; https://doi.org/10.48550/arXiv.2204.02311",
    "6 x 5.404e+11 parameters x 7.8e+11 tokens; 1,319 problems; 2.5272e+24 FLOP",
])
def test_addresses_and_numbers_pass(text):
    assert not handles(text)


def test_docs_are_checked():
    assert list((REPO / "docs").glob("*.md"))
