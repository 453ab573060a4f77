#!/usr/bin/env bash
# Refresh the French translation of the window, from the repository root:
#
#     scripts/update_translations.sh
#
# 1. pyside6-lupdate extracts every string of desktop/ui/*.py into
#    resources/translations/passerelle_fr.ts, keeping the translations already there
#    (a new or changed string comes in as type="unfinished"). The strings desktop/ui
#    translates indirectly (labels.py's _t, errors.py's tr alias, the tr that
#    SyncStatusLabel hands to sync_status.describe) are written out for lupdate by
#    scripts/tr_indirect.py first, and lupdate's context-less copies of them removed
#    after.
# 2. pyside6-lrelease compiles it into resources/translations/passerelle_fr.qm, the
#    file desktop/ui/app.py install_translations() loads.
#
# Translate what is left unfinished in Qt Linguist, or add it to scripts/fill_fr.py and
# run `python scripts/fill_fr.py`, then run this script again.
set -euo pipefail

if [[ ! -d desktop/ui || ! -d resources ]]; then
    echo "update_translations.sh: run it from the repository root" >&2
    exit 1
fi

# The project's virtual environment if there is one, else whatever is on the PATH.
bin=""
[[ -x .venv/bin/pyside6-lupdate ]] && bin=".venv/bin/"
python="${bin}python"
[[ -x "$python" ]] || python=python3

ts=resources/translations/passerelle_fr.ts
qm=resources/translations/passerelle_fr.qm
indirect=build/translations/indirect_strings.py

mkdir -p resources/translations
"$python" scripts/tr_indirect.py generate "$indirect"
"${bin}pyside6-lupdate" -source-language en -target-language fr_FR \
    desktop/ui/*.py "$indirect" -ts "$ts"
"$python" scripts/tr_indirect.py clean "$ts"
"${bin}pyside6-lrelease" "$ts" -qm "$qm"

unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
if (( unfinished > 0 )); then
    echo "$ts: $unfinished message(s) still to translate (type=\"unfinished\")" >&2
fi
