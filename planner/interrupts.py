"""Ctrl-C and SIGTERM during a run: stop promptly, kill solver child processes and leave no temporary
files, so the command exits 130 / 143 with any previous output untouched.

The command runs inside :func:`signals_handled`. A signal raises :class:`Interrupted` where Python code
is running; inside a native solver call (HiGHS, entered through :func:`native_call`) an exception
cannot cross the solver, so the signal is only recorded: the solver's interrupt callbacks see
:func:`requested` and stop it, and the exception is raised as soon as the call returns. Child
processes (CBC) are killed by the handler itself.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

#: The signals handled, and the exit status a shell reports for each (128 + its number).
HANDLED = (signal.SIGINT, signal.SIGTERM)


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
        children = psutil.Process().children(recursive=True)
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
def signals_handled() -> Iterator[None]:
    """Handle SIGINT and SIGTERM for the duration (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread() or _state.active:
        yield
        return
    previous = {s: signal.signal(s, _handler) for s in HANDLED}
    _state.signum, _state.native, _state.active = None, 0, True
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)
        _state.active = False
        _state.signum = None
