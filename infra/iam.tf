# One service account per function, each with only what its function does:
#   classify: write logs, publish to the alerts topic (pubsub.tf); it counts in Memorystore
#   notify:   write logs, read and delete device tokens in Firestore, send FCM
#   health:   write logs, write health documents in Firestore
# Each reads the Redis AUTH secret (Redis itself is reached over the VPC connector).
# Firestore has no narrower predefined role than datastore.user for reads and writes.

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
  function_roles = {
    classify = ["roles/logging.logWriter"] # it counts in Memorystore, not Firestore
    notify   = ["roles/logging.logWriter", "roles/datastore.user", google_project_iam_custom_role.fcm_sender.id]
    health   = ["roles/logging.logWriter", "roles/datastore.user"]
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

# Each function reads the Memorystore AUTH string, and no other secret.
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

# What a custom build account needs, per "Custom Service Account for Cloud Build"
# (cloud.google.com/functions/docs/securing/build-custom-sa): build logs, the image in Artifact
# Registry, and the source, which Cloud Functions copies into its own gcf-v2-sources bucket.
resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
    "roles/storage.objectAdmin",
  ])

  project = var.project_id
  role    = each.value
  member  = google_service_account.build.member
}

# Routers read provider and key health.
resource "google_project_iam_member" "health_reader" {
  for_each = toset(var.health_reader_members)

  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = each.value
}

# Operators replay dead letters (`keywatch dlq replay`): pull from the hold subscriptions,
# publish to the original topics.
resource "google_pubsub_subscription_iam_member" "operator_hold" {
  for_each = { for pair in setproduct(keys(local.routes), var.operator_members) : "${pair[0]} ${pair[1]}" => { route = pair[0], member = pair[1] } }

  subscription = google_pubsub_subscription.dead_letter_hold[each.value.route].id
  role         = "roles/pubsub.subscriber"
  member       = each.value.member
}

resource "google_pubsub_topic_iam_member" "operator_replay" {
  for_each = { for pair in setproduct(keys(local.routes), var.operator_members) : "${pair[0]} ${pair[1]}" => { route = pair[0], member = pair[1] } }

  topic  = google_pubsub_topic.route[each.value.route].id
  role   = "roles/pubsub.publisher"
  member = each.value.member
}
