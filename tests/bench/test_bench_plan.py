"""The plan bench on a small plan: its raw SQL computes the dashboard's figures, for a
head and for the planning office, today and on a past date (no timing asserted)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from governance.management.commands.bench_plan import (
    dashboard_figures,
    generate,
    raw_dashboard,
)
from governance.selectors.dashboard import PAGE_AT_RISK, plan_dashboard


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["head_id", "user_id"])
@pytest.mark.parametrize("when", ["today", "past"])
def test_the_baseline_computes_the_dashboards_figures(who, when):
    bench = generate(items=80, periods=3)
    user = get_user_model().objects.get(pk=getattr(bench, who))
    as_of = timezone.localdate() if when == "today" else bench.as_of

    ours = dashboard_figures(
        plan_dashboard(bench.plan, user=user, as_of=as_of, listed=PAGE_AT_RISK)
    )
    theirs = raw_dashboard(bench.plan, user=get_user_model().objects.get(pk=user.pk), as_of=as_of)

    assert ours == theirs
    assert ours["overall"] > 0 and ours["units"] and ours["health"]
    assert bool(ours["items"]) == (who == "head_id")  # a head's own list; the office's none


@pytest.mark.django_db
def test_bench_plan_prints_a_line_per_dashboard_measure():
    out = StringIO()

    call_command("bench_plan", items=60, periods=2, runs=1, skip="tracking", stdout=out)

    lines = [line for line in out.getvalue().splitlines() if line.startswith("| plan dashboard")]
    assert len(lines) == 4, out.getvalue()
    assert all("≤ 2×" in line or "×" in line for line in lines)
