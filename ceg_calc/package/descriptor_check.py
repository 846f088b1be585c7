"""The fast gate's check of ``datapackage.json`` and its Table Schemas, before any data is read.

Whatever shape a pull request gives the descriptor, the answer is a list of problems with a
location (``datapackage.json: resources[2] (models).path: ...`` or
``schemas/models.json: fields[3].type: ...``), never an internal error and never a check that is
silently skipped: a field type the gate does not check, a constraint it does not know, a key on a
field that does not exist or a foreign key to a resource that does not exist are problems too.
Paths are confined (:mod:`ceg_calc.core.confine`) before a schema is read, and no two resources may
share a file (``ceg derive`` would overwrite the other).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from ceg_calc.core.confine import checked_path, path_problem, read_json_text
from ceg_calc.core.errors import PackageError
from ceg_calc.core.report import Problem
from ceg_calc.core.shown import shown
from ceg_calc.package.types import TYPES  # the types the gate checks: the one type table's

DESCRIPTOR = "datapackage.json"
CONSTRAINTS = {"required": bool, "unique": bool, "enum": list, "minimum": (int, float),
               "maximum": (int, float), "pattern": str, "minLength": int, "maxLength": int}
NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")  # becomes an SQL table and a file name in releases
WEB = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"']+")
MAX_FIELDS = 500
# What a resource may say: the properties the package uses, each with the values it uses. Anything
# else (``compression``, inline ``data``, ``dialect``, ``scheme``, ``innerpath``, a remote
# ``profile``...) would make Frictionless (``--strict``) read something other than the plain UTF-8
# CSV file the fast gate checked, so it is refused before either reads a byte.
RESOURCE_KEYS = ("name", "path", "title", "description", "schema", "profile", "format", "mediatype",
                 "encoding", "bytes", "hash")
RESOURCE_VALUES = {"profile": ("tabular-data-resource", "data-resource"), "format": ("csv",),
                   "mediatype": ("text/csv",), "encoding": ("utf-8",)}
PACKAGE_PROFILES = ("tabular-data-package", "data-package")


class Checker:
    """Collects the problems of one package (at ``root``), each with its file and location."""

    def __init__(self, root):
        self.root = root
        self.base = Path(root).resolve()  # once for every path the descriptor names
        self.problems: list[Problem] = []

    def add(self, file: str, where: str, message: str) -> None:
        self.problems.append(Problem(file, None, where, "descriptor", message))


def _strings(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _names(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _links(check: Checker, descriptor: dict) -> None:
    """``licenses[].path`` and ``sources[].path`` become links on every page: http(s) only."""
    for key in ("licenses", "sources", "contributors"):
        entries = descriptor.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            check.add(DESCRIPTOR, key, "must be a list of objects")
            continue
        for i, entry in enumerate(entries):
            for attr in ("path", "url"):
                link = entry.get(attr)
                if link is not None and not (isinstance(link, str) and WEB.fullmatch(link)):
                    check.add(DESCRIPTOR, f"{key}[{i}].{attr}",
                              f"{shown(link)} is not an http(s) URL")


def _constraint_problems(field: dict, kind: str) -> list[tuple[str, str]]:
    """(where, message) for each constraint of ``field`` the gate cannot check as written."""
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return [("constraints", "must be an object")]
    out = []
    for key, value in constraints.items():
        expected = CONSTRAINTS.get(key)
        if expected is None:
            message = "the gate does not check this constraint"
        elif not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            message = f"{shown(value)} has the wrong shape"
        elif key in ("minimum", "maximum") and not (isinstance(kind, str) and kind in TYPES and TYPES[kind].ordered):
            message = "only " + ", ".join(n for n, t in TYPES.items() if t.ordered) + f" fields take a {key}"
        elif key == "pattern" and not _compiles(value):
            message = f"{shown(value)} is not a valid regular expression"
        elif key == "enum" and not all(isinstance(v, (str, int, float)) for v in value):
            message = "must list strings or numbers"
        else:
            continue
        out.append((f"constraints.{shown(key)[1:-1]}", message))
    return out


@functools.lru_cache(maxsize=1024)  # the same few patterns in every schema, every time a package is opened
def _compiles(pattern: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""]), f"^(?:{pattern})$")
        return True
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False


def _field_problems(fields, file: str, where: str, check: Checker) -> list[str]:
    """Problems of a schema's ``fields``; returns the valid field names (in order)."""
    if not isinstance(fields, list) or not fields or len(fields) > MAX_FIELDS:
        check.add(file, f"{where}fields", f"must be a list of 1 to {MAX_FIELDS} field objects")
        return []
    names = []
    for i, field in enumerate(fields):
        place = f"{where}fields[{i}]"
        if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"].strip():
            check.add(file, place, "must be an object with a non-blank string name")
            continue
        name = field["name"]
        place = f"{place} ({shown(name)[1:-1]})"
        if name in names:
            check.add(file, place, "repeats an earlier field's name")
        names.append(name)
        kind = field.get("type", "string")
        if not isinstance(kind, str) or kind not in TYPES:
            check.add(file, f"{place}.type", f"{shown(kind)} is not a type the gate checks: use one of "
                      + ", ".join(TYPES))
        for key in ("trueValues", "falseValues"):
            if key in field and not (isinstance(field[key], list) and all(isinstance(v, str) for v in field[key])):
                check.add(file, f"{place}.{key}", "must be a list of strings")
        for sub, message in _constraint_problems(field, kind):
            check.add(file, f"{place}.{sub}", message)
    return names


