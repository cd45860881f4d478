# The Pub/Sub topology and the names the code uses, written out for Terraform.
# The source of truth is the code: ops/keywatch_ops/topology.py and shared/keywatch/settings.py.
# tests/infra/test_names.py fails when anything here drifts from it.

locals {
  # notify's function timeout; its pending marker lives twice this (Settings.pending_ttl_s).
  notify_timeout_s = 120

  routes = {
    classify = {
      topic                    = "keywatch-events"
      subscription             = "keywatch-events-classify"
      dead_letter_topic        = "keywatch-events-dead"
      dead_letter_subscription = "keywatch-events-dead-hold"
      filter                   = ""
      max_delivery_attempts    = 5
      ack_deadline_s           = 60
      min_backoff_s            = 10
      max_backoff_s            = 600
    }
    notify = {
      topic                    = "keywatch-alerts"
      subscription             = "keywatch-alerts-notify"
      dead_letter_topic        = "keywatch-alerts-dead"
      dead_letter_subscription = "keywatch-alerts-dead-hold"
      # Only what the user can fix reaches notify; notify re-checks (the emulator ignores filters),
      # and the restorations that turn a key's status ok (KeyRestored).
      filter = "(attributes.source = \"byok\" AND (attributes.reason = \"invalid_key\" OR attributes.reason = \"permission_denied\" OR attributes.reason = \"quota_exhausted\")) OR attributes.type = \"key_restored\""
      # Retried until the alert is stale (KEYWATCH_ALERT_MAX_AGE_S, 6 h): with 10 to 600 s of
      # backoff, 51 attempts span 27,030 s, 6 h and a quarter (topology.py, retry_budget_s), so
      # an FCM outage shorter than the alert's age loses no push.
      max_delivery_attempts = 51
      ack_deadline_s        = 120 # at least local.notify_timeout_s
      min_backoff_s         = 10
      max_backoff_s         = 600
    }
    health = {
      topic                    = "keywatch-health-tick"
      subscription             = "keywatch-health-tick-health"
      dead_letter_topic        = "keywatch-health-tick-dead"
      dead_letter_subscription = "keywatch-health-tick-dead-hold"
      filter                   = ""
      max_delivery_attempts    = 5
      ack_deadline_s           = 600
      min_backoff_s            = 10
      max_backoff_s            = 600
    }
  }

  # Firestore collections (settings.py). The tokens are in (default), the health collections
  # in the health database (firestore.tf).
  collections = {
    provider_health = "provider_health"
    key_health      = "key_health"
    tokens          = "users"
    tokens_sub      = "fcm_tokens"
  }

  # Fields of classify's log entries the metrics read (shared/keywatch/core/logentry.py).
  failure_event = "llm_failure"
  metric_labels = ["source", "reason", "provider"]

  # What every function that uses Memorystore is given: the TLS URL and every CA the
  # instance lists (during a CA rotation, both are valid); the AUTH string comes from Secret
  # Manager (functions.tf). classify and health count in it, notify deduplicates in it.
  redis_url    = "rediss://${google_redis_instance.dedup.host}:${google_redis_instance.dedup.port}/0"
  redis_ca_pem = join("\n", google_redis_instance.dedup.server_ca_certs[*].cert)

  # Each function: its entry point in functions/main.py is its key. `concurrency` is the
  # requests one instance serves at once (Cloud Run's request concurrency; above 1 needs a
  # whole vCPU): classify's handlers spend most of a request waiting on Redis, Pub/Sub and
  # stdout, and every dependency it holds is thread-safe. Sizing: docs/counting.md.
  functions = {
    classify = {
      description = "Classifies each LLM failure, logs it, counts it for health, alerts notify."
      memory      = "512Mi"
      cpu         = "1"
      timeout_s   = 60
      concurrency = 16
      env = {
        KEYWATCH_EVENTS_TOPIC = local.routes.classify.topic
        KEYWATCH_ALERTS_TOPIC = local.routes.notify.topic
        KEYWATCH_REDIS_URL    = local.redis_url
        KEYWATCH_REDIS_CA_PEM = local.redis_ca_pem
      }
    }
    notify = {
      description = "Pushes a user-actionable BYOK failure to the user's devices, once."
      memory      = "512Mi"
      cpu         = "1"
      timeout_s   = local.notify_timeout_s
      # A young alert waits out the incident guard's settle time (15 s, idle, no CPU): 80 at
      # once (Cloud Run's default) keep that from costing an instance each. Its clients are
      # thread-safe; a send's FCM requests run in firebase-admin's own thread pool.
      concurrency = 80
      env = {
        KEYWATCH_ALERTS_TOPIC         = local.routes.notify.topic
        KEYWATCH_TOKENS_COLLECTION    = local.collections.tokens
        KEYWATCH_TOKENS_SUBCOLLECTION = local.collections.tokens_sub
        KEYWATCH_REDIS_URL            = local.redis_url
        KEYWATCH_REDIS_CA_PEM         = local.redis_ca_pem
        # The pending marker's TTL is derived from it (Settings.pending_ttl_s).
        KEYWATCH_NOTIFY_TIMEOUT_S = local.notify_timeout_s
      }
    }
    health = {
      description = "Computes provider, model and key health into Firestore, every minute."
      memory      = "1Gi"
      cpu         = "1"
      timeout_s   = 540
      concurrency = 1
      env = {
        KEYWATCH_HEALTH_TICK_TOPIC          = local.routes.health.topic
        KEYWATCH_PROVIDER_HEALTH_COLLECTION = local.collections.provider_health
        KEYWATCH_KEY_HEALTH_COLLECTION      = local.collections.key_health
        KEYWATCH_REDIS_URL                  = local.redis_url
        KEYWATCH_REDIS_CA_PEM               = local.redis_ca_pem
        # Its own database, the only one kw-health may use (iam.tf); routers read the same
        # name from the health_database output.
        KEYWATCH_HEALTH_DATABASE = local.health_database
        # The models with SLOs of their own (slo.tf) get SLI series of their own.
        KEYWATCH_SLO_MODELS = join(",", local.slo_listed_models)
      }
    }
  }
}
