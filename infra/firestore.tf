# Firestore: the database, and the health documents' TTL and unindexed fields.

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

locals {
  firestore_database = "(default)"
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

  database   = local.firestore_database
  collection = each.value.collection
  field      = each.value.field

  index_config {}

  depends_on = [google_firestore_database.default]
}

# A health document not rewritten for 25 hours has had no data for 24: the health run deletes
# it itself, and TTL is the backstop for one the run lost track of (a Memorystore restart).
# TTL deletion runs within about a day of expiry.
resource "google_firestore_field" "ttl" {
  for_each = local.health_doc_groups

  database   = local.firestore_database
  collection = each.value
  field      = "expire_at"

  ttl_config {}

  index_config {}

  depends_on = [google_firestore_database.default]
}
