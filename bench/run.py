"""``make bench``: every benchmark of the package, printed in one run."""

from __future__ import annotations

from bench import bench_validate


def main() -> None:
    bench_validate.main()


if __name__ == "__main__":
    main()
