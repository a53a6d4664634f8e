"""Ctrl-C and SIGTERM during a run: stop promptly, kill solver child processes and leave no temporary
files, so the command exits 130 / 143 with any previous output untouched.

The command runs inside :func:`signals_handled`. A signal raises :class:`Interrupted` where Python code
is running; inside a native solver call (HiGHS, entered through :func:`native_call`) an exception
cannot cross the solver, so the signal is only recorded: the solver's interrupt callbacks see
:func:`requested` and stop it, and the exception is raised as soon as the call returns. Child
processes (CBC) are killed by the handler itself. Should the run still not have stopped after
``GRACE_SECONDS`` (a solver phase that polls no callback), a watchdog thread woken by the signal
itself removes the registered temporary folders, kills the children and calls the caller's
``give_up`` (which exits at once).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType

#: The signals handled, and the exit status a shell reports for each (128 + its number).
HANDLED = (signal.SIGINT, signal.SIGTERM)
#: Seconds a run may take to stop after a signal before the watchdog gives up on it.
GRACE_SECONDS = 2.0


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, it is not an error of the run
    """The run was stopped by a signal (Ctrl-C or SIGTERM); nothing was written."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


@dataclass
class _State:
    signum: int | None = None
    native: int = 0
    active: bool = False
    temporary: set[str] = field(default_factory=set)  # folders to remove if the watchdog gives up
    stopped: threading.Event = field(default_factory=threading.Event)


_state = _State()


def requested() -> bool:
    """Whether a handled signal has arrived (solver callbacks poll this)."""
    return _state.signum is not None


def raise_if_requested() -> None:
    if _state.signum is not None:
        raise Interrupted(_state.signum)


def kill_children(grace: float = 1.0) -> None:
    """Terminate this process's children (solver processes), killing those still alive after ``grace``."""
    import psutil

    try:
        children = [c for c in psutil.Process().children(recursive=True) if c.pid not in _keep_alive()]
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(alive, timeout=grace)


@contextlib.contextmanager
def temporary_folder(path: str) -> Iterator[str]:
    """Register a temporary folder for the duration, so that a run given up on still removes it."""
    _state.temporary.add(path)
    try:
        yield path
    finally:
        _state.temporary.discard(path)


def _keep_alive() -> set[int]:
    """Children that must outlive the run: multiprocessing's resource tracker cleans up after the
    workers (killed, it is relaunched and fails on what the old one had registered)."""
    import sys

    tracker = sys.modules.get("multiprocessing.resource_tracker")
    pid = getattr(getattr(tracker, "_resource_tracker", None), "_pid", None)
    return {pid} if isinstance(pid, int) else set()


def _handler(signum: int, _frame: FrameType | None) -> None:
    first = _state.signum is None
    if first:
        _state.signum = signum
    kill_children()
    if first and _state.native == 0:
        raise Interrupted(signum)


@contextlib.contextmanager
def native_call() -> Iterator[None]:
    """Around a solver call that a Python exception must not cross: a signal is only recorded
    (the solver's interrupt callback polls :func:`requested`) and raised when the call returns."""
    _state.native += 1
    try:
        yield
    finally:
        _state.native -= 1
    raise_if_requested()


@contextlib.contextmanager
def signals_handled(give_up: Callable[[int], None] | None = None, grace: float = GRACE_SECONDS) -> Iterator[None]:
    """Handle SIGINT and SIGTERM for the duration (main thread only; elsewhere a no-op). With
    ``give_up``, a run that has not stopped ``grace`` seconds after a signal is given up on:
    ``give_up(signum)`` is called from a watchdog thread once temporary folders and children are gone."""
    if threading.current_thread() is not threading.main_thread() or _state.active:
        yield
        return
    previous = {s: signal.signal(s, _handler) for s in HANDLED}
    _state.signum, _state.native, _state.active = None, 0, True
    _state.stopped.clear()
    watch = _Watchdog(give_up, grace) if give_up is not None else None
    try:
        yield
    finally:
        _state.stopped.set()
        if watch is not None:
            watch.close()
        for s, old in previous.items():
            signal.signal(s, old)
        _state.active = False
        _state.signum = None


class _Watchdog:
    """A thread woken by the signal itself (``signal.set_wakeup_fd``), even while the main thread is
    inside native code; it gives the run ``grace`` seconds to stop, then gives up on it."""

    def __init__(self, give_up: Callable[[int], None], grace: float) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.write_fd, False)
        self.previous_fd = signal.set_wakeup_fd(self.write_fd, warn_on_full_buffer=False)
        self.thread = threading.Thread(target=self._watch, args=(give_up, grace), daemon=True)
        self.thread.start()

    def _watch(self, give_up: Callable[[int], None], grace: float) -> None:
        data = os.read(self.read_fd, 64)
        if not data or _state.stopped.wait(grace):
            return  # closed, or the run stopped in time
        for path in list(_state.temporary):
            shutil.rmtree(path, ignore_errors=True)
        kill_children()
        give_up(_state.signum or data[0])

    def close(self) -> None:
        signal.set_wakeup_fd(self.previous_fd)
        os.close(self.write_fd)
        self.thread.join(timeout=1.0)
        os.close(self.read_fd)
