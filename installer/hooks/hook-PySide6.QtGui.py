"""PySide6.QtGui as PyInstaller collects it, less the Qt plugins Passerelle never loads.

It replaces PyInstaller's own hook (hooks in ``hookspath`` take precedence) so that the
plugins are dropped *before* binary dependency analysis: a plugin left out here also
leaves out the libraries only it needs (the GTK 3 theme alone drags in GTK's cairo,
pango, atk and gdk-pixbuf from the build machine).
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)

# Plugin file stems (lib prefix and extension removed), by plugin folder.
UNUSED = {
    # Embedded-device and remote platforms; the window runs on xcb/wayland (Linux), cocoa
    # (macOS) or windows, and offscreen (the smoke test, a remote session without display).
    "platforms": {"qeglfs", "qlinuxfb", "qminimalegl", "qvkkhrdisplay", "qvnc", "qdirect2d"},
    # The GTK 3 theme would load the system's GTK next to our copies of its dependencies;
    # the xdg-desktop-portal theme and our style sheet give the window its look.
    "platformthemes": {"qgtk3"},
    # Images the application never opens: icons are SVG, signatures PNG or JPEG.
    "imageformats": {"qtiff", "qwebp", "qtga", "qwbmp", "qicns", "qpdf"},
    # Touch screens and input devices of embedded (eglfs) systems.
    "generic": None,
    "egldeviceintegrations": None,
}


def _used(src: str, dest: str) -> bool:
    folder = PurePath(dest).name
    if folder not in UNUSED:
        return True
    stems = UNUSED[folder]
    if stems is None:
        return False
    stem = PurePath(src).name.split(".")[0]
    stem = stem.removeprefix("lib")
    return stem not in stems


binaries = [(src, dest) for src, dest in binaries if _used(src, dest)]
