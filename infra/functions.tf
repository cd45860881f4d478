# The three functions (Cloud Functions gen2), built from the bundle `make bundle` writes.

resource "google_storage_bucket" "source" {
  # checkov:skip=CKV_GCP_62:Holds only the function bundles (public code, no secrets), read by Cloud Build; Cloud Audit Logs record access, and a usage-log bucket would itself need one.
  name                        = "${var.project_id}-keywatch-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  # Old bundles stay (their object names carry their hash), so rolling back is re-applying
  # the previous commit; only the bundles of the last 90 days are kept.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket_object" "bundle" {
  # Named after its content: the same sources give the same zip (scripts/bundle.py is
  # deterministic), so an unchanged bundle does not redeploy the functions.
  name   = "keywatch-functions-${filesha256(var.bundle_path)}.zip"
  bucket = google_storage_bucket.source.name
  source = var.bundle_path
}

# No event_trigger: the push subscriptions in pubsub.tf deliver to these (Cloud Functions sees
# HTTP functions; the functions_framework.cloud_event decorator in main.py makes them
# CloudEvent functions, which tests/infra/test_bundle.py checks).
resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions

  name        = "keywatch-${each.key}"
  location    = var.region
  description = each.value.description

  build_config {
    runtime         = var.python_runtime
    entry_point     = each.key
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.bundle.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.fn[each.key].email
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    timeout_seconds                  = each.value.timeout_s
    min_instance_count               = 0
    max_instance_count               = var.max_instances[each.key]
    max_instance_request_concurrency = each.value.concurrency
    all_traffic_on_latest_revision   = true

    # Internal only: Pub/Sub push in this project is internal traffic (run.app URL); the
    # internet is not. And invoking takes run.invoker, which only the push identity has.
    ingress_settings = "ALLOW_INTERNAL_ONLY"

    # Every function reaches Memorystore (classify and health count in it, notify deduplicates
    # in it): private ranges go through the connector; Google APIs and FCM go direct.
    vpc_connector                 = google_vpc_access_connector.serverless.id
    vpc_connector_egress_settings = "PRIVATE_RANGES_ONLY"

    environment_variables = merge(
      {
        KEYWATCH_PROJECT_ID = var.project_id
        # functions-framework serves THREADS requests at once, 4 per core by default
        # (functions-framework-python#259): with one vCPU that is 4, whatever Cloud Run's
        # concurrency. It is set to the concurrency, so both say the same.
        THREADS = tostring(each.value.concurrency)
      },
      each.value.env,
      # The webhook channel (webhook.tf): notify alone.
      each.key == "notify" ? local.notify_channel_env : {},
    )

    secret_environment_variables {
      key        = "KEYWATCH_REDIS_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.redis_auth.secret_id
      version    = "latest"
    }

    # The webhook's signing secret, for notify when it sends webhooks (webhook.tf). Only then:
    # Cloud Functions refuses a secret that has no version yet.
    dynamic "secret_environment_variables" {
      for_each = each.key == "notify" && local.webhook_enabled ? [google_secret_manager_secret.webhook.secret_id] : []
      content {
        key        = "KEYWATCH_WEBHOOK_SECRET"
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_iam_member.build,
    google_project_iam_member.build_gcf_sources,
    google_storage_bucket_iam_member.build_source,
    google_secret_manager_secret_iam_member.redis_auth,
    google_secret_manager_secret_iam_member.webhook_reader,
    google_secret_manager_secret_version.redis_auth,
  ]
}

# Only the push identity may invoke; no public member is ever granted.
resource "google_cloud_run_service_iam_member" "push_invoker" {
  for_each = local.functions

  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

resource "google_cloud_scheduler_job" "health_tick" {
  name        = local.routes.health.topic
  description = "Fires the health function: a message on the health tick topic."
  region      = var.region
  schedule    = var.health_schedule
  time_zone   = "Etc/UTC"

  # A missed tick is not retried: the next one recomputes everything (runs are stateless).
  retry_config {
    retry_count = 0
  }

  pubsub_target {
    topic_name = google_pubsub_topic.route["health"].id
    data       = base64encode(jsonencode({ source = "cloud-scheduler" }))
    attributes = {
      type = "health_tick"
    }
  }

  depends_on = [google_project_service.enabled]
}
