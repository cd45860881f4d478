"""A local stand-in for Cloud Monitoring's MetricService.CreateTimeSeries (gRPC), for the local
stack and the tests: Monitoring has no emulator. It keeps what it receives and refuses what the
real service refuses that keywatch could get wrong (https://cloud.google.com/monitoring/quotas,
https://cloud.google.com/monitoring/api/ref_v3/rpc/google.monitoring.v3#createtimeseriesrequest):
more than 200 series a request, a series twice in one request, a point not later than the
series' last one, a cumulative point whose start is not before its end, or whose value went down
with the same start."""

from __future__ import annotations

import threading
from concurrent import futures
from typing import Any

import grpc
from google.cloud import monitoring_v3
from google.protobuf import empty_pb2

_SERVICE = "google.monitoring.v3.MetricService"


class MonitoringStandIn:
    def __init__(self, port: int = 0) -> None:
        self._lock = threading.Lock()
        self._last: dict[tuple[Any, ...], tuple[int, int, int]] = {}  # series -> start, end, value
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        handler = grpc.method_handlers_generic_handler(
            _SERVICE,
            {
                "CreateTimeSeries": grpc.unary_unary_rpc_method_handler(
                    self._create,
                    request_deserializer=monitoring_v3.CreateTimeSeriesRequest.deserialize,
                    response_serializer=empty_pb2.Empty.SerializeToString,
                )
            },
        )
        self._server.add_generic_rpc_handlers((handler,))
        self.port = self._server.add_insecure_port(f"127.0.0.1:{port}")
        self.requests: list[monitoring_v3.CreateTimeSeriesRequest] = []
        self.refused: list[str] = []

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> MonitoringStandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop(grace=1)

    def __enter__(self) -> MonitoringStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def latest(self) -> dict[tuple[str, ...], int]:
        """(provider, model, outcome) -> the latest cumulative value."""
        with self._lock:
            return {
                tuple(dict(k[1]).get(n, "") for n in ("provider", "model", "outcome")): v[2]
                for k, v in self._last.items()
            }

    def _create(self, request: monitoring_v3.CreateTimeSeriesRequest, context: Any) -> Any:
        why = self._check(request)
        if why:
            with self._lock:
                self.refused.append(why)
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, why)
        return empty_pb2.Empty()

    def _check(self, request: monitoring_v3.CreateTimeSeriesRequest) -> str:
        series = list(request.time_series)
        if len(series) > 200:
            return f"{len(series)} time series in one request: at most 200"
        keys = set()
        with self._lock:
            pending = {}
            for ts in series:
                key = (ts.metric.type, tuple(sorted(ts.metric.labels.items())), ts.resource.type)
                if key in keys:
                    return "a time series appears twice in one request"
                keys.add(key)
                if len(ts.points) != 1:
                    return "exactly one point per time series"
                p = ts.points[0]
                start = int(p.interval.start_time.timestamp())
                end = int(p.interval.end_time.timestamp())
                value = int(p.value.int64_value)
                if start >= end:
                    return "a cumulative point's start must be before its end"
                last = self._last.get(key)
                if last is not None:
                    if end <= last[1]:
                        return "points must be written in order: end time not after the last"
                    if start == last[0] and value < last[2]:
                        return "a cumulative value went down without a new start time"
                pending[key] = (start, end, value)
            self._last.update(pending)
            self.requests.append(request)
        return ""
