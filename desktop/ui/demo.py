"""Demo mode in the window: the demo practice is built off the GUI thread, then patients
start writing once the practice has unlocked."""

from __future__ import annotations

from pathlib import Path

from desktop.demo.world import DEMO_PASSPHRASE, DemoWorld, PatientSimulator
from desktop.ui.operations import Operation
from desktop.ui.qt import QObject


class DemoLauncher(QObject):
    """Builds the :class:`DemoWorld` in the background; the unlock screen waits for it."""

    def __init__(self, folder: Path, patients: int, every: tuple[float, float] = (6.0, 15.0)):
        super().__init__()
        self.world = DemoWorld(folder, patients)
        self.passphrase = DEMO_PASSPHRASE
        self.simulator = PatientSimulator(self.world, every)
        self.ready = False
        self._window = None

    def attach(self, window) -> None:  # type: ignore[no-untyped-def]
        self._window = window
        # A throwaway store: no backups of it, and this workstation's real ones untouched.
        window.session.backups.enabled = False
        window.backup_label.hide()
        screen = window.unlock_screen
        screen.button.setEnabled(False)
        screen.say(self.tr("Preparing the demo practice and its patients…"))
        window.session.unlocked.connect(self._unlocked)
        Operation(self, self.world.build).success(self._built).failure(self._failed).run(
            "compute")

    def _built(self, _: object) -> None:
        self.ready = True
        print(f"Be a patient of the demo practice in your browser: {self.world.browser_url}",
              flush=True)
        screen = self._window.unlock_screen
        screen.button.setEnabled(True)
        screen.say(self.tr("The demo practice is ready: unlock it."))

    def _failed(self, exc: BaseException) -> None:
        self._window.unlock_screen.say(
            self.tr("The demo could not start: {0}").format(exc), error=True)
        from desktop.ui.errors import report
        report(exc)

    def _unlocked(self) -> None:
        if self.ready and not self.simulator._thread.is_alive():
            self.simulator.start()

    def stop(self) -> None:
        if self.simulator._thread.is_alive():
            self.simulator.stop()
        self.world.stop()
