"""Where a sweep's chunks of runs execute: this process, a local worker pool, or Dask.

Each executor takes an iterator of tasks (scenario, runs, traces) and yields each
chunk's outputs as it finishes, keeping only a few chunks in flight so that memory stays
flat however long the sweep. Workers are long-lived: a pool process runs many chunks.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from pausegame.errors import Fault, InputError
from pausegame.experiments.sweep_engine import RunOutput, execute_chunk
from pausegame.experiments.sweep_spec import RunSpec

Task = tuple[str, Sequence[RunSpec], bool]  # (scenario text, runs, traces)
IN_FLIGHT_PER_WORKER = 2
CONNECT_TIMEOUT = "10s"  # how long to wait for a Dask scheduler to answer
POLL_SECONDS = 1.0  # how often a waiting sweep checks that its cluster is still there
NO_WORKERS_SECONDS = 60.0  # a cluster without workers this long ends the sweep


class Executor(Protocol):
    """Runs tasks somewhere and yields their outputs as they finish."""

    description: str
    capacity: int

    def __enter__(self) -> Executor: ...
    def __exit__(self, *exc: object) -> None: ...
    def results(self, tasks: Iterator[Task]) -> Iterator[list[RunOutput]]: ...


def cpu_count() -> int:
    """The CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """A Dask client for `scheduler`, else a pool of `workers` processes (default: every CPU)."""
    if scheduler is not None:
        return DaskCluster(scheduler)
    workers = cpu_count() if workers is None else workers
    return InProcess() if workers == 1 else LocalPool(workers)


class InProcess:
    """One worker: the chunks run here, one after another (no process to start)."""

    description = "this process"
    capacity = 1

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def results(self, tasks: Iterator[Task]) -> Iterator[list[RunOutput]]:
        for task in tasks:
            yield execute_chunk(*task)


class LocalPool:
    """A pool of long-lived worker processes on this machine."""

    def __init__(self, workers: int) -> None:
        self.capacity = workers
        self.description = f"local pool of {workers} worker processes"
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalPool:
        # `spawn` starts clean interpreters: forking a process that already runs threads
        # (Parquet readers, progress) can deadlock, and spawn behaves alike on every OS.
        self._pool = ProcessPoolExecutor(
            max_workers=self.capacity,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if exc_type is None:
            pool.shutdown(wait=True)
            return
        # Interrupted or failed: stop the workers now rather than wait for chunks nobody will
        # commit (the executor has no public way to do so before Python 3.14).
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()

    def results(self, tasks: Iterator[Task]) -> Iterator[list[RunOutput]]:
        assert self._pool is not None, "use the pool inside a `with` block"
        pool, in_flight = self._pool, set[Future]()

        def submit_next() -> None:
            task = next(tasks, None)
            if task is not None:
                in_flight.add(pool.submit(execute_chunk, *task))

        for _ in range(self.capacity * IN_FLIGHT_PER_WORKER):
            submit_next()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight.discard(future)
                try:
                    outputs = future.result()
                    submit_next()
                except BrokenProcessPool:
                    raise Fault(
                        "a worker process died unexpectedly (killed, or out of memory)"
                    ) from None
                yield outputs


def _start_worker(parent: int) -> None:
    """Set up a pool worker: the parent handles Ctrl-C, and the worker dies with its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    # A parent killed with SIGKILL cannot stop its workers; they notice being orphaned.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


class DaskCluster:
    """A Dask distributed cluster reached through its scheduler's address.

    A lost scheduler, a cluster left without workers for NO_WORKERS_SECONDS, or a task
    that keeps killing workers ends the sweep with a `Fault` saying so; it never hangs.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self.description = f"dask scheduler {address}"
        self.capacity = 1
        self._client = None
        self._workerless_since: float | None = None

    def __enter__(self) -> DaskCluster:
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
        try:
            self._client = Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            raise InputError(f"--scheduler {self.address}: cannot connect ({error})") from None
        # Dask logs its own account of a lost connection; the sweep reports it in one line.
        logging.disable(logging.ERROR)
        self.capacity = max(1, sum(self._client.nthreads().values()))
        return self

    def __exit__(self, *exc: object) -> None:
        client, self._client = self._client, None
        try:
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close(timeout=5)
        finally:
            logging.disable(logging.NOTSET)

    def results(self, tasks: Iterator[Task]) -> Iterator[list[RunOutput]]:
        from distributed import as_completed

        client = self._client
        assert client is not None, "use the cluster inside a `with` block"

        def submit(task: Task) -> Any:  # a distributed.Future
            return client.submit(execute_chunk, *task, pure=False)

        first = itertools.islice(tasks, self.capacity * IN_FLIGHT_PER_WORKER)
        finished = as_completed([submit(task) for task in first], loop=client.loop)
        self._workerless_since, checked = None, time.monotonic()
        while not finished.is_empty():
            if not finished.has_ready():
                # Poll rather than block, so a cluster that is gone is noticed.
                time.sleep(0.02)
                if time.monotonic() - checked > POLL_SECONDS:
                    self._check_cluster()
                    checked = time.monotonic()
                continue
            for future in finished.next_batch(block=False):
                task = next(tasks, None)
                if task is not None:
                    finished.add(submit(task))
                yield self._outputs(future)

    def _outputs(self, future: Any) -> list[RunOutput]:
        from distributed import KilledWorker

        try:
            while True:  # a finished task's result is lost with its worker, and recomputed
                try:
                    outputs = future.result(timeout=POLL_SECONDS)
                    break
                except TimeoutError:
                    self._check_cluster()
        except CancelledError:
            raise self._lost() from None
        except KilledWorker as error:
            raise Fault(f"a task kept killing the cluster's workers ({error})") from None
        except OSError as error:
            raise Fault(f"the Dask cluster at {self.address} failed: {error}") from None
        except Exception as error:  # raised inside the task, on a worker
            raise Fault(f"a task failed on the cluster: {type(error).__name__}: {error}") from None
        future.release()
        return outputs

    def _check_cluster(self) -> None:
        """Between waits: the scheduler must answer and have had workers within
        NO_WORKERS_SECONDS; otherwise a `Fault` saying which."""
        client = self._client
        assert client is not None
        if client.status == "connecting":  # Dask retries for CONNECT_TIMEOUT, then cancels
            return
        try:
            if client.status != "running":
                raise self._lost()
            workers = len(client.nthreads())
        except (OSError, TimeoutError, CancelledError):
            raise self._lost() from None
        now = time.monotonic()
        if workers or self._workerless_since is None:
            self._workerless_since = None if workers else now
        elif now - self._workerless_since > NO_WORKERS_SECONDS:
            raise Fault(
                f"the Dask cluster at {self.address} has had no workers for "
                f"{NO_WORKERS_SECONDS:g} s"
            )

    def _lost(self) -> Fault:
        return Fault(f"lost the connection to the Dask scheduler at {self.address}")
