"""The strings desktop/ui translates indirectly, which lupdate cannot see on its own.

lupdate reads ``self.tr("…")`` and ``QCoreApplication.translate("context", "…")``
written out in full. Four shapes in desktop/ui escape it:

- a wrapper: ``def _t(text): return QCoreApplication.translate("labels", text)``,
  called as ``_t("Renewal")`` (labels.py): not extracted at all;
- an alias: ``tr = QApplication.translate`` then ``tr("errors", "…")`` (errors.py):
  extracted with "errors" as the source text and the real text as a comment;
- a passed ``self.tr``: ``describe(status, self.tr)`` in ``SyncStatusLabel``, with
  ``tr("Synced")`` inside the module-level ``describe`` (sync_status.py): extracted
  with no context, while at run time Qt looks it up in ``SyncStatusLabel``'s;
- ``self.tr("…")`` inside an f-string (conversation.py's "No messages."): lupdate
  reads the f-string as one string and never sees the call.

``generate OUT`` writes each of them out in full, in its true context, into a Python
file that update_translations.sh gives lupdate along with desktop/ui/*.py.
``clean TS`` then removes from the .ts the context-less messages lupdate made of
those same calls, and warns of any other context-less message (Qt never looks a
string up without a context, so it would stay in English) and of any literal
``self.tr("…")`` of desktop/ui that is still not in the .ts.

Usage (from the repository root; update_translations.sh does both):
    python scripts/tr_indirect.py generate build/translations/indirect_strings.py
    python scripts/tr_indirect.py clean resources/translations/passerelle_fr.ts
"""

from __future__ import annotations

import ast
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = "desktop/ui/*.py"
APPLICATIONS = {"QCoreApplication", "QGuiApplication", "QApplication"}


@dataclass(frozen=True)
class Call:
    """One indirect translation: what Qt looks up at run time, and where it is written."""

    context: str
    text: str
    comment: str
    file: str  # relative to the repository root
    line: int
    seen_as: tuple[str, str] | None  # (source, comment) lupdate extracts with no context


def _text(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_translate(node: ast.AST) -> bool:
    """``QCoreApplication.translate`` (or QGuiApplication's, QApplication's)."""
    return (isinstance(node, ast.Attribute) and node.attr == "translate"
            and isinstance(node.value, ast.Name) and node.value.id in APPLICATIONS)


def _params(fn: ast.FunctionDef) -> list[str]:
    return [a.arg for a in fn.args.posonlyargs + fn.args.args]


def _wrappers(tree: ast.Module) -> dict[str, tuple[str, int]]:
    """Module-level ``def f(text): return QCoreApplication.translate("ctx", text)``:
    f → (ctx, index of the text parameter)."""
    found: dict[str, tuple[str, int]] = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = _params(fn)
        for node in ast.walk(fn):
            if (isinstance(node, ast.Call) and _is_translate(node.func) and len(node.args) >= 2
                    and _text(node.args[0]) is not None and isinstance(node.args[1], ast.Name)
                    and node.args[1].id in params):
                found[fn.name] = (_text(node.args[0]), params.index(node.args[1].id))  # type: ignore[assignment]
    return found


def _aliases(tree: ast.Module) -> set[str]:
    """Names bound to the translate function itself: ``tr = QApplication.translate``."""
    return {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and _is_translate(node.value) for t in node.targets if isinstance(t, ast.Name)}


def _classes_passing_tr(trees: dict[str, ast.Module], function: str, index: int) -> set[str]:
    """Classes that call ``function`` with ``self.tr`` as its argument number ``index``."""
    found: set[str] = set()
    for tree in trees.values():
        for cls in ast.walk(tree):
            if not isinstance(cls, ast.ClassDef):
                continue
            for node in ast.walk(cls):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name != function:
                    continue
                given = node.args[index:index + 1] + [k.value for k in node.keywords]
                if any(isinstance(a, ast.Attribute) and a.attr == "tr"
                       and isinstance(a.value, ast.Name) and a.value.id == "self" for a in given):
                    found.add(cls.name)
    return found


def _self_tr_calls(tree: ast.Module) -> list[tuple[str, ast.Call, bool]]:
    """Every ``self.tr("…")`` with a literal text: (class, call, inside an f-string)."""
    found: list[tuple[str, ast.Call, bool]] = []

    def visit(node: ast.AST, cls: str | None, in_fstring: bool) -> None:
        if isinstance(node, ast.ClassDef):
            cls = node.name
        if (cls and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "tr" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self" and node.args and _text(node.args[0]) is not None):
            found.append((cls, node, in_fstring))
        for child in ast.iter_child_nodes(node):
            visit(child, cls, in_fstring or isinstance(node, ast.JoinedStr))

    visit(tree, None, False)
    return found


def _trees(root: Path) -> dict[str, ast.Module]:
    return {p.relative_to(root).as_posix(): ast.parse(p.read_text(encoding="utf-8"), str(p))
            for p in sorted(root.glob(SOURCES))}


def _literal(call: ast.Call, index: int) -> str | None:
    return _text(call.args[index]) if len(call.args) > index else None


def collect(root: Path = ROOT) -> list[Call]:
    trees = _trees(root)
    calls: list[Call] = []
    for file, tree in trees.items():
        wrappers = _wrappers(tree)
        aliases = _aliases(tree)
        for cls, call, in_fstring in _self_tr_calls(tree):
            text = _literal(call, 0)
            if in_fstring and text is not None:
                calls.append(Call(cls, text, _literal(call, 1) or "", file, call.lineno, None))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            name = node.func.id
            if name in wrappers:
                context, i = wrappers[name]
                text = _literal(node, i)
                if text is not None:
                    seen = (text, _literal(node, 1) or "") if name == "tr" else None
                    calls.append(Call(context, text, "", file, node.lineno, seen))
            elif name in aliases:
                given, text = _literal(node, 0), _literal(node, 1)
                if given is not None and text is not None:
                    calls.append(Call(given, text, _literal(node, 2) or "", file, node.lineno,
                                      (given, text)))
        # A module-level function given self.tr as a parameter, and calling it.
        for fn in tree.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            params = _params(fn)
            for node in ast.walk(fn):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in params and node.func.id not in aliases):
                    continue
                text, comment = _literal(node, 0), _literal(node, 1) or ""
                if text is None:
                    continue
                seen = (text, comment) if node.func.id == "tr" else None
                index = params.index(node.func.id)
                for cls in sorted(_classes_passing_tr(trees, fn.name, index)):
                    calls.append(Call(cls, text, comment, file, node.lineno, seen))
    return calls


def generate(out: Path) -> None:
    merged: dict[tuple[str, str, str], list[str]] = {}
    for c in sorted(collect(), key=lambda c: (c.file, c.line)):
        merged.setdefault((c.context, c.text, c.comment), []).append(f"{c.file}:{c.line}")
    lines = [
        "# Generated by scripts/tr_indirect.py for lupdate: do not edit, nothing imports it.",
        "# The strings desktop/ui translates indirectly, written out with their true context.",
        "from PySide6.QtCore import QCoreApplication",
        "",
    ]
    for (context, text, comment), where in merged.items():
        args = [_py(context), _py(text)] + ([_py(comment)] if comment else [])
        lines.append(f"#: {', '.join(where)}")
        lines.append(f"QCoreApplication.translate({', '.join(args)})")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(merged)} indirect string(s)")


