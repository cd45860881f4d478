"""Cloud Monitoring: the providers' availability SLI, as custom metric points the SLOs in
infra/slo.tf read (`good_total_ratio` over `custom.googleapis.com/keywatch/provider_attempts`).

Limits respected (https://cloud.google.com/monitoring/quotas): at most 200 time series per
CreateTimeSeries request; one point per series per request; a series written at most once
every 5 seconds (a health run writes each once a minute); points in order (each run's end time
is later than the last). Cumulative points start at the UTC midnight of their day
(core/daily.py), so a failed write is made good by the next run's totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import monitoring_v3

from keywatch.core.daily import SLI_METRIC, SliPoint
from keywatch_functions.errors import SliSinkError

MAX_SERIES_PER_REQUEST = 200
_CUMULATIVE = 3  # google.api.MetricDescriptor.MetricKind.CUMULATIVE
_INT64 = 2  # google.api.MetricDescriptor.ValueType.INT64


def time_series(project_id: str, p: SliPoint) -> list[monitoring_v3.TimeSeries]:
    """The point's two series, good and bad: the SLO's total is their sum."""
    out = []
    for outcome, value in (("good", p.good), ("bad", p.bad)):
        ts = monitoring_v3.TimeSeries()
        ts.metric.type = SLI_METRIC
        ts.metric.labels.update({"provider": p.provider, "model": p.model, "outcome": outcome})
        ts.resource.type = "global"
        ts.resource.labels["project_id"] = project_id
        ts.metric_kind = _CUMULATIVE
        ts.value_type = _INT64
        interval = monitoring_v3.TimeInterval(
            start_time={"seconds": p.start}, end_time={"seconds": p.end}
        )
        ts.points = [monitoring_v3.Point(interval=interval, value={"int64_value": value})]
        out.append(ts)
    return out


class MonitoringSliSink:
    def __init__(self, client: Any, project_id: str, timeout_s: float = 10.0) -> None:
        self._client = client
        self._project = project_id
        self._timeout = timeout_s

    def write(self, points: Sequence[SliPoint]) -> None:
        series = [ts for p in points for ts in time_series(self._project, p)]
        for start in range(0, len(series), MAX_SERIES_PER_REQUEST):
            try:
                self._client.create_time_series(
                    name=f"projects/{self._project}",
                    time_series=series[start : start + MAX_SERIES_PER_REQUEST],
                    timeout=self._timeout,
                )
            except (gexc.GoogleAPICallError, gexc.RetryError) as exc:
                raise SliSinkError(f"monitoring: {exc}") from exc


def client(endpoint: str = "") -> Any:
    """The MetricServiceClient; `endpoint` (host:port on loopback) points it at the local
    stand-in with no credentials, as KEYWATCH_FCM_ENDPOINT does for FCM."""
    from google.cloud.monitoring_v3.services.metric_service import MetricServiceClient

    if not endpoint:
        return MetricServiceClient()
    import grpc
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.monitoring_v3.services.metric_service.transports import (
        MetricServiceGrpcTransport,
    )

    host = endpoint.rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        raise ValueError("KEYWATCH_MONITORING_ENDPOINT is for a local stand-in: loopback only")
    transport = MetricServiceGrpcTransport(
        channel=grpc.insecure_channel(endpoint),
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
    )
    return MetricServiceClient(transport=transport)
