"""The library series' qualifying rules as Jiangxi applies the 2021 standard
(domain-rules.md §3): HR corrects them in the admin where the province differs."""

from django.db import migrations

# (title sought, education at least, held title or None, years, note)
# Titles: 1 管理员, 2 助理馆员, 3 馆员, 4 副研究馆员, 5 研究馆员.
# Education: 2 高中, 3 大专, 4 本科, 5 硕士, 6 博士.
RULES = [
    (2, 5, None, 0, "硕士学位"),
    (2, 4, None, 1, "大学本科学历，见习一年期满"),
    (2, 3, 1, 2, "大学专科学历，取得管理员职称后 2 年"),
    (2, 2, 1, 4, "高中学历，取得管理员职称后 4 年"),
    (3, 5, 2, 2, "硕士学位，取得助理馆员职称后 2 年"),
    (3, 3, 2, 4, "大学本科或专科学历，取得助理馆员职称后 4 年"),
    (3, 2, 2, 7, "高中学历，取得助理馆员职称后 7 年"),
    (4, 6, 3, 2, "博士学位，取得馆员职称后 2 年（未确认，按省规定）"),
    (4, 4, 3, 5, "硕士或本科学历，取得馆员职称后 5 年（未确认，按省规定）"),
    (5, 4, 4, 5, "本科及以上学历，取得副研究馆员职称后 5 年"),
]


def add_rules(apps, schema_editor):
    TitleRule = apps.get_model("performance", "TitleRule")
    if TitleRule.objects.exists():
        return
    TitleRule.objects.bulk_create(
        TitleRule(level=level, min_education=education, from_level=held, years=years, note=note)
        for level, education, held, years, note in RULES
    )


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_title_rules")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
