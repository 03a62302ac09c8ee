"""The demo's budget: 2024–2026 projects with approved target tables, three years of the
ledger imported through the importer (about 20,000 lines), 2025's self-evaluations
confirmed with a spread of grades, 2026's monitoring to July; loading it or importing a
ledger again changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from budget.importers import import_ledger
from budget.models import BudgetProject, Expenditure, Monitoring, SelfEvaluation, TargetTable
from demo.loaders.budget import load_budget
from demo.loaders.files import path
from demo.loaders.org import load_org_tree, load_users
from demo.loaders.plan import load_plan
from governance.roles import setup_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    setup_roles()
    load_org_tree()
    load_users()
    load_plan()
    return load_budget()


def test_three_years_of_projects_with_approved_targets(counts):
    assert counts["projects"] == BudgetProject.objects.count() == 39
    assert set(BudgetProject.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    approved = TargetTable.objects.filter(status=TargetTable.Status.APPROVED)
    assert approved.count() == 39
    assert BudgetProject.objects.filter(plan_indicators__isnull=False).exists()


def test_the_ledger_is_imported_and_importing_it_again_adds_nothing(counts):
    assert 18000 <= counts["lines"] == Expenditure.objects.count() <= 22000
    finance = get_user_model().objects.get(username="finance")
    again = import_ledger(
        "budget-ledger-2025.xlsx", path("budget-ledger-2025.xlsx").read_bytes(), user=finance
    )
    assert again.added == again.removed == 0 and again.unchanged > 7000
    assert load_budget() == {"projects": 0, "lines": 0}


def test_2025_is_evaluated_with_a_spread_of_grades_and_2026_monitored_to_july(counts):
    grades = set(SelfEvaluation.objects.values_list("grade", flat=True))
    assert {"excellent", "good", "fair"} <= grades
    assert set(SelfEvaluation.objects.values_list("status", flat=True)) == {"confirmed"}
    monitored = Monitoring.objects.filter(project__year=2026, month=7)
    assert monitored.count() == BudgetProject.objects.filter(year=2026).count()
    assert (
        monitored.filter(status="reviewed").exists() and monitored.filter(status="draft").exists()
    )


def test_the_dashboard_reads_the_demo_as_finance(client, counts):
    client.force_login(get_user_model().objects.get(username="finance"))
    page = client.get(reverse("budget_dashboard"), {"year": 2025, "month": 12}).content.decode()
    assert "地方文献整理与数字化" in page  # below 90 % at the year's end
