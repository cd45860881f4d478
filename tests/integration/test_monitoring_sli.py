"""The SLI's Cloud Monitoring adapter against a local MetricService (gRPC) that refuses what
the real service refuses: the real client library, its real requests."""

from __future__ import annotations

import pytest

from keywatch.core.daily import SliPoint
from keywatch_functions.adapters.monitoring import MonitoringSliSink, client
from keywatch_functions.errors import SliSinkError
from keywatch_ops.devstack.monitoring_standin import MonitoringStandIn

pytestmark = pytest.mark.integration
DAY = 1_796_083_200  # a UTC midnight


def test_cumulative_points_land_and_a_later_run_extends_them() -> None:
    with MonitoringStandIn() as standin:
        sink = MonitoringSliSink(client(standin.endpoint), "demo-keywatch", timeout_s=5)
        sink.write([SliPoint("openai", "*", 90, 10, DAY, DAY + 600)])
        sink.write([SliPoint("openai", "*", 150, 12, DAY, DAY + 660)])
        assert standin.latest() == {("openai", "*", "good"): 150, ("openai", "*", "bad"): 12}
        [first, _] = standin.requests
        ts = first.time_series[0]
        assert ts.metric.type == "custom.googleapis.com/keywatch/provider_attempts"
        assert ts.resource.type == "global" and ts.resource.labels["project_id"] == "demo-keywatch"


def test_more_than_200_series_go_in_several_requests() -> None:
    """Monitoring takes at most 200 series a request: 150 points are 300 series, 2 requests."""
    with MonitoringStandIn() as standin:
        sink = MonitoringSliSink(client(standin.endpoint), "p", timeout_s=5)
        sink.write([SliPoint(f"prov{i}", "*", 1, 0, DAY, DAY + 60) for i in range(150)])
        assert [len(r.time_series) for r in standin.requests] == [200, 100]
        assert not standin.refused


def test_a_refused_or_unreachable_write_is_a_transient_error() -> None:
    with MonitoringStandIn() as standin:
        sink = MonitoringSliSink(client(standin.endpoint), "p", timeout_s=5)
        sink.write([SliPoint("openai", "*", 5, 0, DAY, DAY + 120)])
        with pytest.raises(SliSinkError, match="in order"):
            sink.write([SliPoint("openai", "*", 6, 0, DAY, DAY + 60)])  # an older end time
    from keywatch_ops.devstack.stack import free_port

    dead = MonitoringSliSink(client(f"127.0.0.1:{free_port()}"), "p", timeout_s=1)
    with pytest.raises(SliSinkError):
        dead.write([SliPoint("openai", "*", 1, 0, DAY, DAY + 60)])


def test_the_endpoint_override_is_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        client("monitoring.example.com:443")
