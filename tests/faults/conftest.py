"""The fault suite shares the sync tests' reference server and linked tenant."""

from tests.tenants.mirror.conftest import (  # noqa: F401 (fixtures)
    hospital,
    reference_server,
    without_fan_out,
)
