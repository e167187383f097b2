"""`python -m workers`: one arq worker process (`portal worker` supervises it)."""

from __future__ import annotations

import logging

from arq.worker import run_worker

from workers.settings import worker_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    run_worker(worker_settings())


if __name__ == "__main__":
    main()
