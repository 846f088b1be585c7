"""``make bench``: every benchmark of the package, printed in one run."""

from __future__ import annotations

from bench import bench_build, bench_derive, bench_hostile_query, bench_package, bench_peers, bench_serve, bench_validate


def main() -> None:
    bench_peers.main()  # the goals first: each step beside its peer
    bench_validate.main()
    bench_derive.main()
    bench_build.main()
    bench_serve.main()
    bench_hostile_query.main()
    bench_package.main()


if __name__ == "__main__":
    main()
