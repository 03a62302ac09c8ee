"""The asset categories a library uses, as data (the asset officer keeps them): GB/T
14885-2022's seven top classes, the 政府会计制度 account each is booked under, whether it
depreciates and its minimum useful life (财会〔2017〕4号, 应用指南 表1). The top classes'
codes (A01 … A07) follow the standard; the two-digit classes below them are the library's
own grouping until the standard's full item codes are entered (domain-rules.md §4: [U])."""

from django.db import migrations

YEARS = 12  # months
CATEGORIES = [
    # code, name, top class, account, depreciates, minimum life (years)
    ("A01-00", "土地（单独计价入账）", "buildings", "buildings", False, None),
    ("A01-01", "钢结构、钢筋混凝土结构房屋", "buildings", "buildings", True, 50),
    ("A01-02", "砖混结构、砖木结构房屋", "buildings", "buildings", True, 30),
    ("A01-03", "简易房、房屋附属设施及构筑物", "buildings", "buildings", True, 8),
    ("A02-01", "计算机设备", "equipment", "general", True, 6),
    ("A02-02", "办公设备", "equipment", "general", True, 6),
    ("A02-03", "车辆", "equipment", "general", True, 8),
    ("A02-04", "图书档案设备", "equipment", "general", True, 5),
    ("A02-05", "电气设备", "equipment", "general", True, 5),
    ("A02-06", "通信设备", "equipment", "general", True, 5),
    ("A02-07", "广播电视电影设备", "equipment", "general", True, 5),
    ("A02-08", "文艺体育娱乐设备", "equipment", "special", True, 5),
    ("A03-01", "文物和陈列品", "heritage", "heritage", False, None),
    ("A04-01", "图书和档案（馆藏文献）", "books", "books", False, None),
    ("A05-01", "家具", "furniture", "furniture", True, 15),
    ("A05-02", "用具、装具", "furniture", "furniture", True, 5),
    ("A06-01", "特种动植物", "living", "furniture", False, None),
]


def add_categories(apps, schema_editor):
    category = apps.get_model("assets", "AssetCategory")
    for code, name, top, account, depreciable, years in CATEGORIES:
        category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "top_class": top,
                "account": account,
                "depreciable": depreciable,
                "min_life_months": years * YEARS if years else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assets", "0001_ledger_and_depreciation")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
