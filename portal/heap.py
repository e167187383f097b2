"""The collector's settings for a serving process, applied once its app is built.

Measured under load (32 concurrent POSTs, `bench/collector.py`): the portal's start-up heap,
~85,000 objects (routes, schemas, templates, catalogs), was walked by every full collection, a
~70 ms pause every ~2,000 POSTs, in which every request in flight waited; and the young
generation, at 700 objects, was collected every ~16 requests because 32 requests in flight keep
that many alive.
"""

from __future__ import annotations

import gc

# Young objects between collections: above what the requests in flight keep alive at once.
YOUNG_THRESHOLD = 7_000


def settle() -> None:
    """Take what start-up built out of the collector's sight, and collect the young less often.

    Objects made later are still collected; cyclic garbage waits a little longer (at most a few
    thousand objects).
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