def _key_problems(schema: dict, names: list, file: str, where: str, check: Checker, fields_of: dict) -> None:
    primary = schema.get("primaryKey", [])
    if not _strings(primary):
        check.add(file, f"{where}primaryKey", "must be a field name or a list of field names")
    else:
        for name in _names(primary):
            if name not in names:
                check.add(file, f"{where}primaryKey", f"{shown(name)} is not a field of this schema")
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        check.add(file, f"{where}foreignKeys", "must be a list")
        return
    for i, fk in enumerate(foreign):
        place = f"{where}foreignKeys[{i}]"
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if not (isinstance(fk, dict) and _strings(fk.get("fields")) and isinstance(reference, dict)
                and _strings(reference.get("fields")) and isinstance(reference.get("resource", ""), str)):
            check.add(file, place, "must be {fields, reference: {resource, fields}} with field names")
            continue
        own, ref = _names(fk["fields"]), _names(reference["fields"])
        target = reference.get("resource") or None
        for name in own:
            if name not in names:
                check.add(file, f"{place}.fields", f"{shown(name)} is not a field of this schema")
        if len(own) != len(ref):
            check.add(file, f"{place}.reference.fields", "must name as many fields as fields")
        ref_names = names if target is None else fields_of.get(target)
        if ref_names is None and target in fields_of.get(None, ()):
            continue  # the referenced resource's own schema has a problem, reported there
        if ref_names is None:
            check.add(file, f"{place}.reference.resource", f"{shown(target)} is not a resource of the package")
            continue
        for name in ref:
            if name not in ref_names:
                check.add(file, f"{place}.reference.fields", f"{shown(name)} is not a field of {shown(target)}")
    missing = schema.get("missingValues", [""])
    if missing != [""]:
        check.add(file, f"{where}missingValues", 'must be [""]: the empty cell is the only missing value')


def _schema(check: Checker, index: int, resource: dict) -> tuple[str, str, dict | None]:
    """The resource's schema (read from its file once confined), the file problems are reported
    against, and the prefix of locations inside it."""
    place = f"resources[{index}] ({shown(resource.get('name'))[1:-1]}).schema"
    schema = resource.get("schema")
    if isinstance(schema, dict):
        return DESCRIPTOR, f"{place}.", schema
    if not isinstance(schema, str):  # reading confines a path; what is no path is refused here
        check.add(DESCRIPTOR, place, path_problem(check.root, schema, ".json") if schema is not None else "is missing")
        return DESCRIPTOR, place, None
    try:
        loaded = json.loads(read_json_text(check.root, schema, "Table Schema", check.base))
    except PackageError as exc:
        check.add(DESCRIPTOR, place, str(exc))
        return DESCRIPTOR, place, None
    except json.JSONDecodeError as exc:
        check.add(schema, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}")
        return schema, "", None
    if not isinstance(loaded, dict):
        check.add(schema, "(top level)", "a Table Schema must be a JSON object")
        return schema, "", None
    return schema, "", loaded


