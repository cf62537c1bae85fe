"""Awards: the ledger's sum and number of lines per (union and each union above it, budget year, state),
kept by the database itself, so an official's year totals are read from a few rows whatever the
number of lines (``queries.reach_year_totals``, issue 17).

The writer's own transaction keeps it exact (finance reads it: no lag, no nightly fill):

* PostgreSQL: statement-level triggers with transition tables, once per statement whatever wrote it
  (the services, ``bulk_create``, ``bench/province.py``'s COPY), as ``people_reachnewestworker``
  (people 0009). Each statement sums its lines per (union, year, state) first, spreads the sums to
  the union's ancestors through the closure table, and upserts them in key order: two writers lock
  the rows they share in the same order (no deadlock between single-statement writers), and
  ``ON CONFLICT DO UPDATE`` adds to the row as committed, so no concurrent count is lost.
* SQLite: row triggers doing the same for each line (SQLite has no statement triggers).

On the ledger: insert; update of the union, year, state or amount (the services change the state;
the others never change, and a change of them is kept too); delete (no path deletes a line).
On the closure table: a union attached under an ancestor brings its lines to that ancestor, a link
removed takes them away (``orgs.services.rebuild_closure`` deletes then inserts a union's links).

The table is filled here, after the triggers are made: ``CREATE TRIGGER`` locks the ledger and the
closure table against writes (SHARE ROW EXCLUSIVE) until the migration commits, so no line written
meanwhile is counted twice or missed.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "awards_reachlinetotal"
LINE = "awards_ledgerline"
CLOSURE = "orgs_unionancestor"

# Deltas d(union_id, year, state, amount, n) spread to each ancestor of the union and upserted in key order.
UPSERT = (
    f"INSERT INTO {TABLE} AS t (ancestor_id, year, state, total, lines) "
    "SELECT a.ancestor_id, d.year, d.state, sum(d.amount), sum(d.n) "
    f"FROM ({{deltas}}) d JOIN {CLOSURE} a ON a.descendant_id = d.union_id "
    "GROUP BY 1, 2, 3 HAVING sum(d.n) <> 0 OR sum(d.amount) <> 0 ORDER BY 1, 2, 3 "
    "ON CONFLICT (ancestor_id, year, state) DO UPDATE SET total = t.total + EXCLUDED.total, lines = t.lines + EXCLUDED.lines"
)
# Deltas per (ancestor, year, state) given directly (a link added or removed), upserted in key order.
UPSERT_LINKS = (
    f"INSERT INTO {TABLE} AS t (ancestor_id, year, state, total, lines) "
    "SELECT l.ancestor_id, x.year, x.state, {sign}sum(x.amount), {sign}count(*) "
    f"FROM {{links}} l JOIN {LINE} x ON x.union_id = l.descendant_id "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 "
    "ON CONFLICT (ancestor_id, year, state) DO UPDATE SET total = t.total + EXCLUDED.total, lines = t.lines + EXCLUDED.lines"
)


def _function(name: str, body: str) -> str:
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    {body};\n    RETURN NULL;\nEND\n$$"


def _sum(rows: str, sign: str = "") -> str:
    return f"SELECT union_id, year, state, {sign}sum(amount) AS amount, {sign}count(*) AS n FROM {rows} GROUP BY 1, 2, 3"


POSTGRESQL = (
    _function("awards_reach_line_total_insert", UPSERT.format(deltas=_sum("added"))),
    _function(
        "awards_reach_line_total_update",
        # Only the lines whose union, year, state or amount changed (``save`` writes every column).
        "WITH moved AS (SELECT o.union_id AS ou, o.year AS oy, o.state AS os, o.amount AS oa, "
        "n.union_id AS nu, n.year AS ny, n.state AS ns, n.amount AS na FROM before_rows o JOIN after_rows n "
        "ON n.id = o.id WHERE (o.union_id, o.year, o.state, o.amount) IS DISTINCT FROM "
        "(n.union_id, n.year, n.state, n.amount)) "
        + UPSERT.format(
            deltas="SELECT nu AS union_id, ny AS year, ns AS state, sum(na) AS amount, count(*) AS n "
            "FROM moved GROUP BY 1, 2, 3 UNION ALL "
            "SELECT ou, oy, os, -sum(oa), -count(*) FROM moved GROUP BY 1, 2, 3"
        ),
    ),
    _function("awards_reach_line_total_delete", UPSERT.format(deltas=_sum("removed", "-"))),
    _function("awards_reach_line_total_links_added", UPSERT_LINKS.format(links="added", sign="")),
    _function("awards_reach_line_total_links_removed", UPSERT_LINKS.format(links="removed", sign="-")),
    f"CREATE TRIGGER awards_reach_line_total_insert AFTER INSERT ON {LINE} REFERENCING NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION awards_reach_line_total_insert()",
    f"CREATE TRIGGER awards_reach_line_total_update AFTER UPDATE ON {LINE} "
    "REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION awards_reach_line_total_update()",
    f"CREATE TRIGGER awards_reach_line_total_delete AFTER DELETE ON {LINE} REFERENCING OLD TABLE AS removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION awards_reach_line_total_delete()",
    f"CREATE TRIGGER awards_reach_line_total_link_insert AFTER INSERT ON {CLOSURE} REFERENCING NEW TABLE AS added "
    "FOR EACH STATEMENT EXECUTE FUNCTION awards_reach_line_total_links_added()",
    f"CREATE TRIGGER awards_reach_line_total_link_delete AFTER DELETE ON {CLOSURE} REFERENCING OLD TABLE AS removed "
    "FOR EACH STATEMENT EXECUTE FUNCTION awards_reach_line_total_links_removed()",
)

POSTGRESQL_UNDO = (
    f"DROP TRIGGER IF EXISTS awards_reach_line_total_insert ON {LINE}",
    f"DROP TRIGGER IF EXISTS awards_reach_line_total_update ON {LINE}",
    f"DROP TRIGGER IF EXISTS awards_reach_line_total_delete ON {LINE}",
    f"DROP TRIGGER IF EXISTS awards_reach_line_total_link_insert ON {CLOSURE}",
    f"DROP TRIGGER IF EXISTS awards_reach_line_total_link_delete ON {CLOSURE}",
    "DROP FUNCTION IF EXISTS awards_reach_line_total_insert()",
    "DROP FUNCTION IF EXISTS awards_reach_line_total_update()",
    "DROP FUNCTION IF EXISTS awards_reach_line_total_delete()",
    "DROP FUNCTION IF EXISTS awards_reach_line_total_links_added()",
    "DROP FUNCTION IF EXISTS awards_reach_line_total_links_removed()",
)

# SQLite: the same per line. ``lines`` of the upsert's target and ``excluded`` are the row as stored and as offered.
_ADD_LINE = (
    f"INSERT INTO {TABLE} (ancestor_id, year, state, total, lines) "
    f"SELECT ancestor_id, NEW.year, NEW.state, NEW.amount, 1 FROM {CLOSURE} WHERE descendant_id = NEW.union_id "
    "ON CONFLICT (ancestor_id, year, state) DO UPDATE SET total = total + excluded.total, lines = lines + excluded.lines;"
)
_TAKE_LINE = (
    f"UPDATE {TABLE} SET total = total - OLD.amount, lines = lines - 1 WHERE year = OLD.year AND state = OLD.state "
    f"AND ancestor_id IN (SELECT ancestor_id FROM {CLOSURE} WHERE descendant_id = OLD.union_id);"
)
_OF_UNION = f"FROM {LINE} x WHERE x.union_id = OLD.descendant_id AND x.year = {TABLE}.year AND x.state = {TABLE}.state"
SQLITE = (
    f"CREATE TRIGGER awards_reach_line_total_insert AFTER INSERT ON {LINE} FOR EACH ROW BEGIN {_ADD_LINE} END",
    f"CREATE TRIGGER awards_reach_line_total_update AFTER UPDATE OF union_id, year, state, amount ON {LINE} "
    "FOR EACH ROW WHEN OLD.union_id IS NOT NEW.union_id OR OLD.year IS NOT NEW.year OR OLD.state IS NOT NEW.state "
    f"OR OLD.amount IS NOT NEW.amount BEGIN {_TAKE_LINE} {_ADD_LINE} END",
    f"CREATE TRIGGER awards_reach_line_total_delete AFTER DELETE ON {LINE} FOR EACH ROW BEGIN {_TAKE_LINE} END",
    f"CREATE TRIGGER awards_reach_line_total_link_insert AFTER INSERT ON {CLOSURE} FOR EACH ROW BEGIN "
    f"INSERT INTO {TABLE} (ancestor_id, year, state, total, lines) "
    f"SELECT NEW.ancestor_id, year, state, sum(amount), count(*) FROM {LINE} WHERE union_id = NEW.descendant_id "
    "GROUP BY year, state "
    "ON CONFLICT (ancestor_id, year, state) DO UPDATE SET total = total + excluded.total, lines = lines + excluded.lines; "
    "END",
    f"CREATE TRIGGER awards_reach_line_total_link_delete AFTER DELETE ON {CLOSURE} FOR EACH ROW BEGIN "
    f"UPDATE {TABLE} SET total = total - (SELECT coalesce(sum(x.amount), 0) {_OF_UNION}), "
    f"lines = lines - (SELECT count(*) {_OF_UNION}) WHERE ancestor_id = OLD.ancestor_id; "
    "END",
)

SQLITE_UNDO = tuple(
    f"DROP TRIGGER IF EXISTS awards_reach_line_total_{name}"
    for name in ("insert", "update", "delete", "link_insert", "link_delete")
)

# Each union's lines summed first, then spread to its ancestors.
FILL = (
    f"INSERT INTO {TABLE} (ancestor_id, year, state, total, lines) "
    "SELECT a.ancestor_id, u.year, u.state, sum(u.total), sum(u.n) "
    f"FROM (SELECT union_id, year, state, sum(amount) AS total, count(*) AS n FROM {LINE} GROUP BY 1, 2, 3) u "
    f"JOIN {CLOSURE} a ON a.descendant_id = u.union_id GROUP BY 1, 2, 3"
)


def forwards(apps, schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRESQL if postgresql else SQLITE:
        schema_editor.execute(sql, params=None)
    schema_editor.execute(FILL, params=None)
    if postgresql:
        schema_editor.execute(f"ANALYZE {TABLE}", params=None)


def backwards(apps, schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRESQL_UNDO if postgresql else SQLITE_UNDO:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0007_union_name_indexes"),
        ("awards", "0010_line_city_year_totals"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReachLineTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("proposed", "Proposed"),
                            ("approved", "Approved"),
                            ("paid", "Paid"),
                            ("rejected", "Rejected"),
                        ],
                        max_length=10,
                    ),
                ),
                ("total", models.DecimalField(decimal_places=2, max_digits=18)),
                ("lines", models.BigIntegerField()),
                (
                    "ancestor",
                    models.ForeignKey(
                        db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.union"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("ancestor", "year", "state"), name="reach_line_total_unique")
                ],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
