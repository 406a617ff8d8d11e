"""Batch screening on several cores: chunks of parties screened in forked worker processes.

The index is built once in the parent; forked workers share its memory (copy-on-write), so no
index is pickled or rebuilt. Results come back in the order of the chunks. Where the platform
cannot fork, the chunks are screened in this process.

A batch must never hang and never leave a process behind, whatever happens in a worker. That is
why this module runs its own small set of processes rather than ``multiprocessing.Pool``: a
pool waits forever for the result of a worker that died (killed, out of memory), and a result
or an error that cannot be sent back is lost in its feeder thread, again leaving the parent
waiting. Here each worker pickles its own answer (so a failure to pickle is caught where it
happens), the parent watches the workers while it waits, and on any error, on Ctrl-C, or when
the caller stops early, every worker is terminated and reaped before the error is raised.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sever.errors import SeverError

_TASK: Callable[[Any], Any] | None = None
"""The function the forked workers apply; set before the workers fork, inherited by each."""

IN_FLIGHT_PER_WORKER = 2
"""Chunks queued per worker: enough to keep each busy, few enough to bound memory."""

POLL_SECONDS = 0.5
"""How often the parent looks at its workers while it waits for a result."""

STOP_SECONDS = 5.0
"""How long a terminated worker is given to exit before it is killed."""


class WorkerError(SeverError):
    """A screening worker failed; the message is the worker's own."""


def available_cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _portable(exc: BaseException) -> bytes:
    """The worker's error, pickled so that the parent can raise it: the error itself when it
    survives a round trip, else a WorkerError with its type and message."""
    if isinstance(exc, SeverError):
        try:
            data = pickle.dumps(exc)
            pickle.loads(data)
            return data
        except Exception:  # any failure to pickle means: send the message instead
            pass
    message = str(exc) or "no message"
    name = type(exc).__name__
    wrapped = WorkerError(message if isinstance(exc, SeverError) else f"{name}: {message}")
    return pickle.dumps(wrapped)


def _work(tasks: Any, results: Any) -> None:
    """A worker's loop: take (number, chunk), send back (number, ok, pickled answer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    assert _TASK is not None
    while (item := tasks.get()) is not None:
        number, chunk = item
        try:
            results.put((number, True, pickle.dumps(_TASK(chunk))))
        except BaseException as exc:  # every failure must reach the parent
            results.put((number, False, _portable(exc)))
            return


def map_chunks(task: Callable[[Any], Any], chunks: Iterable[Any], workers: int) -> Iterator[Any]:
    """``task(chunk)`` for each chunk, in order, on ``workers`` forked processes.

    The first error in a worker is raised here with the worker's message (a WorkerError, or
    the worker's own SeverError such as an InputError), after every worker has been stopped.
    """
    global _TASK
    if workers <= 1 or not can_fork():
        yield from map(task, chunks)
        return
    context = multiprocessing.get_context("fork")
    _TASK = task
    gc.freeze()  # the collector then leaves the shared index alone: fewer pages copied per worker
    tasks, results = context.Queue(), context.Queue()
    processes = [
        context.Process(target=_work, args=(tasks, results), daemon=True) for _ in range(workers)
    ]
    try:
        for process in processes:
            process.start()
        yield from _gather(iter(chunks), tasks, results, processes)
    finally:
        _stop(processes, tasks, results)
        gc.unfreeze()
        _TASK = None


def _gather(chunks: Iterator[Any], tasks: Any, results: Any, processes: list[Any]) -> Iterator[Any]:
    """Feed chunks to the workers and yield their answers in chunk order."""
    window = IN_FLIGHT_PER_WORKER * len(processes)
    done: dict[int, Any] = {}
    sent = given = 0
    exhausted = False
    while True:
        while not exhausted and sent - given < window:
            chunk = next(chunks, None)
            if chunk is None:
                exhausted = True
                for _ in processes:
                    tasks.put(None)
            else:
                tasks.put((sent, chunk))
                sent += 1
        while given in done:
            yield done.pop(given)
            given += 1
        if exhausted and given == sent:
            return
        number, ok, payload = _next_result(results, processes)
        answer = _unpickle(payload)
        if not ok:
            raise answer
        done[number] = answer


def _next_result(results: Any, processes: list[Any]) -> tuple[int, bool, bytes]:
    """The next answer from any worker; WorkerError when a worker died without one."""
    while True:
        try:
            return results.get(timeout=POLL_SECONDS)  # type: ignore[no-any-return]
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise WorkerError(
                    f"a screening worker stopped unexpectedly (exit code {dead[0].exitcode}); "
                    "the batch was stopped"
                ) from None


def _unpickle(payload: bytes) -> Any:
    try:
        return pickle.loads(payload)
    except Exception as exc:  # a worker's answer we cannot read is its failure
        raise WorkerError(f"a screening worker's answer could not be read: {exc}") from None


def _stop(processes: list[Any], tasks: Any, results: Any) -> None:
    """Terminate and reap every worker, and release the queues without waiting on them."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        if process.pid is None:
            continue  # never started
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    for channel in (tasks, results):
        channel.cancel_join_thread()
        channel.close()
