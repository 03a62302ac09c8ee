"""What the budget feeds the rest: each department's year-end execution rate to the
departments' yearly evaluation (counted when the library weights it), and the spending on
the projects serving a plan indicator to that indicator."""

import datetime as dt
from decimal import Decimal

import pytest

from budget.models import Expenditure
from governance.indicators import get_department_measure, get_provider
from performance.models import DepartmentEvaluation
from performance.services import evaluate_departments
from tests import world
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def finance(org):
    return make_user("finance_officer", role="finance")


def spend(project, amount, user):
    Expenditure.objects.create(
        project=project, date=dt.date(2025, 10, 1), amount=D(amount), recorded_by=user
    )


@pytest.fixture
def spending(org, finance):
    """A: 100,000 (60,000 spent) and its sub-unit A1: 50,000 (45,000 spent) → 70 %.
    B: 10,000, 12,000 spent → capped at 100."""
    for unit, budget, spent in ((org["a"], 100000, 60000), (org["a1"], 50000, 45000),
                                (org["b"], 10000, 12000)):  # fmt: skip
        spend(make_project(unit, funds={"fiscal": D(budget)}), spent, finance)


def test_each_department_gets_its_execution_rate_with_its_units_below(org, spending):
    measure = get_department_measure("budget.execution_rate")
    rates = measure.compute([org["a"], org["b"]], 2025)
    assert rates == {org["a"].pk: D("70.00"), org["b"].pk: D(100)}


def test_the_evaluation_shows_it_and_counts_it_only_with_a_weight(org, settings, spending):
    leader = make_user("leader", role="leadership")
    evaluate_departments(org["library"], 2025, user=leader)
    row = DepartmentEvaluation.objects.get(unit=org["a"], year=2025)
    assert row.budget_score == D("70.00")
    before = row.total
    settings.SHUXIANG_DEPARTMENT_WEIGHTS = {**settings.SHUXIANG_DEPARTMENT_WEIGHTS, "budget": 20}
    evaluate_departments(org["library"], 2025, user=leader)
    row.refresh_from_db()
    assert row.total != before and row.budget_score == D("70.00")


def test_a_plan_indicator_takes_the_spending_of_the_projects_serving_it(org, finance):
    indicator = world.indicator(org["a"], "藏量购置费")
    indicator.measure_unit = "万元"
    indicator.save()
    provider = get_provider("budget.spent")
    assert provider.compute(indicator, 2025) is None  # no project serves it yet
    project = make_project(org["a"], funds={"fiscal": D(800000)})
    project.plan_indicators.add(indicator)
    spend(project, 456789, finance)
    assert provider.compute(indicator, 2025) == D("45.68")
