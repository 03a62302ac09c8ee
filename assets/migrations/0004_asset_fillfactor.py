"""Room on each page of the cards' table (PostgreSQL): the monthly run updates every
card's depreciation, columns no index covers, so with free space on the page PostgreSQL
rewrites the row in place (a HOT update) instead of adding an entry to each of the
table's indexes for every card."""

from django.db import migrations

FILLFACTOR = 50


def set_fillfactor(apps, schema_editor, value=FILLFACTOR):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE assets_asset SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    set_fillfactor(apps, schema_editor, value=100)


class Migration(migrations.Migration):
    dependencies = [("assets", "0003_custody_stocktakes_disposals_holdings")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
