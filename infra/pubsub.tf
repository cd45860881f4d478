# Topics, push subscriptions into the functions, and dead letters.
#
# The functions are deployed without an Eventarc trigger: Eventarc's own subscription can take
# neither a filter nor a dead-letter policy from Terraform. Each function instead gets a push
# subscription declared here, exactly as ops/keywatch_ops/topology.py declares it, pushing with
# an OIDC token to the function's internal-only URL.

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "route" {
  # checkov:skip=CKV_GCP_83:No secret is ever published (keys travel as fingerprints, messages are scrubbed); Google-managed encryption at rest applies, and a CMEK would make every publish depend on a KMS key.
  for_each = local.routes

  name                       = each.value.topic
  message_retention_duration = "86400s" # a day to seek back and replay after an incident

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "dead_letter" {
  # checkov:skip=CKV_GCP_83:No secret is ever published (keys travel as fingerprints, messages are scrubbed); Google-managed encryption at rest applies, and a CMEK would make every publish depend on a KMS key.
  for_each = local.routes

  name                       = each.value.dead_letter_topic
  message_retention_duration = "604800s"

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription" "push" {
  for_each = local.routes

  name                 = each.value.subscription
  topic                = google_pubsub_topic.route[each.key].id
  filter               = each.value.filter
  ack_deadline_seconds = each.value.ack_deadline_s

  retry_policy {
    minimum_backoff = "${each.value.min_backoff_s}s"
    maximum_backoff = "${each.value.max_backoff_s}s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.key].id
    max_delivery_attempts = each.value.max_delivery_attempts
  }

  push_config {
    push_endpoint = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    }
  }

  expiration_policy {
    ttl = "" # never expire for inactivity: a quiet topic must not lose its subscription
  }

  depends_on = [google_cloud_run_service_iam_member.push_invoker]
}

# Pub/Sub drops what reaches a topic with no subscription: each dead-letter topic keeps its
# messages here, for `keywatch dlq peek|replay` (docs/operations.md).
resource "google_pubsub_subscription" "dead_letter_hold" {
  for_each = local.routes

  name                       = each.value.dead_letter_subscription
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s" # the maximum: a week to notice and replay
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering is done by the Pub/Sub service agent: it must publish to the dead-letter
# topic and acknowledge on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = local.routes

  topic  = google_pubsub_topic.dead_letter[each.key].id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.routes

  subscription = google_pubsub_subscription.push[each.key].id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# The backend publishes failures and tallies; classify publishes alerts. Nobody else.
resource "google_pubsub_topic_iam_member" "events_publisher" {
  for_each = toset(var.publisher_members)

  topic  = google_pubsub_topic.route["classify"].id
  role   = "roles/pubsub.publisher"
  member = each.value
}

resource "google_pubsub_topic_iam_member" "alerts_publisher" {
  topic  = google_pubsub_topic.route["notify"].id
  role   = "roles/pubsub.publisher"
  member = google_service_account.fn["classify"].member
}
