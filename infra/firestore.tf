# Firestore: two databases, and the health documents' TTL and unindexed fields.
#
# The device tokens (users/*/fcm_tokens) live in the app's (default) database; the health
# documents live in a database of their own. Firestore's IAM conditions stop at the database
# (see iam.tf): a grant cannot name a collection or a document path, so the only way to let
# the routers read health without letting them read device tokens is to keep the two in
# different databases.

resource "google_firestore_database" "default" {
  count = var.create_firestore_database ? 1 : 0

  name                              = "(default)"
  location_id                       = var.firestore_location
  type                              = "FIRESTORE_NATIVE"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.enabled]
}

# Same location, type and protections as (default). health writes it, routers read it, nothing
# else is granted on it. The health function and the routers find it by KEYWATCH_HEALTH_DATABASE
# (topology.tf, outputs.tf).
resource "google_firestore_database" "health" {
  name                              = var.health_database
  location_id                       = var.firestore_location
  type                              = "FIRESTORE_NATIVE"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.enabled]
}

locals {
  tokens_database = "(default)"
  health_database = google_firestore_database.health.name
}

# The health documents routers read. Counting happens in Memorystore; health writes each
# document at most once a run (once a minute) and only when its content changed, inside
# Firestore's sustained one write per second per document.
#
# Timestamps written in increasing order (as_of, expire_at, last_error_at, last_success_at)
# would make their single-field indexes a hot spot past about 500 writes/s ("Best practices:
# high read, write, and delete rates to a narrow document range",
# https://cloud.google.com/firestore/docs/best-practices), and nothing queries them: they are
# not indexed. Document ids are key fingerprints (random hex) and provider or model names,
# never sequential.
locals {
  health_doc_groups = {
    provider_health = local.collections.provider_health
    key_health      = local.collections.key_health
    models          = "models" # provider_health/*/models and key_health/*/models
    # provider_days/{provider}/days/{date}: a provider's day, kept 100 days (core/daily.py)
    days = "days"
    # incidents/{id}: the suspected provider incidents the status page shows, kept 8 days
    incidents = "incidents"
  }
  unindexed_timestamps = merge([
    for group, collection in local.health_doc_groups : {
      for field in ["as_of", "last_error_at", "last_success_at"] :
      "${group} ${field}" => { collection = collection, field = field }
    }
  ]...)
}

resource "google_firestore_field" "unindexed" {
  for_each = local.unindexed_timestamps

  database   = local.health_database
  collection = each.value.collection
  field      = each.value.field

  index_config {}
}

# A health document not rewritten for 25 hours has had no data for 24: the health run deletes
# it itself, and TTL is the backstop for one the run lost track of (a Memorystore restart).
# TTL deletion runs within about a day of expiry.
resource "google_firestore_field" "ttl" {
  for_each = local.health_doc_groups

  database   = local.health_database
  collection = each.value
  field      = "expire_at"

  ttl_config {}

  index_config {}
}
