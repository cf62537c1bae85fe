"""``bench/province.py`` writes the big tables through COPY with explicit column lists. A column a model gains
that is NOT NULL without a database default stops the generator tens of minutes into a run (the alliances'
naming columns did, on 6 December 2026), and no test runs the generator itself: it needs an hour and 11 GB.
This reads every COPY's column list from the source and checks it against the models, in well under a second.
"""

import ast
import re
from pathlib import Path

from django.apps import apps
from django.db.models import NOT_PROVIDED

GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "province.py"
COPY_SQL = re.compile(r"COPY (\w+) \(([^)]*)\) FROM STDIN")


def _copies() -> list[tuple[str, list[str]]]:
    """(table, columns) of every ``loader.copy("table", "a, b", …)`` and every literal ``COPY t (a, b)``."""
    found = []
    for node in ast.walk(ast.parse(GENERATOR.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "copy"):
            continue
        literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if len(literals) >= 2 and len(node.args) >= 3:  # Loader.copy(table, columns, lines)
            found.append((literals[0], [c.strip() for c in literals[1].split(",")]))
        elif literals and (match := COPY_SQL.match(literals[0])):  # a cursor's own COPY statement
            found.append((match[1], [c.strip() for c in match[2].split(",")]))
    return found


def _required(model) -> set[str]:  # type: ignore[no-untyped-def]
    """Columns a row cannot be written without: not null, no database default, not a generated key."""
    return {
        f.column
        for f in model._meta.concrete_fields
        if not f.null
        and f.db_default is NOT_PROVIDED
        and not (f.primary_key and f.get_internal_type().startswith(("Auto", "BigAuto", "SmallAuto")))
    }


def test_every_copy_names_existing_columns_and_every_required_one() -> None:
    tables = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    copies = _copies()
    assert len(copies) >= 15, copies  # the parse found the generator's COPYs, not nothing
    problems = []
    for table, columns in copies:
        model = tables.get(table)
        if model is None:
            problems.append(f"{table}: no such table")
            continue
        known = {f.column for f in model._meta.concrete_fields}
        problems += [f"{table}.{c}: no such column" for c in columns if c not in known]
        problems += [f"{table}.{c}: required, not written" for c in sorted(_required(model) - set(columns))]
    assert problems == []