def _resource(check: Checker, index: int, resource, names: set, paths: dict) -> dict | None:
    if not isinstance(resource, dict):
        check.add(DESCRIPTOR, f"resources[{index}]", "must be an object")
        return None
    name = resource.get("name")
    place = f"resources[{index}] ({shown(name)[1:-1]})"
    if not (isinstance(name, str) and NAME.fullmatch(name)):
        check.add(DESCRIPTOR, f"{place}.name", "must be lower-case letters, digits and _ (a letter first)")
    elif name in names:
        check.add(DESCRIPTOR, f"{place}.name", "repeats an earlier resource's name")
    else:
        names.add(name)
    for key in ("title", "description"):
        if not isinstance(resource.get(key, ""), str):
            check.add(DESCRIPTOR, f"{place}.{key}", "must be a string")
    _resource_properties(check, place, resource)
    path = resource.get("path")
    problem, target = checked_path(check.root, path, ".csv", check.base) if path is not None else ("is missing", None)
    if problem:
        check.add(DESCRIPTOR, f"{place}.path", problem)
    else:
        key = str(target)
        if key in paths:
            check.add(DESCRIPTOR, f"{place}.path", f"is also the file of resource {shown(paths[key])}: "
                      "each resource needs a file of its own")
        paths.setdefault(key, name)
    return resource


def _resource_properties(check: Checker, place: str, resource: dict) -> None:
    """Refuse the properties (and values) the package does not use: see :data:`RESOURCE_KEYS`."""
    for key, value in resource.items():
        where = f"{place}.{shown(key)[1:-1]}"
        if key not in RESOURCE_KEYS:
            check.add(DESCRIPTOR, where, "is not a property the package uses: a resource is one plain UTF-8 "
                      "CSV file named by its path (no compression, inline or remote data, dialect or scheme)")
        elif key in RESOURCE_VALUES and not (isinstance(value, str) and value.lower() in RESOURCE_VALUES[key]):
            check.add(DESCRIPTOR, where, f"{shown(value)} is not used by the package: write "
                      + " or ".join(repr(v) for v in RESOURCE_VALUES[key]) + " or leave it out")
        elif key == "bytes" and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            check.add(DESCRIPTOR, where, f"{shown(value)} must be a whole number of bytes")
        elif key == "hash" and not (isinstance(value, str) and re.fullmatch(r"(sha256:)?[0-9a-f]{64}|[0-9a-f]{32}", value)):
            check.add(DESCRIPTOR, where, f"{shown(value)} must be a SHA-256 (sha256:<64 hex>) or an MD5")


def check_descriptor(root, descriptor) -> tuple[list[Problem], dict]:
    """Problems of the descriptor and its schemas, and the schemas read (by resource name).

    Parameters
    ----------
    root : Path
        The package folder.
    descriptor : object
        ``datapackage.json`` as parsed.
    """
    check = Checker(root)
    if not isinstance(descriptor, dict):
        check.add(DESCRIPTOR, "(top level)", "the descriptor must be a JSON object")
        return check.problems, {}
    _links(check, descriptor)
    profile = descriptor.get("profile", PACKAGE_PROFILES[0])
    if not (isinstance(profile, str) and profile in PACKAGE_PROFILES):
        check.add(DESCRIPTOR, "profile", f"{shown(profile)} is not used by the package: write "
                  + " or ".join(repr(v) for v in PACKAGE_PROFILES))
    for key in ("name", "title", "description", "version"):
        if not isinstance(descriptor.get(key, ""), str):
            check.add(DESCRIPTOR, key, "must be a string")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        check.add(DESCRIPTOR, "resources", "must be a non-empty list of resources")
        return check.problems, {}
    names, paths, schemas = set(), {}, {}
    for index, resource in enumerate(resources):
        if _resource(check, index, resource, names, paths) is not None:
            schemas[index] = _schema(check, index, resource)
    located = {i: s for i, s in schemas.items() if s[2] is not None}
    fields_at = {i: _field_problems(s.get("fields"), file, where, check) for i, (file, where, s) in located.items()}
    fields_of = {None: names}  # field names by resource name; the declared resource names under None
    fields_of.update({resources[i]["name"]: f for i, f in fields_at.items() if isinstance(resources[i].get("name"), str) and resources[i]["name"] in names})
    for index, (file, where, schema) in located.items():
        if fields_at[index]:
            _key_problems(schema, fields_at[index], file, where, check, fields_of)
    return check.problems, {resources[i]["name"]: s for i, (_, _, s) in located.items()
                            if not check.problems}
