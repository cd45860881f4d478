output "events_topic" {
  description = "Where the backend publishes failures and tallies (KEYWATCH_EVENTS_TOPIC)."
  value       = google_pubsub_topic.route["classify"].id
}

output "topics" {
  description = "Every topic, by route."
  value       = { for k, t in google_pubsub_topic.route : k => t.id }
}

output "dead_letter_subscriptions" {
  description = "Where dead letters wait for `keywatch dlq replay`."
  value       = { for k, s in google_pubsub_subscription.dead_letter_hold : k => s.id }
}

output "function_uris" {
  description = "The functions' internal URLs (not publicly invokable)."
  value       = { for k, f in google_cloudfunctions2_function.fn : k => f.service_config[0].uri }
}

output "function_service_accounts" {
  description = "Each function's identity."
  value       = { for k, sa in google_service_account.fn : k => sa.email }
}

output "redis_host" {
  description = "Memorystore host (TLS on redis_port)."
  value       = google_redis_instance.dedup.host
}

output "redis_port" {
  value = google_redis_instance.dedup.port
}

output "bundle_object" {
  description = "The deployed bundle, named after its sha256."
  value       = google_storage_bucket_object.bundle.name
}

output "fingerprint_secret" {
  description = "The secret the backend and the routers read as KEYWATCH_FINGERPRINT_SECRET."
  value       = google_secret_manager_secret.fingerprint.id
}

output "health_database" {
  description = "The Firestore database of the health documents: the routers' KEYWATCH_HEALTH_DATABASE (HealthReader(database=...))."
  value       = google_firestore_database.health.name
}

output "status_page_url" {
  description = "The status page (GET /, and /status.json): open it with an identity token or `gcloud run services proxy` unless status_page_public."
  value       = google_cloudfunctions2_function.status_page.service_config[0].uri
}
