#!/bin/sh
# Adds Passerelle to this user's application menu, pointing at the folder this script is in.
# Run it again after moving the folder; remove the entry with --remove.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
entry="${XDG_DATA_HOME:-$HOME/.local/share}/applications/passerelle.desktop"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$entry" && echo "removed $entry"
  exit 0
fi
mkdir -p "$(dirname "$entry")"
sed "s#@BUNDLE@#$here#g" "$here/passerelle.desktop" > "$entry"
echo "added $entry (runs $here/passerelle)"
