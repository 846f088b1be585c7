"""The data package descriptor: ``datapackage.json`` and the Table Schemas it references.

``datapackage.json`` is the one source of schema truth. Everything else — the typed reader,
the Pandera schemas, the SQLite DDL, the Datasette metadata — is generated from the objects
defined here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ceg_calc.package.descriptor_check import DESCRIPTOR, check_descriptor
from ceg_calc.core.errors import DescriptorInvalid, PackageError



@dataclass(frozen=True)
class Field:
    """One column of a Table Schema."""

    name: str
    type: str
    description: str = ""
    constraints: dict = field(default_factory=dict)
    true_values: tuple = ("true",)
    false_values: tuple = ("false",)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @classmethod
    def from_descriptor(cls, d: dict) -> "Field":
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            description=d.get("description", ""),
            constraints=dict(d.get("constraints", {})),
            true_values=tuple(d.get("trueValues", ["true", "True", "TRUE", "1"])),
            false_values=tuple(d.get("falseValues", ["false", "False", "FALSE", "0"])),
        )


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key: ``fields`` of this table reference ``ref_fields`` of ``ref_resource``."""

    fields: tuple
    ref_resource: str
    ref_fields: tuple


@dataclass(frozen=True)
class Resource:
    """A tabular data resource: a CSV file under ``data/`` and its Table Schema."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple
    primary_key: tuple
    foreign_keys: tuple
    schema_path: str

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _as_tuple(value) -> tuple:
    return (value,) if isinstance(value, str) else tuple(value)


def _read_descriptor(root: Path):
    """``datapackage.json`` parsed, once confined (:func:`ceg_calc.core.confine.read_json_text`)."""
    from ceg_calc.core.confine import read_json_text

    text = read_json_text(root, DESCRIPTOR, "package descriptor")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"{root / DESCRIPTOR}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None


def _resource(d: dict, schema: dict) -> Resource:
    """A resource of a descriptor that passed :func:`ceg_calc.package.descriptor_check.check_descriptor`."""
    schema_path = d["schema"] if isinstance(d["schema"], str) else ""
    fks = tuple(
        ForeignKey(
            fields=_as_tuple(fk["fields"]),
            ref_resource=fk["reference"].get("resource") or d["name"],
            ref_fields=_as_tuple(fk["reference"]["fields"]),
        )
        for fk in schema.get("foreignKeys", [])
    )
    return Resource(
        name=d["name"],
        path=d["path"],
        title=d.get("title", d["name"]),
        description=d.get("description", ""),
        fields=tuple(Field.from_descriptor(f) for f in schema["fields"]),
        primary_key=_as_tuple(schema.get("primaryKey", ())),
        foreign_keys=fks,
        schema_path=schema_path,
    )


class DataPackage:
    """A data package on disk: its descriptor and resources.

    Parameters
    ----------
    root : str or Path
        The folder holding ``datapackage.json`` (or the descriptor's path itself).

    Raises
    ------
    PackageError
        When the descriptor cannot be read.
    DescriptorInvalid
        When it, or a Table Schema, has a wrong shape or names a path outside the package
        (:mod:`ceg_calc.package.descriptor_check`); nothing it names has been read.
    """

    def __init__(self, root: str | Path = "."):
        root = Path(root)
        if root.name == DESCRIPTOR or root.is_file():
            root = root.parent
        self.root = root
        self.descriptor = _read_descriptor(root)
        problems, schemas = check_descriptor(root, self.descriptor)
        if problems:
            from ceg_calc.core.report import Report

            raise DescriptorInvalid(Report(problems))
        self.resources = {r["name"]: _resource(r, schemas[r["name"]]) for r in self.descriptor["resources"]}

    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    def resource(self, name: str) -> Resource:
        try:
            return self.resources[name]
        except KeyError:
            raise PackageError(f"no resource named {name!r} in {self.root / DESCRIPTOR}") from None

    def path(self, name: str) -> Path:
        return self.root / self.resource(name).path
