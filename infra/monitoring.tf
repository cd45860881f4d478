# Log-based metrics over the functions' structured entries, and the alert policies.
# What each alert means and what to do: docs/operations.md, "Alerts".

locals {
  function_logs = "resource.type=\"cloud_run_revision\""
  runbook       = var.runbook_url
}

# One count per classified failure, by source (platform or byok), reason and provider.
resource "google_logging_metric" "llm_failures" {
  name        = "keywatch/llm_failures"
  description = "LLM call failures classified by keywatch, by source, reason and provider."
  filter      = "${local.function_logs} AND resource.labels.service_name=\"${google_cloudfunctions2_function.fn["classify"].name}\" AND jsonPayload.event=\"${local.failure_event}\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "keywatch LLM failures"

    dynamic "labels" {
      for_each = local.metric_labels
      content {
        key        = labels.value
        value_type = "STRING"
      }
    }
  }

  label_extractors = { for field in local.metric_labels : field => "EXTRACT(jsonPayload.${field})" }
}

# Messages that can never succeed (malformed, wrong schema), dropped with a reason.
resource "google_logging_metric" "poison_messages" {
  name        = "keywatch/poison_messages"
  description = "Pub/Sub messages a keywatch function dropped because they can never succeed."
  filter      = "${local.function_logs} AND jsonPayload.event=\"poison_message\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "function"
      value_type = "STRING"
    }
  }

  label_extractors = {
    function = "EXTRACT(jsonPayload.function)"
  }
}

resource "google_logging_metric" "notify_outcomes" {
  name        = "keywatch/notify_outcomes"
  description = "What notify did with each alert: sent, deduplicated, capped, no devices..."
  filter      = "${local.function_logs} AND jsonPayload.event=\"notify\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "outcome"
      value_type = "STRING"
    }
  }

  label_extractors = {
    outcome = "EXTRACT(jsonPayload.outcome)"
  }
}

# notify's provider-incident guard: one entry per suspected incident (README, "Provider
# incidents"); the pushes it holds are notify_outcomes with outcome held_incident.
resource "google_logging_metric" "provider_incidents" {
  name        = "keywatch/suspected_provider_incidents"
  description = "Suspected provider incidents: many users' keys failing with one reason at once; their pushes are held."
  filter      = "${local.function_logs} AND jsonPayload.event=\"suspected_provider_incident\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key        = "provider"
      value_type = "STRING"
    }
    labels {
      key        = "reason"
      value_type = "STRING"
    }
  }

  label_extractors = {
    provider = "EXTRACT(jsonPayload.provider)"
    reason   = "EXTRACT(jsonPayload.reason)"
  }
}

resource "google_logging_metric" "health_runs" {
  name        = "keywatch/health_runs"
  description = "Completed health runs."
  filter      = "${local.function_logs} AND jsonPayload.event=\"health_run\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# Documents each health run wrote (its `written`), by outcome: the dashboard's health tile. The
# run's duration needs no metric of its own: it is the health service's Cloud Run request
# latency (run.googleapis.com/request_latencies), as the tick is one push request.
resource "google_logging_metric" "health_writes" {
  name        = "keywatch/health_writes"
  description = "Health documents written per run, by the run's outcome."
  filter      = "${local.function_logs} AND jsonPayload.event=\"health_run\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
    labels {
      key        = "outcome"
      value_type = "STRING"
    }
  }

  value_extractor = "EXTRACT(jsonPayload.written)"
  label_extractors = {
    outcome = "EXTRACT(jsonPayload.outcome)"
  }

  # 1 to 65,536 documents: a run writes at most KEYWATCH_HEALTH_MAX_WRITES (20,000).
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 16
      growth_factor      = 2
      scale              = 1
    }
  }
}

