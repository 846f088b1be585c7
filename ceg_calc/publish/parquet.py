"""Parquet copies of the package's tables, typed from the Table Schemas (the one type table's Arrow
types), whose bytes depend on the data only."""

from __future__ import annotations

import io
from pathlib import Path

from ceg_calc.core.errors import CegError
from ceg_calc.core.files import make_dirs, write_bytes_atomic
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.types import field_type

PARQUET_WRITER = b"ceg-dataset"


def parquet_bytes(table) -> bytes:
    """A pyarrow Table as Parquet (zstd) whose bytes depend on the data only: no pandas
    metadata, and a fixed writer name in place of ``parquet-cpp-arrow version X``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(None), sink, compression="zstd")
    data = sink.getvalue()
    size = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - size
    footer = data[start:-8]
    writer = f"parquet-cpp-arrow version {pa.__version__}".encode()
    marker = bytes([len(writer)]) + writer
    if len(writer) > 127 or footer.count(marker) != 1:
        raise CegError(f"Parquet footer: writer name {writer!r} not found once; cannot make the file reproducible")
    footer = footer.replace(marker, bytes([len(PARQUET_WRITER)]) + PARQUET_WRITER)
    return data[:start] + footer + len(footer).to_bytes(4, "little") + b"PAR1"


def write_parquet_tables(package: DataPackage, tables: dict, folder: Path) -> list[Path]:
    """A Parquet file per resource of ``package`` from its typed frames ``tables`` (as
    :func:`ceg_calc.gate.checks.read_valid_tables` gives them, in file order), typed from the Table
    Schemas (booleans, dates, integers, numbers, text), into ``folder``; returns the files written."""
    import pyarrow as pa

    make_dirs(folder)
    out = []
    for name, resource in sorted(package.resources.items()):
        schema = pa.schema([(f.name, field_type(f.type).arrow) for f in resource.fields])
        frame = tables[name][[f.name for f in resource.fields]]
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        path = folder / f"{name}.parquet"
        write_bytes_atomic(path, parquet_bytes(table))
        out.append(path)
    return out


