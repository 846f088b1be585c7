"""Citation metadata and the CHANGELOG entry of a release.

``CITATION.cff`` is the one place that names the package's authors, licence, repository
(``repository-code``) and the survey it follows (``references``). ``.zenodo.json`` is generated
from it, so that archiving a GitHub release on Zenodo mints a DOI for that version with the same
title, authors, licence and references, without editing anything by hand.

The release date of a version is written once, in its CHANGELOG heading ``## X.Y.Z (YYYY-MM-DD)``,
and read from there afterwards: rebuilding a release on another day gives the same bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ceg_calc.core.errors import CegError
from ceg_calc.core.files import write_atomic

UNRELEASED = re.compile(r"(?mi)^## +(?:unreleased|(?P<version>\d+\.\d+\.\d+) +[—-]+ +unreleased) *$")
DATED = r"(?m)^## +{version} +\((?P<date>\d{{4}}-\d{{2}}-\d{{2}})\)"
ZENODO_LICENCES = {"CC-BY-4.0": "cc-by-4.0", "MIT": "mit", "CC0-1.0": "cc-zero"}


def read_cff(root: Path) -> dict:
    """``CITATION.cff`` as a dictionary."""
    path = Path(root) / "CITATION.cff"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise CegError(f"CITATION.cff: cannot be read ({exc})") from None


def _creator(author: dict) -> dict:
    if "name" in author:
        out = {"name": author["name"]}
    else:
        out = {"name": ", ".join(p for p in (author.get("family-names"), author.get("given-names")) if p)}
    if author.get("affiliation"):
        out["affiliation"] = author["affiliation"]
    if str(author.get("orcid", "")).startswith("https://orcid.org/"):
        out["orcid"] = author["orcid"].removeprefix("https://orcid.org/")
    return out


def zenodo_metadata(cff: dict) -> dict:
    """Zenodo deposit metadata (``.zenodo.json``) equivalent to ``cff``.

    Zenodo's GitHub integration reads this file when a release is archived; the DOI it mints
    for that version is shown on the Zenodo record and the repository's release page.
    """
    related = [{"identifier": cff["repository-code"], "relation": "isSupplementTo", "scheme": "url"}] \
        if cff.get("repository-code") else []
    for ref in cff.get("references", []):
        if ref.get("url"):
            related.append({"identifier": ref["url"], "relation": "references", "scheme": "url"})
    out = {"title": cff["title"], "upload_type": "dataset",
           "description": " ".join(str(cff.get("abstract", "")).split()),
           "creators": [_creator(a) for a in cff.get("authors", [])], "version": str(cff.get("version", "")),
           "publication_date": str(cff.get("date-released", "")),
           "license": ZENODO_LICENCES.get(cff.get("license"), str(cff.get("license", "")).lower()),
           "keywords": list(cff.get("keywords", [])), "related_identifiers": related}
    return {k: v for k, v in out.items() if v not in ("", [])}


def write_zenodo(root: Path) -> None:
    """Regenerate ``.zenodo.json`` from ``CITATION.cff``."""
    text = json.dumps(zenodo_metadata(read_cff(root)), indent=2, ensure_ascii=False) + "\n"
    write_atomic(Path(root) / ".zenodo.json", text)


def changelog_date(text: str, version: str) -> str | None:
    """The release date in ``version``'s CHANGELOG heading, or None when it has none yet."""
    match = re.search(DATED.format(version=re.escape(version)), text)
    return match.group("date") if match else None


def unreleased_heading(text: str, version: str) -> re.Match:
    """The heading the entry of ``version`` is written under: ``## Unreleased`` or
    ``## X.Y.Z — unreleased`` (same version); a CegError when there is none, or both."""
    found = [m for m in UNRELEASED.finditer(text) if m.group("version") in (None, version)]
    if len(found) == 1:
        return found[0]
    if found:
        raise CegError(f"CHANGELOG.md has {len(found)} unreleased entries that could be {version}: "
                       "merge them into one")
    raise CegError(f"CHANGELOG.md has no entry for {version}: add what changed under a heading "
                   f"'## Unreleased' (or '## {version} (YYYY-MM-DD)') and release again")


