# The providers' availability SLOs and their multiwindow, multi-burn-rate alerts.
# What each alert means and what to do: docs/slo.md (var.runbook_base_url).
#
# The SLI is what the health run exports once a minute (functions/keywatch_functions/adapters/
# monitoring.py, from shared/keywatch/core/daily.py): per provider, and per listed model, the
# attempts since the UTC midnight, good (not held against the provider) and bad, as two
# CUMULATIVE series. The SLO is good / (good + bad) over var.slo_rolling_days.

locals {
  # The metric's contract, shared with the health run (keywatch.core.daily.SLI_METRIC).
  sli_metric    = "custom.googleapis.com/keywatch/provider_attempts"
  sli_resource  = "global"
  provider_wide = "*" # the `model` label of a provider's own series (daily.PROVIDER_WIDE)

  # One custom service per provider, and per listed model. Service ids are lower-case letters,
  # digits and dashes; a model's name may hold dots, colons and slashes (Bedrock, OpenRouter).
  slo_services = merge(
    { for p in var.slo_providers : p => {
      provider = p
      model    = local.provider_wide
      id       = "keywatch-${p}"
      title    = p
    } },
    { for m in var.slo_models : "${m.provider}/${m.model}" => {
      provider = m.provider
      model    = m.model
      id       = "keywatch-${trim(lower(replace("${m.provider}-${m.model}", "/[^a-zA-Z0-9]+/", "-")), "-")}"
      title    = "${m.provider} ${m.model}"
    } },
  )

  # What the health run must be told to export besides the providers (its `slo_models`).
  slo_listed_models = sort([for m in var.slo_models : "${m.provider}/${m.model}"])

  # The SRE Workbook's recommended multiwindow, multi-burn-rate alerts, transcribed whole
  # (https://sre.google/workbook/alerting-on-slos/, "6: Multiwindow, multi-burn-rate alerts",
  # table 5-8): page when both the long and the short window burn faster than `burn`, ticket
  # likewise at burn 1. The short window is 1/12 of the long one, so an alert resets within
  # minutes of the burn stopping. Burn rate is the error rate over (1 - goal), whatever the
  # period: the Workbook's numbers are for 30 days, and over our 28 they spend 2.1 %, 5.4 % and
  # 10.7 % of the budget (14.4 x 1 h, 6 x 6 h, 1 x 3 d over 672 h) instead of 2, 5 and 10.
  # `name` is also the anchor of its section in docs/slo.md.
  slo_alerts = [
    { name = "fast-burn-page", severity = "page", long_s = 3600, short_s = 300, burn = 14.4 },
    { name = "slow-burn-page", severity = "page", long_s = 21600, short_s = 1800, burn = 6 },
    { name = "ticket", severity = "ticket", long_s = 259200, short_s = 21600, burn = 1 },
  ]

  # Cloud Monitoring's own severity for each: CRITICAL pages, WARNING waits for working hours.
  slo_severity = { page = "CRITICAL", ticket = "WARNING" }
  ticket_channels = (
    length(var.ticket_notification_channels) > 0 ? var.ticket_notification_channels : var.notification_channels
  )

  # One policy per service and alert: 3 x (6 providers + listed models) policies, well inside
  # Cloud Monitoring's alerting-policy quota (https://cloud.google.com/monitoring/quotas).
  slo_policies = merge([
    for key, svc in local.slo_services : {
      for a in local.slo_alerts : "${key} ${a.name}" => merge(a, {
        service = key
        svc     = svc
        long    = a.long_s % 86400 == 0 ? "${a.long_s / 86400} d" : (a.long_s % 3600 == 0 ? "${a.long_s / 3600} h" : "${a.long_s / 60} min")
        short   = a.short_s % 86400 == 0 ? "${a.short_s / 86400} d" : (a.short_s % 3600 == 0 ? "${a.short_s / 3600} h" : "${a.short_s / 60} min")
      })
    }
  ]...)
}

