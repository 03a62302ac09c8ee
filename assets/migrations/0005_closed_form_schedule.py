"""A card stores its depreciation's basis instead of a running balance (see
``assets.models``): the balance and months become what was brought forward, and the
schedule runs from the month after the latest month posted, so every card's depreciation
to date is what it was. The monthly run no longer updates the cards, so their table goes
back to full pages on PostgreSQL (0004's fillfactor)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q


def bring_forward(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    Run = apps.get_model("assets", "DepreciationRun")
    latest = Run.objects.filter(live=True).order_by("-year", "-month").first()
    after = latest.year * 12 + latest.month - 1 if latest else None
    later = settings.SHUXIANG_ASSET_DEPRECIATION_FROM != "added_month"
    leaving = 0 if settings.SHUXIANG_ASSET_CHARGE_LEAVING_MONTH else 1
    cards = []
    for card in Asset.objects.only("pk", "acquired_on", "disposed_on").iterator(chunk_size=2000):
        start = card.acquired_on.year * 12 + card.acquired_on.month - 1 + (1 if later else 0)
        card.charge_from = max(start, after + 1) if after is not None else start
        if card.disposed_on:
            until = card.disposed_on.year * 12 + card.disposed_on.month - 1 - leaving
            card.charge_until = max(until, after) if after is not None else until
        cards.append(card)
        if len(cards) == 2000:
            Asset.objects.bulk_update(cards, ["charge_from", "charge_until"])
            cards = []
    Asset.objects.bulk_update(cards, ["charge_from", "charge_until"])


def full_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE assets_asset SET (fillfactor = 100)")


class Migration(migrations.Migration):
    dependencies = [("assets", "0004_asset_fillfactor")]

    operations = [
        migrations.RemoveConstraint(model_name="asset", name="depreciation_capped_at_cost"),
        migrations.RenameField("asset", "accumulated_depreciation", "carried_depreciation"),
        migrations.RenameField("asset", "months_charged", "carried_months"),
        migrations.AlterField(
            model_name="asset",
            name="carried_depreciation",
            field=models.DecimalField(decimal_places=2, default=0, editable=False, max_digits=14,
                                      verbose_name="depreciation brought forward (yuan)"),
        ),  # fmt: skip
        migrations.AlterField(
            model_name="asset",
            name="carried_months",
            field=models.PositiveSmallIntegerField(default=0, editable=False,
                                                   verbose_name="months brought forward"),
        ),  # fmt: skip
        migrations.AddField(
            model_name="asset",
            name="charge_from",
            field=models.PositiveIntegerField(default=0, editable=False,
                                              verbose_name="charged from (month)"),
            preserve_default=False,
        ),  # fmt: skip
        migrations.AddField(
            model_name="asset",
            name="charge_until",
            field=models.PositiveIntegerField(editable=False, null=True,
                                              verbose_name="charged until (month)"),
        ),  # fmt: skip
        migrations.AddField(
            model_name="asset",
            name="basis_run",
            field=models.ForeignKey(editable=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="assets.depreciationrun",
                                    verbose_name="basis run"),
        ),  # fmt: skip
        migrations.AddField(
            model_name="asset",
            name="basis_run_months",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddConstraint(
            model_name="asset",
            constraint=models.CheckConstraint(
                condition=Q(carried_depreciation__lte=F("original_value")),
                name="depreciation_capped_at_cost",
                violation_error_message="Depreciation never exceeds the original value.",
            ),
        ),
        migrations.RunPython(bring_forward, migrations.RunPython.noop),
        migrations.RunPython(full_pages, migrations.RunPython.noop),
    ]
