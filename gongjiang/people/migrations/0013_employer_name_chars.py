"""The characters of each employer's name in a GIN index (PostgreSQL), for a name search of one or two
characters: such a term has no trigram for ``employer_name_trgm``, and ``LIKE '%段%'`` read every
employer, 50,146 at province scale (``people.queries.employers_named``, issue 17). SQLite keeps its
plain path. 50,146 employers: 1.3 MB, built in well under a second."""

from django.db import migrations

INDEX = "CREATE INDEX IF NOT EXISTS employer_name_chars ON orgs_employer USING gin (string_to_array(name, NULL))"


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS employer_name_chars")


class Migration(migrations.Migration):
    dependencies = [("people", "0012_worker_city"), ("orgs", "0005_enterprise_finance_role")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
