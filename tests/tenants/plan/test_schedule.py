"""The commissioning schedule: the months ahead, what is late, each manager's load."""

from __future__ import annotations

import datetime

from django_tenants.utils import tenant_context

from saas.dates import add_months
from tenants.plan import services
from tenants.plan.models import PlanLine
from tenants.plan.selectors import schedule


def test_the_schedule_puts_each_open_line_in_its_month_and_says_what_is_late(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    today = datetime.date.today()
    month = add_months(today.replace(day=1), 2)
    services.update_line(line, {"commissioning_month": month}, by=u["expert"])
    seen = schedule(u["expert"], today)
    (slot,) = [m for m in seen.months if m.count]
    assert slot.first_day == month and [x.reference for x in slot.lines] == [line.reference]
    assert seen.load == [("expert", 0, [0, 0, 1, 0, 0, 0], 1)]
    # Seen three months later, the month has passed: the line is late.
    later = schedule(u["expert"], add_months(today.replace(day=1), 3))
    assert [x.reference for x in later.late] == [line.reference] and later.late_count == 1
    assert later.load[0][1] == 1
    # Commissioned or closed lines leave the schedule; undated ones are listed apart.
    PlanLine.objects.filter(pk=line.pk).update(commissioning_month=None)
    assert schedule(u["expert"], today).undated_count == 1
    PlanLine.objects.filter(pk=line.pk).update(status="commissioned")
    assert schedule(u["expert"], today).undated_count == 0
    # Someone whose scope does not cover the line does not see it.
    PlanLine.objects.filter(pk=line.pk).update(status="planned")
    assert schedule(u["imaging_expert"], today).undated_count == 0


def test_the_schedule_page_is_the_teams_and_links_to_the_months_lines(web, tenant, chain, line):
    u = chain["users"]
    month = add_months(datetime.date.today().replace(day=1), 1)
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        services.update_line(line, {"commissioning_month": month}, by=u["expert"])
    html = web["expert"].get("/plan/schedule/").content.decode()
    assert line.reference in html and f'data-month="{month:%Y-%m}"' in html
    assert web["requester"].get("/plan/schedule/").status_code == 403
    listed = web["expert"].get("/plan/", {"commissioning": month.strftime("%m/%Y")})
    assert line.reference in listed.content.decode()
    other = add_months(month, 1).strftime("%m/%Y")
    assert (
        line.reference not in web["expert"].get("/plan/", {"commissioning": other}).content.decode()
    )
    bad = web["expert"].get("/plan/", {"commissioning": "13/2027"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
