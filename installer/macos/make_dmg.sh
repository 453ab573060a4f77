#!/usr/bin/env bash
# Make the macOS disk image from the .app that installer/passerelle.spec builds:
#
#   .venv/bin/python installer/build_and_smoke.py        # dist/Passerelle.app, smoke-tested
#   installer/macos/make_dmg.sh                          # dist/Passerelle-VERSION-macos-ARCH.dmg
#
# The image holds Passerelle.app and a link to /Applications: the practice drags one onto the
# other. With PASSERELLE_CODESIGN_IDENTITY set, the image itself is signed too (the .app was
# signed by PyInstaller during the build); notarisation follows, see SIGNING.md beside this file.
set -euo pipefail
cd "$(dirname "$0")/../.."

APP="${1:-dist/Passerelle.app}"
[ -d "$APP" ] || { echo "no $APP: build it first (installer/build_and_smoke.py)" >&2; exit 1; }
VERSION="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")"
DMG="dist/Passerelle-${VERSION}-macos-$(uname -m).dmg"

STAGING="$(mktemp -d)"
trap 'rm -rf "$STAGING"' EXIT
# ditto keeps the signatures, extended attributes and symlinks of the bundle intact (cp -R may not).
ditto "$APP" "$STAGING/Passerelle.app"
ln -s /Applications "$STAGING/Applications"

rm -f "$DMG"
hdiutil create -volname "Passerelle ${VERSION}" -srcfolder "$STAGING" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$DMG"

if [ -n "${PASSERELLE_CODESIGN_IDENTITY:-}" ]; then
  codesign --sign "$PASSERELLE_CODESIGN_IDENTITY" --timestamp "$DMG"
fi
hdiutil verify "$DMG" >/dev/null
echo "$DMG: $(du -h "$DMG" | cut -f1)"
