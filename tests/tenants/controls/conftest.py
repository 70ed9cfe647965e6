"""The purchasing tests' granted plan line, buyer, finance officer and market."""

from tests.tenants.purchasing.conftest import buying  # noqa: F401
