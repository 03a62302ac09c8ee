"""Out-of-range numbers in URLs, filters and forms are a validation error or a 404,
never a 500; years are bounded to plausible ranges."""

import pytest
from django.urls import reverse

from tests.access.test_coverage import our_viewsets
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
BAD = (HUGE, "-1", "abc", "1e309", "0x10", "１２")


@pytest.fixture
def superuser(org):
    return make_user("root", is_superuser=True, is_staff=True)


def _filter_names(viewset):
    names = []
    for entry in viewset.list_filter or ():
        names.append(entry if isinstance(entry, str) else entry[0])
    return names


def test_listing_filters_and_pages_refuse_bad_numbers_without_a_500(client, superuser):
    client.force_login(superuser)
    checked = 0
    for viewset in our_viewsets():
        index = reverse(f"{viewset.url_namespace}:index")
        for name in [*_filter_names(viewset), "p"]:
            for value in BAD:
                response = client.get(index, {name: value})
                assert response.status_code < 500, f"{index}?{name}={value}"
                checked += 1
    assert checked > 100


def test_object_urls_with_bad_ids_answer_404(client, superuser):
    client.force_login(superuser)
    for viewset in our_viewsets():
        for name in ("edit", "inspect", "delete", "history", "usage"):
            for value in (HUGE, "abc", "-1"):
                try:
                    url = reverse(f"{viewset.url_namespace}:{name}", args=[value])
                except Exception:  # noqa: BLE001 - the view is switched off
                    continue
                assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "url_name,args,params",
    [
        ("plan_report_item", [HUGE], {}),
        ("plan_contribute", [HUGE], {}),
        ("plan_close_period", [HUGE], {}),
        ("plan_tracking_xlsx", [HUGE], {}),
        ("plan_progress_pdf", [HUGE], {}),
        ("plan_assignment_xlsx", [HUGE], {}),
        ("plan_assignment_import", [HUGE], {}),
        ("plan_dashboard", [], {"plan": HUGE}),
        ("plan_dashboard", [], {"as_of": "99999-01-01"}),
        ("plan_dashboard", [], {"as_of": "0001-01-01"}),
        ("plan_review_queue", [], {"p": HUGE, "unit": HUGE}),
        ("staffing_roster_pdf", [HUGE], {}),
        ("staffing_staff_training", [HUGE], {}),
        ("staffing_training_record_pdf", [HUGE], {}),
        ("staffing_compliance", [], {"year": HUGE, "unit": HUGE, "p": HUGE}),
        ("staffing_structure", [], {"unit": HUGE, "as_of": "99999-01-01"}),
        ("staffing_export", [], {"unit": HUGE, "title_level": HUGE, "education": "-1"}),
        ("staffing_my_training", [], {"year": HUGE}),
        ("governance_access:edit", [HUGE], {}),
        ("performance_cycle", [HUGE], {}),
        ("performance_registration_forms", [HUGE], {}),
        ("performance_appraisal", [HUGE], {}),
        ("performance_registration_form", [HUGE], {}),
        ("performance_eligibility", [], {"year": HUGE}),
        ("performance_departments", [], {"year": HUGE, "library": HUGE}),
        ("performance_department_ranking", [], {"year": HUGE, "library": HUGE}),
        ("performance_department_ranking", [], {"year": "2025", "library": "-1"}),
    ],
)
def test_custom_views_refuse_bad_numbers_without_a_500(client, superuser, url_name, args, params):
    client.force_login(superuser)
    response = client.get(reverse(url_name, args=args), params)
    assert response.status_code < 500


def _plan_form(plan, **changes):
    data = {
        "title": plan.title,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "approval_reference": "",
        "approval_date": "",
        "status": plan.status,
        "introduction": "",
        "vision": "",
        "mission": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes", [{"end_year": 10000}, {"start_year": 1}, {"end_year": 2040}, {"end_year": HUGE}]
)
def test_a_plan_year_out_of_range_is_a_form_error_and_creates_no_periods(client, planner, changes):
    from governance.models import Period
    from tests.factories import Node, make_plan

    plan = make_plan([Node("一、", "主要任务")])
    periods = Period.objects.count()
    client.force_login(planner)
    response = client.post(
        reverse("governance_plan:edit", args=[plan.pk]), _plan_form(plan, **changes)
    )
    assert response.status_code == 200  # the form again, with the error
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year) == (2021, 2025)
    assert Period.objects.count() == periods


def test_a_far_as_of_date_is_refused_and_today_is_shown(client, planner):
    from governance.forms import AsOfForm

    form = AsOfForm({"as_of": "0001-01-01"})
    assert not form.is_valid() and "as_of" in form.errors
    client.force_login(planner)
    assert client.get(reverse("plan_dashboard"), {"as_of": "0001-01-01"}).status_code == 200
