"""Every budget listing and page costs the same number of queries for few rows as for
many (rows from tests/world.py's builders)."""

import pytest
from django.urls import reverse

from budget.models import BudgetAdjustment, Expenditure, Monitoring, SelfEvaluation
from tests.factories import make_user
from tests.world import BUILDERS

pytestmark = pytest.mark.django_db
LISTINGS = {
    BudgetAdjustment: "budget_budgetadjustment:index",
    Expenditure: "budget_expenditure:index",
    Monitoring: "budget_monitoring:index",
    SelfEvaluation: "budget_selfevaluation:index",
}


@pytest.mark.parametrize("model", list(LISTINGS), ids=lambda m: m._meta.model_name)
def test_a_listing_costs_the_same_for_few_and_many_rows(
    client, org, model, django_assert_max_num_queries
):
    finance = make_user("finance_officer", role="finance")
    for n in range(3):
        BUILDERS[model](org["a"] if n % 2 else org["b"], f"行{n}")
    client.force_login(finance)
    url = reverse(LISTINGS[model])
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for n in range(3, 25):
        BUILDERS[model](org["a"] if n % 2 else org["b"], f"行{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_boards_summary_costs_the_same_for_few_and_many_projects(
    client, org, django_assert_max_num_queries
):
    trustee = make_user("trustee_reader", role="trustee")
    build = BUILDERS[Expenditure]
    for n in range(3):
        build(org["a"], f"行{n}")
    client.force_login(trustee)
    url = reverse("budget_board_summary")
    with django_assert_max_num_queries(40) as few:
        client.get(url, {"year": 2025})
    for n in range(3, 30):
        build(org["a"] if n % 2 else org["b"], f"行{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"year": 2025})
