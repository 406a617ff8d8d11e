"""How a trace takes memory from the operating system.

numpy asks Linux for transparent huge pages (``madvise``) for every large array. Where the
kernel's ``defrag`` setting is ``madvise`` (the default of Debian and Ubuntu), each first touch of
such an array may stop to compact memory, and a taint pass over millions of transfers makes a
few dozen arrays of that size: on this project's 2-core machine, at 3M transfers, the ledger
took 5.7 s of system time with huge pages against 0.8 s without, for 1.3 s of arithmetic.
numpy's documented switch is ``NUMPY_MADVISE_HUGEPAGE=0`` when it is imported; a trace sets the
same switch through numpy's own setter for as long as it runs, and puts it back after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from numpy._core import multiarray


@contextmanager
def small_pages() -> Iterator[None]:
    """numpy's huge-page requests off while the block runs, as they were after."""
    previous = multiarray._set_madvise_hugepage(False)
    try:
        yield
    finally:
        multiarray._set_madvise_hugepage(previous)
