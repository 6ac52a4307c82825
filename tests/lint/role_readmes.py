#!/usr/bin/env python3
"""Each role's README inputs, generated from its meta/argument_specs.yml.

The argument specs are the one place where a role's inputs are described (ansible-doc and
the role's own validation read them too). A README's hand-written prose says what the specs
cannot (design, limits, what the lab tests); its inputs section is this script's output,
between the BEGIN/END markers, and `tests/unit/test_role_readmes.py` fails when it is stale.

    python3 tests/lint/role_readmes.py          # rewrite the generated sections (make readmes)
    python3 tests/lint/role_readmes.py --check  # exit 1 naming the stale READMEs
A role without a README gets one generated whole: its title, then between BEGIN_ALL and END
its main entry point's description and its inputs.

A role's outputs (the facts and variables it sets for other roles and playbooks to read) are
described in its meta/outputs.yml, a mapping `outputs:` of name to `type`, `set` (where and
how: a fact on which hosts, or a role variable) and `description` (Ansible markup, as in the
specs). They are rendered after the inputs, as the README's "Outputs" section. Other roles
read only these names of a role, never its `__` internals (tests/unit/test_role_boundaries.py).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "jupyterfleet.hub"
BEGIN = "<!-- BEGIN inputs: generated from meta/argument_specs.yml by `make readmes`; edit the specs -->"
# A README with no prose of its own is generated whole after its title: the main entry
# point's description, then the inputs.
BEGIN_ALL = (
    "<!-- BEGIN description and inputs: generated from meta/argument_specs.yml by"
    " `make readmes`; edit the specs -->"
)
END = "<!-- END inputs -->"

_MARKUP = [
    (re.compile(r"L\(([^,()]+),\s*([^)]+)\)"), r"[\1](\2)"),
    (re.compile(r"U\(([^)]+)\)"), r"<\1>"),
    (re.compile(r"I\(([^)]+)\)"), r"*\1*"),
    (re.compile(r"B\(([^)]+)\)"), r"**\1**"),
    (re.compile(r"\b(?:RV|C|V|O|E|M)\(((?:[^()]|\([^()]*\))+)\)"), r"`\1`"),
]


def markdown(text: str) -> str:
    """Ansible documentation markup (C(), V(), O(), I(), B(), U(), L()) as Markdown."""
    for pattern, repl in _MARKUP:
        text = pattern.sub(repl, text)
    return text


def _paragraphs(value) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [markdown(" ".join(str(p).split())) for p in items]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _type(spec: dict) -> str:
    kind = spec.get("type", "str")
    if kind == "list" and "elements" in spec:
        kind = f"list of {spec['elements']}"
    if "choices" in spec:
        kind += " (" + ", ".join(f"`{c}`" for c in spec["choices"]) + ")"
    return kind


def _default(spec: dict) -> str:
    if spec.get("required"):
        return "required"
    if "default" not in spec:
        return ""
    text = json.dumps(spec["default"], ensure_ascii=False)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"`{text}`"


def _rows(options: dict, prefix: str = "") -> list[str]:
    rows = []
    for name, spec in options.items():
        spec = spec or {}
        full = f"{prefix}{name}"
        rows.append(
            f"| `{full}` | {_cell(_type(spec))} | {_cell(_default(spec))} | "
            f"{_cell(' '.join(_paragraphs(spec.get('description'))))} |"
        )
        if spec.get("options"):
            nested = "[]." if spec.get("type") == "list" else "."
            rows += _rows(spec["options"], f"{full}{nested}")
    return rows


def generated(role: Path, begin: str = BEGIN) -> str:
    """The generated section of a role's README: the inputs, after the description for BEGIN_ALL."""
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    out = [begin]
    if begin == BEGIN_ALL:
        main = specs["main"]
        short = [p.rstrip(".") + "." for p in _paragraphs(main.get("short_description"))]
        for para in short + _paragraphs(main.get("description")):
            out += [para, ""]
    out += ["## Inputs", ""]
    out.append(
        f"Checked by the role itself at its start; also `ansible-doc -t role "
        f"{COLLECTION}.{role.name}`."
    )
    for entry, spec in specs.items():
        tasks = "" if entry == "main" else f" (`tasks_from: {entry}`)"
        out += ["", f"### `{entry}`{tasks}: {markdown(spec.get('short_description', ''))}", ""]
        options = spec.get("options") or {}
        if not options:
            out.append("No inputs.")
            continue
        out += ["| Variable | Type | Default | Description |", "|---|---|---|---|"]
        out += _rows(options)
    out += _outputs(role)
    out.append(END)
    return "\n".join(out) + "\n"


def _outputs(role: Path) -> list[str]:
    """The README's Outputs section, from meta/outputs.yml (none without that file)."""
    path = role / "meta" / "outputs.yml"
    if not path.exists():
        return []
    outputs = (yaml.safe_load(path.read_text()) or {}).get("outputs") or {}
    out = ["", "## Outputs", ""]
    out.append(
        "What this role sets for other roles and playbooks to read (from `meta/outputs.yml`)."
        " Other roles read these names only, never the role's `__` internals."
    )
    out += ["", "| Name | Type | Set | Description |", "|---|---|---|---|"]
    for name, spec in outputs.items():
        spec = spec or {}
        out.append(
            f"| `{name}` | {_cell(_type(spec))} | {_cell(' '.join(_paragraphs(spec.get('set'))))} | "
            f"{_cell(' '.join(_paragraphs(spec.get('description'))))} |"
        )
    return out


def updated(role: Path) -> str:
    """The role's README with its generated section as generated now."""
    path = role / "README.md"
    if not path.exists():
        return f"# {COLLECTION}.{role.name}\n\n" + generated(role, BEGIN_ALL)
    text = path.read_text()
    for begin in (BEGIN_ALL, BEGIN):
        if begin in text and END in text:
            before, rest = text.split(begin, 1)
            after = rest.split(END, 1)[1].lstrip("\n")
            return before + generated(role, begin) + ("\n" + after if after else "")
    return text.rstrip("\n") + "\n\n" + generated(role)


def roles() -> list[Path]:
    return sorted(p.parent.parent for p in (ROOT / "roles").glob("*/meta/argument_specs.yml"))


def main(argv: list[str]) -> int:
    stale = []
    for role in roles():
        path, text = role / "README.md", updated(role)
        if path.exists() and path.read_text() == text:
            continue
        if "--check" in argv:
            stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text)
    if stale:
        print("stale role READMEs (run `make readmes`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
