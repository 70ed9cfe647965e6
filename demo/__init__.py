"""Demo data: the demo tenants, their people, census, reference catalogue and export files."""
