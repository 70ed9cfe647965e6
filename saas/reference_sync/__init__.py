"""The platform's side of the reference sync: tenants linked as subscribers, releases fanned out.

Everything here writes public-schema rows (subscribers, keys, subscriptions) or walks the
tenant registry; the tenant side (tenants/mirror) only talks to the reference server through
the sync API, as an on-premises installation would.
"""
