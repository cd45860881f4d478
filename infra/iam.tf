# One service account per function, each with only what its function does:
#   classify: write logs, publish to the alerts topic (pubsub.tf); it counts in Memorystore
#   notify:   write logs, read and delete device tokens in the (default) database, send FCM
#   health:   write logs, write health documents in the health database
# Each reads the Redis AUTH secret (Redis itself is reached over the VPC connector).
#
# Firestore: no predefined role is narrower than datastore.user for reads and writes (or
# datastore.viewer for reads), and Firestore has no per-database IAM policy to bind them on, so
# they are granted on the project with an IAM condition naming one database. That is the
# narrowest scope there is: Firestore's IAM conditions see the database
# (resource.type "firestore.googleapis.com/Database", resource.name
# "projects/<project>/databases/<database>"), never a collection or a document path
# ("Firestore IAM", https://cloud.google.com/firestore/docs/security/iam, "IAM Conditions";
# https://cloud.google.com/iam/docs/conditions-resource-attributes). Hence the health
# documents' own database (firestore.tf): a grant on it reaches no device token.

resource "google_service_account" "fn" {
  for_each = local.functions

  account_id   = "kw-${each.key}"
  display_name = "keywatch ${each.key} function"
}

# Pub/Sub pushes into the functions as this identity; it may invoke them and nothing else.
resource "google_service_account" "push" {
  account_id   = "kw-push"
  display_name = "keywatch Pub/Sub push identity"
}

# Cloud Build builds the function images as this identity, not the default compute account.
resource "google_service_account" "build" {
  account_id   = "kw-build"
  display_name = "keywatch function builds"
}

resource "google_project_iam_custom_role" "fcm_sender" {
  role_id     = "keywatchFcmSender"
  title       = "keywatch FCM sender"
  description = "Send FCM messages (HTTP v1 messages:send) and nothing else."
  permissions = ["cloudmessaging.messages.create"]
}

locals {
  # Roles with no resource to narrow them to (logs, FCM sends). Firestore roles are below.
  function_roles = {
    classify = ["roles/logging.logWriter"] # it counts in Memorystore, not Firestore
    notify   = ["roles/logging.logWriter", google_project_iam_custom_role.fcm_sender.id]
    # health exports the providers' availability SLI (adapters/monitoring.py, slo.tf).
    health = ["roles/logging.logWriter", "roles/monitoring.metricWriter"]
  }
  function_role_pairs = merge([
    for fn, roles in local.function_roles : { for role in roles : "${fn} ${role}" => { fn = fn, role = role } }
  ]...)
}

resource "google_project_iam_member" "fn" {
  for_each = local.function_role_pairs

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.fn[each.value.fn].member
}

# Each function that uses Firestore may use one database: notify the tokens in (default) (it
# reads them, and deletes those FCM reports dead), health its own database (it writes the
# health documents). Neither can reach the other's.
locals {
  function_databases = {
    notify = { database = local.tokens_database, what = "device tokens" }
    health = { database = local.health_database, what = "health documents" }
  }
}

resource "google_project_iam_member" "fn_firestore" {
  for_each = local.function_databases

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.fn[each.key].member

  condition {
    title       = "keywatch ${each.key}: one Firestore database"
    description = "Only the ${each.value.what} database, ${each.value.database}."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${each.value.database}\""
  }
}

# Each function reads the Memorystore AUTH string; notify also reads the webhook's signing secret
# (webhook.tf), and no function any other secret.
resource "google_secret_manager_secret_iam_member" "redis_auth" {
  for_each = local.functions

  secret_id = google_secret_manager_secret.redis_auth.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn[each.key].member
}

# For projects made before April 2021, Pub/Sub's service agent must be able to mint the push
# identity's OIDC tokens. Granted on that one account only.
resource "google_service_account_iam_member" "push_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