def _py(s: str) -> str:
    """A double-quoted Python literal (lupdate reads those best)."""
    escaped = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


_CONTEXT = re.compile(r"(?s)<context>\s*<name>(.*?)</name>.*?</context>\n?")
_MESSAGE = re.compile(r"(?s)[ \t]*<message\b[^>]*>.*?</message>\n?")


def _field(block: str, tag: str) -> str:
    m = re.search(rf"(?s)<{tag}>(.*?)</{tag}>", block)
    return html.unescape(m.group(1)) if m else ""


def clean(ts: Path) -> None:
    """Drop the context-less messages lupdate made of the indirect calls; warn of others."""
    junk = {(c.file, *c.seen_as) for c in collect() if c.seen_as}
    text = ts.read_text(encoding="utf-8")
    removed = 0
    strays: list[str] = []

    def in_empty_context(m: re.Match[str]) -> str:
        nonlocal removed

        def message(mm: re.Match[str]) -> str:
            nonlocal removed
            block = mm.group(0)
            if re.search(r'type="(vanished|obsolete)"', block):
                return block
            files = [f.split("desktop/ui/")[-1] for f in re.findall(r'filename="([^"]*)"', block)]
            key = (_field(block, "source"), _field(block, "comment"))
            if any(("desktop/ui/" + f, *key) in junk for f in files):
                removed += 1
                return ""
            lines = re.findall(r'line="(\d+)"', block)
            strays.append(f"{', '.join(f'desktop/ui/{f}:{n}' for f, n in zip(files, lines))}: "
                          f"{key[0]!r}")
            return block

        body = _MESSAGE.sub(message, m.group(0))
        return "" if not _MESSAGE.search(body) else body

    text = _CONTEXT.sub(lambda m: in_empty_context(m) if m.group(1) == "" else m.group(0), text)
    ts.write_text(text, encoding="utf-8")
    print(f"{ts}: {removed} context-less duplicate(s) of indirect strings removed")
    for s in strays:
        print(f"warning: {s} has no context (a tr() outside a class?): it will stay in English",
              file=sys.stderr)
    present = {(html.unescape(c.group(1)), _field(mm.group(0), "source"),
                _field(mm.group(0), "comment"))
               for c in _CONTEXT.finditer(text) for mm in _MESSAGE.finditer(c.group(0))}
    for file, tree in _trees(ROOT).items():
        for cls, call, _ in _self_tr_calls(tree):
            source = _literal(call, 0)
            if (cls, source, _literal(call, 1) or "") not in present:
                print(f"warning: {file}:{call.lineno}: {source!r} is not in {ts} "
                      f"(context {cls}): it will stay in English", file=sys.stderr)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("generate", "clean"):
        print(__doc__, file=sys.stderr)
        return 2
    (generate if argv[0] == "generate" else clean)(Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
