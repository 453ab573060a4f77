"""One way to run work off the GUI thread (after Anki's ``aqt/operations``).

``Operation(parent, fn, *args).success(cb).failure(cb).run()`` runs ``fn`` on a
worker and calls ``cb`` back **on the GUI thread**. Work goes to a *lane*:

- ``store``: one thread, so writes to the store are serialised (one writer);
- ``network``: a small pool for calls to the relay;
- ``compute``: key derivation, PDF rendering, imports.

Workers never touch a widget. A callback whose parent widget is gone is
dropped. ``drain()`` at shutdown waits for what is running.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Self

import shiboken6

from desktop.ui.qt import QCoreApplication, QObject, Qt, Signal

log = logging.getLogger(__name__)

# "backup": one at a time, on its own read connection, so that a long copy holds
# neither the writer nor a key-derivation thread.
_LANES = {"store": 1, "network": 4, "compute": 2, "backup": 1}


class _Dispatcher(QObject):
    """Lives on the GUI thread; a signal emitted by a worker is delivered there."""

    deliver = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def _run(self, call: Callable[[], None]) -> None:
        call()


class _Pools:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.executors: dict[str, ThreadPoolExecutor] = {}
        self.dispatcher: _Dispatcher | None = None
        self.running = 0

    def executor(self, lane: str) -> ThreadPoolExecutor:
        with self.lock:
            if lane not in self.executors:
                self.executors[lane] = ThreadPoolExecutor(_LANES[lane], thread_name_prefix=lane)
            return self.executors[lane]


_pools = _Pools()


def _dispatcher() -> _Dispatcher:
    if _pools.dispatcher is None:
        app = QCoreApplication.instance()
        if app is None or threading.current_thread() is not threading.main_thread():
            raise RuntimeError("operations start on the GUI thread, with an application")
        _pools.dispatcher = _Dispatcher()
    return _pools.dispatcher


def default_failure(exc: BaseException) -> None:
    """What happens to an error nobody handled: the global hook shows and logs it."""
    from desktop.ui.errors import report

    report(exc)


class Operation:
    """A function to run off the GUI thread, with callbacks on the GUI thread."""

    def __init__(self, parent: QObject | None, fn: Callable[..., Any], *args: Any, **kw: Any):
        self._parent = parent
        self._fn = fn
        self._args = args
        self._kw = kw
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException], None] = default_failure

    def success(self, callback: Callable[[Any], None]) -> Self:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Self:
        self._failure = callback
        return self

    def run(self, lane: str = "store") -> Future[Any]:
        dispatcher = _dispatcher()
        with _pools.lock:
            _pools.running += 1
        return _pools.executor(lane).submit(self._work, dispatcher)

    def _alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _work(self, dispatcher: _Dispatcher) -> Any:
        try:
            result = self._fn(*self._args, **self._kw)
        except BaseException as exc:
            log.debug("operation %s failed", getattr(self._fn, "__name__", self._fn), exc_info=True)
            error = exc  # ``exc`` is unbound when the except block ends
            dispatcher.deliver.emit(lambda: self._finish(self._failure, error))
            return None
        dispatcher.deliver.emit(lambda: self._finish(self._success, result))
        return result

    def _finish(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        with _pools.lock:
            _pools.running -= 1
        if callback is not None and self._alive():
            callback(value)


def busy() -> int:
    """How many operations have not yet called back (tests wait for zero)."""
    with _pools.lock:
        return _pools.running


def drain() -> None:
    """Wait for running work at shutdown; queued work that has not started is dropped."""
    with _pools.lock:
        executors = list(_pools.executors.values())
        _pools.executors.clear()
    for ex in executors:
        ex.shutdown(wait=True, cancel_futures=True)