# Declared so the SLOs (and their alerts) can exist before the health run's first point.
resource "google_monitoring_metric_descriptor" "provider_attempts" {
  type         = local.sli_metric
  metric_kind  = "CUMULATIVE"
  value_type   = "INT64"
  unit         = "1"
  display_name = "keywatch provider attempts"
  description  = "LLM call attempts since the UTC midnight, by provider and model, good (not held against the provider) or bad: the availability SLI, written by the health run."

  labels {
    key         = "provider"
    value_type  = "STRING"
    description = "The provider, as classify names it (openai, anthropic, ...)."
  }
  labels {
    key         = "model"
    value_type  = "STRING"
    description = "The model, or * for the provider as a whole."
  }
  labels {
    key         = "outcome"
    value_type  = "STRING"
    description = "good: not held against the provider; bad: held against it."
  }

  metadata {
    sample_period = "60s" # one point per series per health run, every minute
  }
}

resource "google_monitoring_custom_service" "provider" {
  for_each = local.slo_services

  service_id   = each.value.id
  display_name = "keywatch: ${each.value.title}"
  user_labels = {
    app      = "keywatch"
    provider = each.value.provider
  }
}

resource "google_monitoring_slo" "availability" {
  for_each = local.slo_services

  service      = google_monitoring_custom_service.provider[each.key].service_id
  slo_id       = "availability"
  display_name = "${each.value.title}: ${var.slo_target} of attempts not held against the provider, over ${var.slo_rolling_days} days"

  goal                = var.slo_target
  rolling_period_days = var.slo_rolling_days

  # total = both outcomes: the filter names the provider and the model, never the outcome.
  request_based_sli {
    good_total_ratio {
      good_service_filter  = "metric.type=\"${local.sli_metric}\" AND resource.type=\"${local.sli_resource}\" AND metric.labels.provider=\"${each.value.provider}\" AND metric.labels.model=\"${each.value.model}\" AND metric.labels.outcome=\"good\""
      total_service_filter = "metric.type=\"${local.sli_metric}\" AND resource.type=\"${local.sli_resource}\" AND metric.labels.provider=\"${each.value.provider}\" AND metric.labels.model=\"${each.value.model}\""
    }
  }

  user_labels = {
    app      = "keywatch"
    provider = each.value.provider
  }

  depends_on = [google_monitoring_metric_descriptor.provider_attempts]
}

# Each alert of the table is one policy of two conditions, the long and the short window, both
# of which must hold (combiner AND). `select_slo_burn_rate(SLO, LOOKBACK)` is the burn rate
# over the lookback
# (https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/alerting-on-budget-burn-rate).
resource "google_monitoring_alert_policy" "slo_burn" {
  for_each = local.slo_policies

  display_name          = "keywatch SLO: ${each.value.svc.title} ${each.value.name}, burn above ${each.value.burn} over ${each.value.long} and ${each.value.short}"
  combiner              = "AND"
  severity              = local.slo_severity[each.value.severity]
  notification_channels = each.value.severity == "page" ? var.notification_channels : local.ticket_channels

  user_labels = {
    severity = each.value.severity
    alert    = each.value.name
    service  = each.value.svc.id
  }

  conditions {
    display_name = "burn rate over ${each.value.long} above ${each.value.burn}"
    condition_threshold {
      filter          = "select_slo_burn_rate(\"${google_monitoring_slo.availability[each.value.service].name}\", \"${each.value.long_s}s\")"
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.burn
      duration        = "0s"
    }
  }

  conditions {
    display_name = "burn rate over ${each.value.short} above ${each.value.burn}"
    condition_threshold {
      filter          = "select_slo_burn_rate(\"${google_monitoring_slo.availability[each.value.service].name}\", \"${each.value.short_s}s\")"
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.burn
      duration        = "0s"
    }
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "keywatch SLO ${each.value.name}: ${each.value.svc.title}"
    content   = "${each.value.svc.title} is spending its error budget ${each.value.burn} times faster than the SLO (${var.slo_target} of attempts good over ${var.slo_rolling_days} days) allows, over both the last ${each.value.long} and the last ${each.value.short}. Which reasons: `jsonPayload.event=\"llm_failure\" AND labels.provider=\"${each.value.svc.provider}\"`. Runbook: ${var.runbook_base_url}#${each.value.name}"
  }
}