# Demoted from a page to a ticket. A fixed number of failures a second is not user impact: at
# high traffic it pages on noise, at low traffic it misses an outage, and it counts rate limits
# and failures a retry recovered. The SLO burn-rate alerts (slo.tf) page instead: a platform
# key's credential failures are held against its provider (keywatch.core.classify.
# counts_against_provider), so a revoked or exhausted platform key burns that provider's budget
# relative to its traffic. Kept as a ticket for what the SLOs do not see: providers outside
# var.slo_providers, and platform rate limits (a higher tier to ask for). docs/operations.md,
# "Alerts".
resource "google_monitoring_alert_policy" "platform_failures" {
  display_name          = "keywatch: the platform's keys are failing (ticket)"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = local.ticket_channels

  user_labels = {
    severity = "ticket"
  }

  conditions {
    display_name = "platform LLM failures per second, per provider, over 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.llm_failures.name}\" AND metric.label.source = \"platform\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.platform_failure_rate_threshold
      duration        = "300s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.provider"]
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Calls made with the platform's own keys are failing for provider $${metric.label.provider}. Break them down by reason in Logs Explorer: `jsonPayload.event=\"llm_failure\" AND labels.source=\"platform\" AND labels.provider=\"$${metric.label.provider}\"`. Runbook: ${local.runbook}#platform-keys-failing"
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name          = "keywatch: messages dead-lettered"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels

  conditions {
    display_name = "undelivered messages in a dead-letter hold subscription"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.labels.subscription_id = monitoring.regex.full_match(\"keywatch-.*-dead-hold\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.subscription_id"]
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A function failed a message 5 times and Pub/Sub set it aside in $${resource.label.subscription_id}. Find why in the function's `transient_failure` entries, fix the cause, then replay: `keywatch dlq peek <route>` and `keywatch dlq replay <route>`. Runbook: ${local.runbook}#messages-dead-lettered"
  }
}

resource "google_monitoring_alert_policy" "delivery_backlog" {
  display_name          = "keywatch: delivery is stalled"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels

  conditions {
    display_name = "oldest unacknowledged message older than 10 minutes"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.labels.subscription_id = one_of(${join(", ", [for r in local.routes : "\"${r.subscription}\""])})"
      comparison      = "COMPARISON_GT"
      threshold_value = 600
      duration        = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.subscription_id"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Messages on $${resource.label.subscription_id} wait more than 10 minutes: its function is failing and retrying, or cannot keep up. Runbook: ${local.runbook}#delivery-stalled"
  }
}

resource "google_monitoring_alert_policy" "poison" {
  display_name          = "keywatch: malformed messages dropped"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels

  conditions {
    display_name = "poison messages in the last 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.poison_messages.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.function"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A producer is publishing messages keywatch can never process (bad JSON, wrong schema, unknown version). They are logged with why and dropped. Runbook: ${local.runbook}#malformed-messages"
  }
}

resource "google_monitoring_alert_policy" "health_stale" {
  display_name          = "keywatch: health is not being computed"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = var.notification_channels

  conditions {
    display_name = "no health run for 10 minutes"
    condition_absent {
      filter   = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.health_runs.name}\""
      duration = "600s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_DELTA"
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "The health function has not completed a run in 10 minutes, so routers read stale health (HealthReader serves cached values for at most 10 minutes). Runbook: ${local.runbook}#health-stale"
  }
}

resource "google_monitoring_alert_policy" "provider_incident" {
  display_name          = "keywatch: suspected provider incident, user pushes held"
  combiner              = "OR"
  severity              = "WARNING"
  notification_channels = var.notification_channels

  conditions {
    display_name = "a suspected provider incident opened in the last 5 minutes"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.provider_incidents.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_DELTA"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.provider", "metric.label.reason"]
      }
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "Many users' own $${metric.label.provider} keys started failing with $${metric.label.reason} at once, far above the hour before: keywatch suspects the provider, not the keys, and holds the \"your key is not working\" pushes for it. Check the provider's status page, then the entry: `jsonPayload.event=\"suspected_provider_incident\"`. Runbook: ${local.runbook}#provider-incident"
  }
}
