# One dashboard for the on-call: why calls fail, how fast each provider burns its budget, what
# notify did, the incidents it suspected, what waits in the dead letters, and the health run.
# Dashboard JSON: https://cloud.google.com/monitoring/api/ref_v3/rest/v1/projects.dashboards

locals {
  dashboard_tile_w = 24 # a mosaic layout is 48 columns wide: two tiles a row
  dashboard_tile_h = 16

  # Counts per minute of a log-based (DELTA) counter, summed by the given labels.
  dashboard_per_minute = {
    alignmentPeriod    = "60s"
    perSeriesAligner   = "ALIGN_DELTA"
    crossSeriesReducer = "REDUCE_SUM"
  }

  dashboard_widgets = [
    {
      title = "LLM failures per minute, by reason and source"
      xyChart = {
        dataSets = [{
          plotType       = "STACKED_BAR"
          legendTemplate = "$${metric.labels.source} $${metric.labels.reason}"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.llm_failures.name}\" AND resource.type=\"cloud_run_revision\""
              aggregation = merge(local.dashboard_per_minute, {
                groupByFields = ["metric.label.reason", "metric.label.source"]
              })
            }
          }
        }]
        yAxis = { label = "failures / min", scale = "LINEAR" }
      }
    },
    {
      title = "SLO burn rate over 1 h, by provider, against the page thresholds"
      xyChart = {
        dataSets = [
          for key, svc in local.slo_services : {
            plotType       = "LINE"
            legendTemplate = svc.provider
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "select_slo_burn_rate(\"${google_monitoring_slo.availability[key].name}\", \"${local.slo_alerts[0].long_s}s\")"
              }
            }
          } if svc.model == local.provider_wide
        ]
        thresholds = [
          for a in local.slo_alerts : { label = a.name, value = a.burn } if a.severity == "page"
        ]
        yAxis = { label = "burn rate (1 = budget lasts the period)", scale = "LINEAR" }
      }
    },
    {
      title = "Pushes per minute, by outcome"
      xyChart = {
        dataSets = [{
          plotType       = "STACKED_BAR"
          legendTemplate = "$${metric.labels.outcome}"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.notify_outcomes.name}\" AND resource.type=\"cloud_run_revision\""
              aggregation = merge(local.dashboard_per_minute, {
                groupByFields = ["metric.label.outcome"]
              })
            }
          }
        }]
        yAxis = { label = "pushes / min", scale = "LINEAR" }
      }
    },
    {
      title = "Suspected provider incidents (their pushes are held), by provider and reason"
      xyChart = {
        dataSets = [{
          plotType       = "STACKED_BAR"
          legendTemplate = "$${metric.labels.provider} $${metric.labels.reason}"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.provider_incidents.name}\" AND resource.type=\"cloud_run_revision\""
              aggregation = merge(local.dashboard_per_minute, {
                groupByFields = ["metric.label.provider", "metric.label.reason"]
              })
            }
          }
        }]
        yAxis = { label = "incidents opened / min", scale = "LINEAR" }
      }
    },
    {
      title = "Dead letters waiting, by hold subscription"
      xyChart = {
        dataSets = [{
          plotType       = "LINE"
          legendTemplate = "$${resource.labels.subscription_id}"
          timeSeriesQuery = {
            timeSeriesFilter = {
              filter = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=one_of(${join(", ", [for r in local.routes : "\"${r.dead_letter_subscription}\""])})"
              aggregation = {
                alignmentPeriod    = "60s"
                perSeriesAligner   = "ALIGN_MAX"
                crossSeriesReducer = "REDUCE_MAX"
                groupByFields      = ["resource.label.subscription_id"]
              }
            }
          }
        }]
        yAxis = { label = "messages", scale = "LINEAR" }
      }
    },
    {
      title = "Health run: duration (p50, p99) and documents written, by outcome"
      xyChart = {
        dataSets = concat(
          [
            for p in ["50", "99"] : {
              plotType       = "LINE"
              targetAxis     = "Y1"
              legendTemplate = "duration p${p}"
              timeSeriesQuery = {
                timeSeriesFilter = {
                  filter = "metric.type=\"run.googleapis.com/request_latencies\" AND resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${google_cloudfunctions2_function.fn["health"].name}\""
                  aggregation = {
                    alignmentPeriod    = "60s"
                    perSeriesAligner   = "ALIGN_DELTA"
                    crossSeriesReducer = "REDUCE_PERCENTILE_${p}"
                  }
                }
              }
            }
          ],
          [{
            plotType       = "LINE"
            targetAxis     = "Y2"
            legendTemplate = "written, $${metric.labels.outcome}"
            timeSeriesQuery = {
              timeSeriesFilter = {
                filter = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.health_writes.name}\" AND resource.type=\"cloud_run_revision\""
                # One run a minute: the mean of the minute is that run's count.
                aggregation = {
                  alignmentPeriod    = "60s"
                  perSeriesAligner   = "ALIGN_MEAN"
                  crossSeriesReducer = "REDUCE_MEAN"
                  groupByFields      = ["metric.label.outcome"]
                }
              }
            }
          }],
        )
        yAxis  = { label = "duration (ms)", scale = "LINEAR" }
        y2Axis = { label = "documents written", scale = "LINEAR" }
      }
    },
  ]
}

resource "google_monitoring_dashboard" "keywatch" {
  dashboard_json = jsonencode({
    displayName = "keywatch"
    mosaicLayout = {
      columns = 2 * local.dashboard_tile_w
      tiles = [
        for i, widget in local.dashboard_widgets : {
          xPos   = (i % 2) * local.dashboard_tile_w
          yPos   = floor(i / 2) * local.dashboard_tile_h
          width  = local.dashboard_tile_w
          height = local.dashboard_tile_h
          widget = widget
        }
      ]
    }
  })
}