def dated_changelog(text: str, version: str, date: str, lines: list[str]) -> str:
    """``text`` with the unreleased heading dated as ``## version (date)`` and ``lines`` (a
    release note: reason, data changes) added at the end of that entry."""
    if changelog_date(text, version) is None:
        heading = unreleased_heading(text, version)
        text = text[:heading.start()] + f"## {version} ({date})" + text[heading.end():]
    start = re.search(DATED.format(version=re.escape(version)), text).end()
    following = re.compile(r"(?m)^## ").search(text, start)
    end = following.start() if following else len(text)
    body = text[start:end].rstrip("\n")
    missing = [line for line in lines if line not in body]
    if not missing:
        return text
    body += "\n" + "\n".join(missing)
    return text[:start] + body + ("\n\n" + text[end:] if following else "\n")


CITE_FORMATS = ("bibtex", "apa", "cff")


def citation_date(root: Path, cff: dict | None = None) -> str:
    """The release date of the package's version: its CHANGELOG heading ``## X.Y.Z (YYYY-MM-DD)``,
    the one place a date is written (``ceg release`` copies it into ``CITATION.cff``).

    Raises
    ------
    CegError
        When the CHANGELOG has no dated entry for the version, or ``CITATION.cff``'s
        ``date-released`` says another date.
    """
    cff = read_cff(root) if cff is None else cff
    version = str(cff.get("version", ""))
    path = Path(root) / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    date = changelog_date(text, version)
    if date is None:
        raise CegError(f"CHANGELOG.md has no dated entry '## {version} (YYYY-MM-DD)': the version is not "
                       "released yet, so there is no date to cite")
    stated = str(cff.get("date-released", ""))
    if stated and stated != date:
        raise CegError(f"CITATION.cff: date-released {stated} disagrees with CHANGELOG.md's '## {version} ({date})'")
    return date


def _authors(cff: dict) -> list[str]:
    return [a.get("name") or ", ".join(p for p in (a.get("family-names"), a.get("given-names")) if p)
            for a in cff.get("authors", [])]


def _bib_authors(cff: dict) -> str:
    """BibTeX ``author``: a body (``name``) braced whole, so it is not read as family and given names."""
    names = [("{" + _bib_escape(a["name"]) + "}") if a.get("name") else
             _bib_escape(", ".join(p for p in (a.get("family-names"), a.get("given-names")) if p))
             for a in cff.get("authors", [])]
    return "{" + " and ".join(names) + "}"


def bibtex_key(cff: dict, date: str) -> str:
    """A BibTeX key naming the dataset, its year and version, e.g. ``ceg-dataset-2026-v0.1.0``."""
    name = cff.get("repository-code", "").rstrip("/").rsplit("/", 1)[-1] or "ceg-dataset"
    return re.sub(r"[^A-Za-z0-9.:_-]", "-", f"{name}-{date[:4]}-v{cff.get('version', '')}")


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", " ".join(str(text).split()))


def citation(root: Path, style: str = "bibtex") -> str:
    """How to cite the package's current version in ``style`` (:data:`CITE_FORMATS`): a BibTeX
    ``@misc`` entry, an APA reference, or ``CITATION.cff`` itself; with the version, its release page
    (``url``) and date (:func:`citation_date`). Needs no tool beyond this package."""
    if style not in CITE_FORMATS:
        raise CegError(f"citation format {style!r}: expected one of {', '.join(CITE_FORMATS)}")
    if style == "cff":
        return (Path(root) / "CITATION.cff").read_text(encoding="utf-8")
    cff = read_cff(root)
    date, version, url = citation_date(root, cff), str(cff.get("version", "")), str(cff.get("url", ""))
    authors, title = _authors(cff), " ".join(str(cff.get("title", "")).split())
    if style == "apa":
        return (f"{', '.join(authors)}. ({date[:4]}). {title} (Version {version}) [Data set]. {url}\n")
    fields = {"author": _bib_authors(cff), "title": "{{" + _bib_escape(title) + "}}",
              "year": date[:4], "month": str(int(date[5:7])), "date": date, "version": version,
              "publisher": "GitHub", "url": url, "note": f"Version {version}, released {date}",
              "howpublished": r"\url{" + url + "}", "license": str(cff.get("license", ""))}
    body = ",\n".join(f"  {name} = {value if name in ('author', 'title') else '{' + value + '}'}"
                      for name, value in fields.items() if value)
    return f"@misc{{{bibtex_key(cff, date)},\n{body}\n}}\n"
