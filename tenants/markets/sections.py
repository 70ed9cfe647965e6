"""Sections other apps add to the markets' pages (tenants.core.sections): the purchasing app
adds the plan lines bought on a market to its page, and their summary to its row of the
market plan. The markets app imports nothing of them."""

from __future__ import annotations

from tenants.core.sections import PageSections
from tenants.markets.models import Market

# A market's page: one section each, under its lots and uses.
MARKET_SECTIONS: PageSections[Market] = PageSections()
# A market's row of the market plan: a short summary in the row's last cell.
PLAN_ROW_SECTIONS: PageSections[Market] = PageSections()
