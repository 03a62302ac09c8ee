"""The ledger import: the accounting system's export as it comes (totals rows, 借方/贷方,
decorated project cells), all-or-nothing with errors by row and column, and idempotent —
importing the same months again neither duplicates nor loses a line, a month exported
again with a line voided loses exactly that line, lines entered by hand stay."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook

from budget.importers import import_ledger
from budget.models import Expenditure
from budget.selectors import project_money
from reporting.imports import ImportFailed
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db
HEADER = ["凭证日期", "凭证字号", "摘要", "借方金额", "贷方金额", "辅助核算", "资金来源"]


@pytest.fixture
def finance(org):
    return make_user("finance_officer", role="finance")


@pytest.fixture
def projects(org):
    return (
        make_project(org["a"], code="FZ2025-001", name="数字资源购置"),
        make_project(org["b"], code="FZ2025-002", name="少儿阅读推广"),
    )


def ledger(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["抚州市图书馆 明细账"])  # a title row above the header, as exported
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


DIGITAL = "项目:FZ2025-001 数字资源购置"
MARCH = [
    ("2025-03-01", None, "期初余额", None, None, None, None),
    ("2025-03-05", "记-0012", "购买电子数据库", 48000, None, DIGITAL, "财政拨款"),
    ("2025-03-05", "记-0012", "购买电子数据库", 48000, None, DIGITAL, "财政拨款"),
    ("2025-03-18", "记-0031", "绘本采购退货", None, "1,200.00", "[FZ2025-002]少儿阅读推广", ""),
    ("2025-03-20", "记-0040", "活动物料", "3,560.50", None, "FZ2025-002", "其他资金"),
    ("2025-03-31", None, "本月合计", 99560.5, 1200, None, None),
]  # fmt: skip
APRIL = [("2025-04-10", "记-0005", "讲座专家费", 2000, None, "FZ2025-002", "财政拨款")]


def test_the_export_is_read_as_the_accounting_system_writes_it(finance, projects):
    digital, children = projects
    result = import_ledger("明细账.xlsx", ledger(*MARCH), user=finance)
    assert (result.added, result.removed, result.unchanged) == (4, 0, 0)
    assert result.month_labels == "2025-03"
    assert project_money(digital).total.spent == Decimal("96000.00")  # the same line twice
    lines = {(e.summary, e.amount, e.source) for e in Expenditure.objects.filter(project=children)}
    assert lines == {
        ("绘本采购退货", Decimal("-1200.00"), "fiscal"),  # a credit: money back
        ("活动物料", Decimal("3560.50"), "other"),
    }
    assert set(Expenditure.objects.values_list("origin", flat=True)) == {"ledger"}


def test_importing_the_same_months_again_neither_duplicates_nor_loses_a_line(finance, projects):
    import_ledger("明细账.xlsx", ledger(*MARCH, *APRIL), user=finance)
    manual = Expenditure.objects.create(
        project=projects[1], date=dt.date(2025, 3, 25), summary="冲正", amount=Decimal("-10"),
        recorded_by=finance,
    )  # fmt: skip
    before = set(Expenditure.objects.values_list("pk", "fingerprint"))
    again = import_ledger("明细账.xlsx", ledger(*MARCH, *APRIL), user=finance)
    assert (again.added, again.removed, again.unchanged) == (0, 0, 5)
    assert set(Expenditure.objects.values_list("pk", "fingerprint")) == before
    # March exported again after a voucher was voided: that line goes, April and the
    # line entered by hand stay.
    voided = [row for row in MARCH if row[1] != "记-0040"]
    result = import_ledger("明细账.xlsx", ledger(*voided), user=finance)
    assert (result.added, result.removed, result.unchanged) == (0, 1, 3)
    assert not Expenditure.objects.filter(summary="活动物料").exists()
    assert Expenditure.objects.filter(summary="讲座专家费").exists()
    assert Expenditure.objects.filter(pk=manual.pk).exists()


def test_a_bad_cell_saves_nothing_and_is_named_by_row_and_column(finance, projects):
    bad = [
        ("2025-03-05", "记-0012", "购买电子数据库", "四万", None, "FZ2025-001", ""),
        ("2025-13-05", "记-0013", "x", 10, None, "FZ2025-001", ""),
        ("2025-03-06", "记-0014", "y", 10, None, "FZ2024-009", ""),
        ("2025-03-07", "记-0015", "z", 10, None, "FZ2025-001", "专项债"),
    ]
    with pytest.raises(ImportFailed) as failed:
        import_ledger("明细账.xlsx", ledger(MARCH[1], *bad), user=finance)
    messages = [str(e) for e in failed.value.errors]
    assert any("第 4 行" in m and "借方金额" in m for m in messages), messages
    assert any("第 5 行" in m and "日期" in m for m in messages), messages
    assert any("第 6 行" in m and "FZ2024-009" in m for m in messages), messages
    assert any("第 7 行" in m and "专项债" in m for m in messages), messages
    assert not Expenditure.objects.exists()


def test_only_finance_imports_and_an_imported_line_is_not_edited(client, finance, head_a, projects):
    with pytest.raises(PermissionDenied):
        import_ledger("明细账.xlsx", ledger(*APRIL), user=head_a)
    client.force_login(head_a)
    assert client.get(reverse("budget_ledger_import")).url == reverse("wagtailadmin_home")
    client.force_login(finance)
    upload = BytesIO(ledger(*APRIL))
    upload.name = "明细账.xlsx"
    page = client.post(reverse("budget_ledger_import"), {"file": upload}, follow=True)
    assert "新增 1 行" in page.content.decode()
    line = Expenditure.objects.get()
    assert client.get(reverse("budget_expenditure:edit", args=[line.pk])).status_code == 404
    bad = BytesIO(ledger(("2025-04-10", "记-1", "x", "abc", None, "FZ2025-002", "")))
    bad.name = "明细账.xlsx"
    response = client.post(reverse("budget_ledger_import"), {"file": bad})
    assert response.status_code == 400 and "第 3 行" in response.content.decode()


def test_a_head_sees_only_their_departments_lines(client, finance, head_b, projects):
    import_ledger("明细账.xlsx", ledger(*MARCH), user=finance)
    client.force_login(head_b)
    listing = client.get(reverse("budget_expenditure:index")).content.decode()
    assert "活动物料" in listing and "购买电子数据库" not in listing


def test_finance_enters_a_correcting_line_by_hand(client, finance, head_a, projects):
    digital, _children = projects
    client.force_login(finance)
    data = {"project": digital.pk, "date": "2025-03-31", "voucher": "记-0099",
            "summary": "冲减多记金额", "amount": "-800.00", "source": "fiscal"}  # fmt: skip
    response = client.post(reverse("budget_expenditure:add"), data)
    assert response.status_code == 302
    line = Expenditure.objects.get()
    assert line.origin == "manual" and line.recorded_by == finance
    assert client.get(reverse("budget_expenditure:edit", args=[line.pk])).status_code == 200
    client.force_login(head_a)  # a head reads their lines, never adds one
    assert client.post(reverse("budget_expenditure:add"), data).status_code == 302
    assert Expenditure.objects.count() == 1
