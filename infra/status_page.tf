# The operator's status page: an HTTP function (Cloud Functions gen2), `status_page` in
# functions/main.py, built from the same bundle and runtime as the three Pub/Sub functions
# (functions.tf). GET / is the page, GET /status.json its data (keywatch_functions/status.py).
#
# Not one of local.functions: those are the Pub/Sub routes' functions (topology.tf), each with
# a push subscription, Memorystore and the VPC connector. The status page reads the health
# database and nothing else: no Redis, no connector, no secret.
#
# Private by default: only the members of status_page_viewers may invoke it (run.invoker on its
# Cloud Run service). status_page_public = true lets anyone open it. docs/operations.md,
# "Status page".

resource "google_service_account" "status" {
  account_id   = "kw-status"
  display_name = "keywatch status_page function"
}

# Write logs: no resource narrower than the project.
resource "google_project_iam_member" "status_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.status.member
}

# Read the health documents, in the health database only: never the device tokens in
# (default). A database is the narrowest a Firestore grant can name (iam.tf, at the top).
resource "google_project_iam_member" "status_health_viewer" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = google_service_account.status.member

  condition {
    title       = "keywatch status page: health database only"
    description = "Read the health documents, ${local.health_database}, and no other Firestore database."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${local.health_database}\""
  }
}

locals {
  # The names it reads, as the health function writes them (settings.py). The health thresholds
  # (KEYWATCH_HEALTH_MIN_REQUESTS, _DEGRADED_RATE, _DOWN_RATE) are not set: the health function
  # is not given them either (topology.tf), so both use the code's defaults and agree.
  status_page_env = {
    KEYWATCH_PROJECT_ID                 = var.project_id
    KEYWATCH_HEALTH_DATABASE            = local.health_database
    KEYWATCH_PROVIDER_HEALTH_COLLECTION = local.collections.provider_health
    KEYWATCH_PROVIDER_DAYS_COLLECTION   = "provider_days"
    KEYWATCH_INCIDENTS_COLLECTION       = local.health_doc_groups.incidents
  }
}

resource "google_cloudfunctions2_function" "status_page" {
  # checkov:skip=CKV_GCP_124:The status page is opened from an operator's browser, on the internet; who may call it is decided by run.invoker (status_page_viewers, or allUsers only when status_page_public), not by ingress.
  name        = "keywatch-status-page"
  location    = var.region
  description = "The operator's status page: provider health, daily availability and incidents."

  # As the other functions' (functions.tf): the same bundle, runtime and build identity.
  build_config {
    runtime         = var.python_runtime
    entry_point     = "status_page"
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.bundle.name
      }
    }
  }

  service_config {
    service_account_email = google_service_account.status.email
    # 256 MiB gets a fraction of a vCPU (Cloud Run derives it from the memory), and below one
    # vCPU Cloud Run serves one request per instance. A burst costs one Firestore read per
    # instance and 30 s (status.py's DocsCache).
    available_memory                 = "256Mi"
    timeout_seconds                  = 30
    min_instance_count               = 0
    max_instance_count               = var.status_page_max_instances
    max_instance_request_concurrency = 1
    all_traffic_on_latest_revision   = true

    # Reachable from the internet, so that a browser can open it; invoking it still takes
    # run.invoker (below) unless status_page_public.
    ingress_settings = "ALLOW_ALL"

    environment_variables = merge(local.status_page_env, {
      # functions-framework's threads, as the others: its concurrency.
      THREADS = "1"
    })
  }

  depends_on = [
    google_project_iam_member.build,
    google_project_iam_member.build_gcf_sources,
    google_storage_bucket_iam_member.build_source,
    google_project_iam_member.status_health_viewer,
  ]
}

# Who may open it, always: the operators' groups or accounts (status_page_viewers).
resource "google_cloud_run_service_iam_member" "status_page_viewer" {
  for_each = toset(var.status_page_viewers)

  location = var.region
  service  = google_cloudfunctions2_function.status_page.name
  role     = "roles/run.invoker"
  member   = each.value
}

# Anyone, only when status_page_public is set. The page shows provider health and incidents,
# no key, fingerprint, user or token (keywatch/core/statuspage.py).
resource "google_cloud_run_service_iam_member" "status_page_public" {
  # checkov:skip=CKV_GCP_102:Created only when status_page_public is set (default false): a deliberate choice to publish the status page, which shows provider health and incidents, never a key, fingerprint, user or token.
  count = var.status_page_public ? 1 : 0

  location = var.region
  service  = google_cloudfunctions2_function.status_page.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
