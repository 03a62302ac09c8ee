"""The disclosure catalogue suggested in domain-rules.md §6 (editable afterwards)."""

from django.db import migrations

CATALOGUE = [
    ("01", "机构概况"),
    ("02", "规章制度"),
    ("03", "规划计划"),
    ("04", "预算决算"),
    ("05", "年度报告"),
    ("06", "理事会"),
    ("07", "招标采购"),
    ("08", "人事招聘"),
    ("09", "服务指南"),
    ("10", "统计数据"),
]


def add_catalogue(apps, schema_editor):
    category = apps.get_model("cms", "DisclosureCategory")
    for order, (code, name) in enumerate(CATALOGUE, start=1):
        category.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_website")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
