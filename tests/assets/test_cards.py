"""A card's life beyond depreciation: an existing ledger imported (the national asset
system's columns, all-or-nothing, depreciation carried over) and exported back; issue,
return and transfer with the receiving head's acceptance, the whole history on the card;
photos and documents in private storage, served only to those who may see the card."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from PIL import Image
from wagtail.models import ModelLogEntry

from assets.importers import import_cards
from assets.models import Asset, AssetFile, CustodyEvent, month_index
from assets.services import run_depreciation
from reporting.imports import ImportFailed
from tests.assets.test_depreciation import make_asset
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HEADER = [
    "资产编号", "资产名称", "资产分类代码", "规格型号", "数量", "计量单位", "价值", "价值类型",
    "取得日期", "经费来源", "存放地点", "使用部门", "使用人", "使用状况", "使用年限（月）",
    "累计折旧", "已提折旧月数", "净值",
]  # fmt: skip


@pytest.fixture
def officer(org):
    return make_user("asset_officer", role="asset_officer")


def ledger(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["行政事业单位资产卡片导出"])  # a title row above the header
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(number="ZC2019-001", **cells):
    values = {"资产名称": "台式计算机", "资产分类代码": "A0201", "规格型号": "联想 M720",
              "数量": 1, "计量单位": "台", "价值": 6000, "价值类型": "原值",
              "取得日期": dt.datetime(2019, 7, 1), "经费来源": "财政拨款", "存放地点": "二楼机房",
              "使用部门": "借阅部", "使用人": "", "使用状况": "在用", "使用年限（月）": 72,
              "累计折旧": 3500, "已提折旧月数": 42, "净值": 2500}  # fmt: skip
    values.update(cells)
    return [number, *(values[h] for h in HEADER[1:])]


def test_an_imported_card_keeps_its_depreciation_and_the_run_continues(org, officer):
    december = month_index(dt.date(2024, 12, 1))  # the old system charged to December
    result = import_cards("资产卡片.xlsx", ledger(row()), user=officer, charged_through=december)
    assert result.added == 1
    entry = ModelLogEntry.objects.get(action="shuxiang.assets.import")  # one for the import
    assert (entry.user, entry.data["file"], entry.data["added"]) == (officer, "资产卡片.xlsx", 1)
    card = Asset.objects.get(number="ZC2019-001")
    assert (card.unit, card.category.code, card.life_months) == (org["a"], "A02-01", 72)
    assert (card.accumulated_depreciation, card.months_charged) == (Decimal("3500"), 42)
    run_depreciation(2025, 1, user=officer)
    card.refresh_from_db()
    # (6000 − 3500) / (72 − 42) = 83.33 a month from here.
    assert card.accumulated_depreciation == Decimal("3583.33") and card.months_charged == 43


def test_the_import_asks_which_month_the_depreciation_is_charged_to(client, org, officer):
    client.force_login(officer)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    page = client.get(reverse("assets_import")).content.decode()
    assert "折旧计提至" in page and f'value="{last_month:%Y-%m}"' in page  # by default
    upload = SimpleUploadedFile("资产卡片.xlsx", ledger(row()))
    response = client.post(reverse("assets_import"), {"file": upload, "charged_through": "2024-06"})
    assert response.status_code == 302
    card = Asset.objects.get(number="ZC2019-001")
    run_depreciation(2024, 12, user=officer)  # the first run: July to December
    # 3500 + (6000 − 3500) × 6 / (72 − 42) = 4000
    assert card.accumulated_depreciation == Decimal("4000.00") and card.months_charged == 48
    bad = client.post(reverse("assets_import"), {"file": SimpleUploadedFile("x.xlsx", b"x"),
                                                 "charged_through": "2024-13"})  # fmt: skip
    assert bad.status_code == 400 and "YYYY-MM" in bad.content.decode()


def test_a_bad_file_saves_nothing_and_names_every_cell(org, officer):
    make_asset(org["a"], number="ZC-OLD")
    rows = [
        row("ZC-1", 价值="六千"),
        row("ZC-2", 使用部门="不存在的部门"),
        row("ZC-3", **{"使用年限（月）": 24}),  # computers last at least 72 months
        row("ZC-4", 累计折旧=7000, 净值=None),
        row("ZC-OLD"),
        row("ZC-5", 资产分类代码="Z99"),
        row("ZC-5"),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_cards("ledger.xlsx", ledger(*rows), user=officer)
    assert Asset.objects.filter(number__startswith="ZC-").count() == 1  # the old one only
    assert all(e.row >= 3 for e in failed.value.errors)  # below the title and header rows
    by_column = {e.column for e in failed.value.errors}
    assert {"价值", "使用部门", "使用年限(月)", "累计折旧", "资产编号", "资产分类代码"} <= by_column
    assert len(failed.value.errors) == 7


def test_a_missing_required_column_is_named(org, officer):
    header = [h for h in HEADER if h != "取得日期"]
    data = ledger(row()[:8] + row()[9:], header=header)
    with pytest.raises(ImportFailed) as failed:
        import_cards("ledger.xlsx", data, user=officer)
    assert "取得日期" in str(failed.value.errors[0])


def test_only_the_asset_officer_imports(client, org, head_a):
    client.force_login(head_a)
    response = client.get(reverse("assets_import"))
    assert response.status_code in (302, 403)
    assert not Asset.objects.exists()


def test_the_exported_ledger_imports_back(client, org, officer, staff_a):
    make_asset(org["a"], number="ZC-A", value="6000.00", life=72, custodian=staff_a)
    make_asset(org["b"], number="ZC-B", code="A05-01", value="1500.00", life=180)
    run_depreciation(2025, 3, user=officer)
    client.force_login(officer)
    response = client.get(reverse("assets_asset:index") + "?export=xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["资产编号", "资产名称", "资产分类代码"]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows["ZC-A"]["使用部门"] == "借阅部" and rows["ZC-A"]["使用单位"] == "测试市图书馆"
    assert rows["ZC-A"]["使用人"] == "staff_a"  # the person's name (no staff record here)
    assert Decimal(str(rows["ZC-A"]["累计折旧"])) == Decimal("83.33")
    for card in Asset.objects.all():  # free the numbers for the import
        Asset.objects.filter(pk=card.pk).update(number=f"old-{card.number}")
    result = import_cards("asset-ledger.xlsx", data, user=officer)
    assert result.added == 2
    again = Asset.objects.get(number="ZC-A")
    assert (again.accumulated_depreciation, again.months_charged) == (Decimal("83.33"), 1)
    assert again.custodian == staff_a


def test_a_transfer_moves_the_card_only_when_the_receiving_head_accepts(
    client, org, officer, head_a, head_b, staff_a
):
    card = make_asset(org["a"], number="ZC-T", custodian=staff_a)
    client.force_login(officer)
    client.post(reverse("assets_transfer", args=[card.pk]), {"unit": org["b"].pk,
                "location": "少儿部二楼", "note": "少儿部扩充设备"})  # fmt: skip
    event = CustodyEvent.objects.get(asset=card)
    card.refresh_from_db()
    assert event.state == "pending" and card.unit == org["a"]  # not yet moved
    # The giving unit's head may not accept it; the receiving head may.
    client.force_login(head_a)
    assert client.post(reverse("assets_accept_transfer", args=[event.pk])).status_code == 404
    client.force_login(head_b)
    waiting = client.get(reverse("assets_transfers")).content.decode()
    assert "ZC-T" in waiting
    client.post(reverse("assets_accept_transfer", args=[event.pk]))
    card.refresh_from_db()
    assert (card.unit, card.custodian, card.location) == (org["b"], None, "少儿部二楼")
    page = client.get(reverse("assets_asset:inspect", args=[card.pk])).content.decode()
    assert "借阅部" in page and "少儿部扩充设备" in page  # the history stays on the card
    assert "原值（元）" in page
    # head_a no longer sees it.
    client.force_login(head_a)
    assert client.get(reverse("assets_asset:inspect", args=[card.pk])).status_code == 404


def test_a_refusal_needs_a_reason_and_leaves_the_card(client, org, officer, head_b):
    card = make_asset(org["a"], number="ZC-R")
    client.force_login(officer)
    client.post(reverse("assets_transfer", args=[card.pk]), {"unit": org["b"].pk})
    event = CustodyEvent.objects.get(asset=card)
    client.force_login(head_b)
    client.post(reverse("assets_refuse_transfer", args=[event.pk]), {"note": ""})
    event.refresh_from_db()
    assert event.state == "pending"
    client.post(reverse("assets_refuse_transfer", args=[event.pk]), {"note": "无存放空间"})
    event.refresh_from_db()
    card.refresh_from_db()
    assert event.state == "refused" and card.unit == org["a"]


def test_issue_and_return_take_effect_at_once(client, org, officer, staff_a, head_a):
    card = make_asset(org["a"], number="ZC-I", status=Asset.Status.IDLE)
    client.force_login(officer)
    client.post(reverse("assets_issue", args=[card.pk]), {"person": staff_a.pk})
    card.refresh_from_db()
    assert card.custodian == staff_a and card.status == Asset.Status.IN_USE
    client.post(reverse("assets_return", args=[card.pk]), {"location": "库房"})
    card.refresh_from_db()
    assert card.custodian is None and card.location == "库房"
    assert list(CustodyEvent.objects.filter(asset=card).values_list("kind", flat=True)) == [
        "issue",
        "return",
    ]
    # A head may not move cards.
    client.force_login(head_a)
    client.post(reverse("assets_issue", args=[card.pk]), {"person": staff_a.pk})
    card.refresh_from_db()
    assert card.custodian is None


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_private_to_those_who_see_the_card(client, org, officer, head_a, head_b):
    card = make_asset(org["a"], number="ZC-P")
    client.force_login(officer)
    client.post(reverse("assets_attach_file", args=[card.pk]),
                {"kind": "photo", "file": SimpleUploadedFile("机房.png", png())})  # fmt: skip
    photo = AssetFile.objects.get(asset=card)
    with pytest.raises(ValueError):  # private storage: no public URL at all
        photo.file.url  # noqa: B018
    url = reverse("assets_file", args=[photo.pk])
    client.force_login(head_a)
    assert client.get(url).status_code == 200
    client.force_login(head_b)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_what_its_name_says_is_refused(client, org, officer):
    card = make_asset(org["a"], number="ZC-F")
    client.force_login(officer)
    for name, data in [("照片.png", b"not an image"), ("合同.exe", b"MZ"), ("发票.pdf", b"<html>")]:
        client.post(reverse("assets_attach_file", args=[card.pk]),
                    {"kind": "document", "file": SimpleUploadedFile(name, data)})  # fmt: skip
    assert not AssetFile.objects.exists()


def test_the_card_page_costs_the_same_queries_with_a_long_history(
    client, org, officer, head_b, django_assert_max_num_queries
):
    card = make_asset(org["a"], number="ZC-Q", life=72, value="7200.00")
    client.force_login(officer)
    url = reverse("assets_asset:inspect", args=[card.pk])
    with django_assert_max_num_queries(80) as few:
        client.get(url)
    baseline = len(few.captured_queries)  # read now: every request clears the log
    for month in range(1, 13):
        run_depreciation(2025, month, user=officer)
    for _ in range(5):
        client.post(reverse("assets_transfer", args=[card.pk]), {"unit": org["b"].pk})
        client.post(reverse("assets_withdraw_transfer",
                            args=[CustodyEvent.objects.filter(asset=card).last().pk]))  # fmt: skip
    with django_assert_max_num_queries(baseline):
        page = client.get(url).content.decode()
    assert "7,200.00" in page
