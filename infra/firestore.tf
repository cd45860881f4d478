# Firestore: the database, the index the health run needs, and TTL on raw data.

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

# health reads its buckets one shard at a time: shard == s AND minute >= since
# (FirestoreHealthStore.buckets_since). An equality and a range on two fields need this index.
resource "google_firestore_index" "buckets_by_shard_minute" {
  database    = local.firestore_database
  collection  = local.collections.buckets
  query_scope = "COLLECTION"

  fields {
    field_path = "shard"
    order      = "ASCENDING"
  }

  fields {
    field_path = "minute"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# Raw events (idempotency markers) and minute buckets expire by themselves: classify sets
# expire_at (raw_ttl_s, 26 hours: the longest health window plus margin). TTL deletion runs
# within about a day of expiry; nothing reads these documents past their window.
resource "google_firestore_field" "ttl" {
  for_each = toset([local.collections.raw_events, local.collections.buckets])

  database   = local.firestore_database
  collection = each.value
  field      = "expire_at"

  ttl_config {}

  # No single-field index on a timestamp written in increasing order: it would be a write
  # hot spot, and nothing queries it.
  index_config {}

  depends_on = [google_firestore_database.default]
}
