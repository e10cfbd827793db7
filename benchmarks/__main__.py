"""`make bench`: run every benchmark against the local cluster and services."""

import logging
import sys

from .harness import scratch_database, setup_django


def main(selected: list[str]) -> None:
    setup_django()
    logging.getLogger("apps").setLevel(logging.WARNING)  # one line per app is noise here
    from . import apply, dashboard

    benchmarks = {"dashboard": dashboard.run, "apply": apply.run}
    with scratch_database():
        for name, run in benchmarks.items():
            if not selected or name in selected:
                run()


if __name__ == "__main__":
    main(sys.argv[1:])
