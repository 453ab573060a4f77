#!/usr/bin/env bash
# The Linux bundle as a tarball: dist/passerelle-VERSION-linux-ARCH.tar.gz
#
#   .venv/bin/python installer/build_and_smoke.py     # dist/passerelle/, smoke-tested
#   installer/linux/make_tarball.sh
#
# The archive holds one folder, passerelle-VERSION/, with the frozen application
# (./passerelle opens the window; ./passerelle --help lists the commands), its icon and a script
# that adds it to the user's application menu. No AppImage: appimagetool and the AppImage
# runtime are not in the package registries this project builds from (PyPI, Debian, npm), and
# downloading them from their release pages is not part of a reproducible build here.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUNDLE=dist/passerelle
[ -x "$BUNDLE/passerelle" ] || { echo "no $BUNDLE/passerelle: build it first (installer/build_and_smoke.py)" >&2; exit 1; }
VERSION="$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
NAME="passerelle-${VERSION}"
TARBALL="dist/${NAME}-linux-$(uname -m).tar.gz"

STAGING="$(mktemp -d)"
trap 'rm -rf "$STAGING"' EXIT
cp -a "$BUNDLE" "$STAGING/$NAME"
cp installer/linux/passerelle.desktop installer/linux/install-desktop-entry.sh "$STAGING/$NAME/"
cp installer/icons/passerelle.png "$STAGING/$NAME/passerelle.png"
cat > "$STAGING/$NAME/README.txt" <<TXT
Passerelle ${VERSION} for Linux (x86-64, glibc $(ldd --version | head -n1 | grep -oE '[0-9]+\.[0-9]+$') or newer)

  ./passerelle                    opens the window (first run: the practice wizard)
  ./passerelle --demo             a throwaway demo practice
  ./passerelle --help             the commands (init, inbox, sync, ...)
  ./install-desktop-entry.sh      adds Passerelle to your application menu

The practice's store is ~/.local/share/Passerelle/Passerelle/cabinet.passerelle (not in this
folder): replacing this folder with a newer version keeps it, and the store migrates itself
at the next unlock. The desktop needs X11 or Wayland with the usual libraries (libEGL, libGL,
fontconfig, xkbcommon; on X11 also libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1).
TXT
# Owner-neutral, sorted, dated by the last commit: the same bundle gives the same archive.
tar --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime="@$(git log -1 --format=%ct 2>/dev/null || date +%s)" \
    -C "$STAGING" -cf - "$NAME" | gzip -9n > "$TARBALL"

# The archive must run once unpacked somewhere else.
CHECK="$(mktemp -d)"
trap 'rm -rf "$STAGING" "$CHECK"' EXIT
tar -xzf "$TARBALL" -C "$CHECK"
"$CHECK/$NAME/passerelle" --help > /dev/null
echo "$TARBALL: $(du -h "$TARBALL" | cut -f1) ($(du -sh "$CHECK/$NAME" | cut -f1) unpacked)"
