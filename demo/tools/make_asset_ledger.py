"""Write ``demo/data/assets-ledger.xlsx``: the library system's asset ledger (~3,000
cards) as the national administrative-asset system exports it, depreciation charged to
December 2024 (the demo posts 2025 on); and the holdings registers
``assets-holdings.csv`` (opening balance, yearly acquisitions 2021–2026, donations) and
``assets-withdrawals.csv`` (剔旧, approved or waiting). Deterministic (fixed seeds); run it
again only to change the demo: ``python demo/tools/make_asset_ledger.py``."""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from openpyxl import Workbook

DATA = Path(__file__).resolve().parent.parent / "data"
CHARGED_TO = dt.date(2024, 12, 31)
HEADER = [
    "资产编号", "资产名称", "资产分类代码", "资产分类名称", "规格型号", "数量", "计量单位", "价值",
    "价值类型", "取得日期", "经费来源", "销售商", "发票号", "存放地点", "使用单位", "使用部门",
    "使用人", "使用状况", "使用年限（月）", "累计折旧", "已提折旧月数", "净值",
]  # fmt: skip
SOURCES = ["财政拨款", "财政拨款", "上年结转", "其他资金"]
SUPPLIERS = ["江西新华书店集团", "抚州市政府采购中心", "南昌华软科技有限公司", ""]
FLOORS = ["一楼", "二楼", "三楼", "库房"]
# (code, category name, life months, [(name, model, low, high, measure)], weight)
KINDS = [
    (
        "A0201",
        "计算机设备",
        72,
        [
            ("台式计算机", "联想 启天M730", 4200, 6800, "台"),
            ("笔记本电脑", "华为 MateBook 14", 5200, 8900, "台"),
            ("服务器", "浪潮 NF5280M6", 38000, 92000, "台"),
        ],
        22,
    ),
    (
        "A0202",
        "办公设备",
        72,
        [
            ("激光打印机", "惠普 M405dn", 1800, 3600, "台"),
            ("复印机", "理光 MP 3055", 9800, 21000, "台"),
            ("投影仪", "爱普生 CB-2265U", 6800, 12800, "台"),
        ],
        10,
    ),
    (
        "A0204",
        "图书档案设备",
        60,
        [
            ("自助借还机", "RFID SSM-3000", 38000, 68000, "台"),
            ("RFID安全门", "RFID SG-200", 16000, 32000, "套"),
            ("密集书架", "MJJ-7", 2600, 5200, "组"),
        ],
        12,
    ),
    (
        "A0207",
        "广播电视电影设备",
        60,
        [
            ("LED显示屏", "P2.5 室内", 18000, 56000, "块"),
            ("音响系统", "雅马哈 EMX5", 8000, 22000, "套"),
        ],
        3,
    ),
    ("A0203", "车辆", 96, [("流动图书车", "江铃 特顺", 180000, 260000, "辆")], 0.4),
    (
        "A0501",
        "家具",
        180,
        [
            ("阅览桌", "1.6m 六人位", 1100, 2400, "张"),
            ("书架", "双面钢木 2m", 1000, 1900, "组"),
            ("服务台", "定制 3m", 6800, 15000, "张"),
        ],
        38,
    ),
    (
        "A0502",
        "用具、装具",
        60,
        [("空调", "格力 5匹柜机", 6800, 11000, "台"), ("档案柜", "钢制 五节", 1100, 1800, "个")],
        14,
    ),
]
MUNICIPAL = "抚州市图书馆"


def depreciated(value: Decimal, life: int, added: dt.date) -> tuple[Decimal, int]:
    months = (CHARGED_TO.year - added.year) * 12 + CHARGED_TO.month - added.month + 1
    months = max(0, min(months, life))
    if months == life:
        return value, months
    return (value * months / life).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), months


def units() -> list[tuple[str, str, int]]:
    """(library, department, weight): the municipal library's departments weigh more."""
    found = []
    rows = list(csv.DictReader((DATA / "org-units.csv").open(encoding="utf-8-sig")))
    names = {r["编码"]: r["名称"] for r in rows}
    for r in rows:
        if r["类型"] not in ("部门", "服务点"):
            continue
        library_code = "-".join(r["编码"].split("-")[:2])
        weight = 12 if library_code == "FZ-SLIB" else 3
        found.append((names[library_code], r["名称"], weight))
    return found