# What kw-build needs to build the functions ("Custom Service Account for Cloud Build",
# https://cloud.google.com/functions/docs/securing/build-custom-sa): write build logs, push the
# image to Artifact Registry, read the source. Not storage.objectAdmin on the project, which
# would reach every bucket, the Terraform state's (and the Redis AUTH string in it) included.
#
# Project-wide, as nothing narrower exists in infra/: logs have no finer resource, and the image
# goes to Artifact Registry's gcf-artifacts repository, which Cloud Functions creates itself
# (build_config sets no docker_repository). Scoping artifactregistry.writer to one repository
# would mean declaring that repository here (and google_artifact_registry_repository is not in
# tests/infra/google_provider_schema.json yet).
resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
  ])

  project = var.project_id
  role    = each.value
  member  = google_service_account.build.member
}

# Reading the source needs objectViewer, not objectAdmin: the build only downloads it (a
# failed fetch asks for "Storage Object Viewer"; GoogleCloudPlatform/terraform-google-cloud-functions
# lists storage.objectViewer as the build account's minimum). Two buckets hold it:
#
# - ours, where Terraform uploads the bundle (functions.tf): a grant on that bucket only;
# - gcf-v2-sources-<project number>-<region>, where Cloud Functions copies the source and
#   from which the build fetches it ("Build process overview",
#   https://cloud.google.com/functions/docs/building). Google makes and manages that bucket,
#   in this project, when the first function is deployed, so it cannot be granted on before it
#   exists: objectViewer is granted on the project with a condition naming that one bucket and
#   its objects (Cloud Storage names: projects/_/buckets/<bucket>[/objects/<object>],
#   https://cloud.google.com/iam/docs/conditions-resource-attributes).
locals {
  gcf_sources_bucket = "projects/_/buckets/gcf-v2-sources-${data.google_project.this.number}-${var.region}"
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

resource "google_project_iam_member" "build_gcf_sources" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = google_service_account.build.member

  condition {
    title       = "keywatch build: gcf-v2-sources only"
    description = "Read the function source Cloud Functions copies into its own bucket, and no other bucket."
    expression  = "resource.name == \"${local.gcf_sources_bucket}\" || resource.name.startsWith(\"${local.gcf_sources_bucket}/objects/\")"
  }
}

# Routers read provider and key health, in the health database only: not the device tokens
# (users/*/fcm_tokens) in (default). See the top of this file for why a database is the
# narrowest a Firestore grant can name.
resource "google_project_iam_member" "health_reader" {
  for_each = toset(var.health_reader_members)

  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = each.value

  condition {
    title       = "keywatch routers: health database only"
    description = "Read the health documents, ${local.health_database}, and no other Firestore database."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${local.health_database}\""
  }
}

# Operators look at dead letters and replay them (`keywatch dlq peek|replay`): they pull from
# every route's hold subscription, and publish back to the original topic of the events and
# health-tick routes only.
#
# Never to the alerts topic: a message there is a push to a user's devices, and only classify
# may publish one (pubsub.tf). An operator who could publish there could push any alert to any
# user. The alerts route's dead letters are peeked at and drained, not replayed: an alert
# dead-lettered after its 51 attempts (6 h and more) is stale (KEYWATCH_ALERT_MAX_AGE_S), and the
# failure it was about is counted and logged already. infra/README.md, "Access".
locals {
  operator_replay_routes = ["classify", "health"] # route keys: keywatch-events, keywatch-health-tick
}

resource "google_pubsub_subscription_iam_member" "operator_hold" {
  for_each = { for pair in setproduct(keys(local.routes), var.operator_members) : "${pair[0]} ${pair[1]}" => { route = pair[0], member = pair[1] } }

  subscription = google_pubsub_subscription.dead_letter_hold[each.value.route].id
  role         = "roles/pubsub.subscriber"
  member       = each.value.member
}

resource "google_pubsub_topic_iam_member" "operator_replay" {
  for_each = { for pair in setproduct(local.operator_replay_routes, var.operator_members) : "${pair[0]} ${pair[1]}" => { route = pair[0], member = pair[1] } }

  topic  = google_pubsub_topic.route[each.value.route].id
  role   = "roles/pubsub.publisher"
  member = each.value.member
}
