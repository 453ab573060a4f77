"""The library layers stay free of Qt, and the relay never imports the desktop.

Run in fresh interpreters so that nothing imported by other tests hides an import.
"""

import subprocess
import sys

import pytest

LIBRARY_MODULES = [
    "desktop.core",
    "desktop.store",
    "desktop.crypto",
    "desktop.sync",
    "desktop.patient",
    "desktop.documents",
    "desktop.cli",
    "desktop.records",
]


@pytest.mark.parametrize("module", LIBRARY_MODULES)
def test_library_layer_does_not_import_qt(module: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"m = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(getattr(m, '__path__', []), m.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(n for n in sys.modules if n.startswith('PySide6'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_relay_does_not_import_desktop() -> None:
    code = (
        "import importlib, pkgutil, sys, relay\n"
        "for info in pkgutil.walk_packages(relay.__path__, 'relay.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'desktop' or n.startswith('desktop.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