def main() -> None:
    rng = random.Random(2021)  # noqa: S311 -- demo figures
    book = Workbook()
    sheet = book.active
    sheet.title = "资产卡片"
    sheet.append(["行政事业单位资产管理信息系统 · 资产卡片导出（截至2024年12月）"])
    sheet.append(HEADER)
    places = units()
    libraries = sorted({lib for lib, _d, _w in places}, key=lambda n: n != MUNICIPAL)
    number = 0

    def add(code, category, life, name, model, value, added, library, unit, measure,
            person="", status="在用", basis="原值", where=""):  # fmt: skip
        nonlocal number
        number += 1
        value = Decimal(value).quantize(Decimal("0.01"))
        if life:
            depreciation, months = depreciated(value, life, added)
        else:
            depreciation, months = Decimal(0), 0
        sheet.append([
            f"ZC{added.year}{number:05d}", name, code, category, model, 1, measure,
            float(value), basis, added, rng.choice(SOURCES), rng.choice(SUPPLIERS),
            f"{rng.randrange(10**7, 10**8)}", where or rng.choice(FLOORS),
            "" if unit == library else library, unit, person, status, life or None,
            float(depreciation), months, float(value - depreciation),
        ])  # fmt: skip

    # A building per library, the municipal library's land and a few heritage items.
    for i, library in enumerate(libraries):
        value = 86_000_000 if library == MUNICIPAL else rng.randrange(6, 24) * 1_000_000
        add("A0101", "钢结构、钢筋混凝土结构房屋", 600, "馆舍", "框架结构",
            value, dt.date(2006 + i % 8, 9, 1), library, library, "栋", where="馆舍")  # fmt: skip
    add("A0100", "土地（单独计价入账）", None, "馆舍用地", "划拨", 12_500_000,
        dt.date(2004, 5, 1), MUNICIPAL, MUNICIPAL, "宗", where="馆舍")  # fmt: skip
    for name, value in (("清代抚州府志（刻本）", 1), ("临川四梦木刻版", 1), ("王安石像拓片", 1)):
        add("A0301", "文物和陈列品", None, name, "受赠", value, dt.date(2012, 3, 8), MUNICIPAL,
            "地方文献部", "件", basis="名义金额", where="古籍书库")  # fmt: skip
    weights = [w for *_x, w in KINDS]
    unit_weights = [w for *_x, w in places]
    while number < 3000:
        code, category, life, items, _w = rng.choices(KINDS, weights)[0]
        name, model, low, high, measure = rng.choice(items)
        library, unit, _uw = rng.choices(places, unit_weights)[0]
        added = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(15 * 365))
        person = ""
        if library == MUNICIPAL and unit == "借阅部" and code in ("A0201", "A0202") and number % 3:
            person = rng.choice(["周雨婷（FZ0068）", "黄晓梅（FZ0025）"])
        status = rng.choices(["在用", "闲置", "维修"], [94, 5, 1])[0]
        add(code, category, life, name, model, rng.randrange(low, high), added, library, unit,
            measure, person=person, status=status)  # fmt: skip
    book.save(DATA / "assets-ledger.xlsx")


# (kind, opening volumes per 10,000 of the library's size, yearly volumes, price per item)
HOLDINGS = [("图书", 100, 4.0, 38), ("报刊", 6, 0.25, 90), ("视听文献", 2, 0.04, 45),
            ("电子文献", 10, 0.6, 12)]  # fmt: skip


def holdings() -> None:
    rng = random.Random(2025)  # noqa: S311 -- demo figures
    rows = list(csv.DictReader((DATA / "org-units.csv").open(encoding="utf-8-sig")))
    libraries = [r["名称"] for r in rows if r["类型"] == "图书馆"]
    with (DATA / "assets-holdings.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["日期", "图书馆", "文献类型", "来源", "数量", "金额", "经费来源", "供应商"]
        )
        for library in libraries:
            size = 120 if library == MUNICIPAL else rng.randrange(15, 35)  # 10,000s
            for kind, opening, yearly, price in HOLDINGS:
                volumes = int(opening * size * 100)
                writer.writerow(["2020-12-31", library, kind, "期初结存", volumes,
                                 f"{volumes * price * 0.6:.2f}", "", ""])  # fmt: skip
                for year in range(2021, 2027):
                    bought = int(yearly * size * 100 * rng.uniform(0.8, 1.2))
                    day = dt.date(year, rng.randrange(3, 11 if year == 2026 else 12), 15)
                    writer.writerow([day, library, kind, "采购", bought,
                                     f"{bought * price * rng.uniform(0.9, 1.1):.2f}", "财政拨款",
                                     "江西新华书店集团"])  # fmt: skip
            writer.writerow([dt.date(2023, 4, 23), library, "图书", "受赠",
                             rng.randrange(300, 2000), "0.00", "", "社会捐赠"])  # fmt: skip
    with (DATA / "assets-withdrawals.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["日期", "图书馆", "文献类型", "数量", "账面价值", "理由", "批准文号"])
        writer.writerow(["2023-11-20", MUNICIPAL, "图书", 12_800, "153600.00",
                         "破损、内容过时的复本", "馆务会纪要〔2023〕21号"])  # fmt: skip
        writer.writerow(["2025-10-16", MUNICIPAL, "报刊", 3_600, "21600.00",
                         "过刊合订本剔旧", "馆务会纪要〔2025〕18号"])  # fmt: skip
        writer.writerow(["2026-10-28", MUNICIPAL, "图书", 9_500, "114000.00",
                         "少儿图书破损剔旧", ""])  # fmt: skip


if __name__ == "__main__":
    main()
    holdings()
