variable "project_id" {
  description = "The Google Cloud project keywatch runs in (one project per environment)."
  type        = string
}

variable "region" {
  description = "Region of the functions, Scheduler, Memorystore and the VPC connector."
  type        = string
  default     = "europe-west1"
}

variable "environment" {
  description = "Environment name, used in labels (dev, staging, prod)."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.environment))
    error_message = "environment: lower-case letters, digits and dashes, at most 21 characters."
  }
}

variable "bundle_path" {
  description = "The function bundle built by `make bundle` (scripts/bundle.py)."
  type        = string
  default     = "../dist/keywatch-functions.zip"
}

variable "python_runtime" {
  description = "Cloud Functions runtime; the same Python the tests and the bundle check run on."
  type        = string
  default     = "python311"
}

variable "firestore_location" {
  description = "Firestore location (a multi-region such as eur3 or nam5, or a region)."
  type        = string
  default     = "eur3"
}

variable "create_firestore_database" {
  description = <<-EOT
    Create the (default) Firestore database, where the app's device tokens live. Set false when
    the app's Firebase project already has one: keywatch then only lets notify use it.
  EOT
  type        = bool
  default     = true
}

variable "health_database" {
  description = <<-EOT
    The Firestore database of the health documents, apart from the device tokens in (default) so
    that the routers can be granted the one without the other (KEYWATCH_HEALTH_DATABASE).
  EOT
  type        = string
  default     = "keywatch-health"

  # Firestore database ids: 4 to 63 characters, lower-case letters, digits and dashes, starting
  # with a letter and not ending with a dash (https://cloud.google.com/firestore/docs/manage-databases).
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.health_database))
    error_message = "health_database: 4 to 63 lower-case letters, digits and dashes, starting with a letter, not ending with a dash."
  }
}

variable "health_schedule" {
  description = "Cloud Scheduler cron for the health run."
  type        = string
  default     = "* * * * *"
}

variable "redis_tier" {
  description = "Memorystore tier: STANDARD_HA keeps the dedup locks through a zone failure."
  type        = string
  default     = "STANDARD_HA"
}

variable "redis_memory_size_gb" {
  description = "Memorystore size: the counting store and notify's locks; sizing in docs/counting.md."
  type        = number
  default     = 5
}

variable "redis_version" {
  description = "Memorystore Redis version."
  type        = string
  default     = "REDIS_7_2"
}

variable "connector_cidr" {
  description = "An unused /28 in the keywatch VPC for the Serverless VPC Access connector."
  type        = string
  default     = "10.8.0.0/28"
}

variable "max_instances" {
  description = "Upper bound of instances per function."
  type        = map(number)
  default = {
    classify = 20
    notify   = 10
    health   = 1
  }
}

variable "publisher_members" {
  description = "Who may publish to the events topic: the backend's service accounts (serviceAccount:...)."
  type        = list(string)
  default     = []
}

variable "health_reader_members" {
  description = "Who may read provider and key health (the health database only): the routers' service accounts."
  type        = list(string)
  default     = []
}

variable "notification_channels" {
  description = "Cloud Monitoring notification channel ids the alert policies notify."
  type        = list(string)
  default     = []
}

variable "ticket_notification_channels" {
  description = "Where ticket-level alerts go (the SLO ticket, the platform-keys alert): a queue read in working hours. Empty: notification_channels."
  type        = list(string)
  default     = []
}

variable "platform_failure_rate_threshold" {
  description = "Open a ticket when the platform's own keys fail more than this many times per second, over 5 minutes, for one provider (it no longer pages: docs/operations.md, \"Alerts\")."
  type        = number
  default     = 0.2
}

variable "operator_members" {
  description = "Who may replay dead letters of the events and health-tick routes, and peek at every route's: the SREs' groups (group:...)."
  type        = list(string)
  default     = []
}

variable "runbook_url" {
  description = "Where the alerts' documentation links: docs/operations.md as your team hosts it."
  type        = string
  default     = "docs/operations.md"
}

# --- SLOs (slo.tf): the providers' availability, as the health run exports it ---------------

variable "slo_providers" {
  description = "Providers with an availability SLO (the `provider` label of custom.googleapis.com/keywatch/provider_attempts)."
  type        = list(string)
  default     = ["openai", "anthropic", "gemini", "openrouter", "groq", "bedrock"]

  validation {
    condition     = alltrue([for p in var.slo_providers : can(regex("^[a-z0-9][a-z0-9-]*$", p))])
    error_message = "slo_providers: lower-case letters, digits and dashes, as classify names providers."
  }
}

variable "slo_models" {
  description = "Models with an SLO of their own, besides their provider's: the health run must export them too (its `slo_models`, \"provider/model\")."
  type = list(object({
    provider = string
    model    = string
  }))
  default = []

  # Each becomes a service id (slo.tf, local.slo_services): two models that differ only in
  # punctuation would collide.
  validation {
    condition = length(distinct([
      for m in var.slo_models : trim(lower(replace("${m.provider}-${m.model}", "/[^a-zA-Z0-9]+/", "-")), "-")
    ])) == length(var.slo_models)
    error_message = "slo_models: two entries map to the same service id (they differ only in case or punctuation)."
  }
}

variable "slo_target" {
  description = "The availability SLO's goal: the fraction of attempts not held against the provider."
  type        = number
  default     = 0.995

  validation {
    condition     = var.slo_target > 0.9 && var.slo_target < 1
    error_message = "slo_target: strictly between 0.9 and 1."
  }
}

variable "slo_rolling_days" {
  description = "The SLO's rolling compliance period, in days."
  type        = number
  default     = 28

  # Cloud Monitoring accepts a rolling period of 1 to 30 days (ServiceLevelObjective.rolling_period).
  validation {
    condition     = var.slo_rolling_days >= 1 && var.slo_rolling_days <= 30 && floor(var.slo_rolling_days) == var.slo_rolling_days
    error_message = "slo_rolling_days: a whole number of days, 1 to 30."
  }
}

variable "runbook_base_url" {
  description = "docs/slo.md as your team reads it: the SLO alerts link its #fast-burn-page, #slow-burn-page and #ticket sections."
  type        = string
  default     = "https://github.com/keywatch/keywatch/blob/main/docs/slo.md"
}

# --- The status page (status_page.tf) ---------------------------------------------------------

variable "status_page_max_instances" {
  description = "Upper bound of the status page function's instances (one request each at a time)."
  type        = number
  default     = 3

  validation {
    condition     = var.status_page_max_instances >= 1 && floor(var.status_page_max_instances) == var.status_page_max_instances
    error_message = "status_page_max_instances: a whole number, at least 1."
  }
}

variable "status_page_public" {
  description = "Let anyone open the status page (run.invoker for allUsers). Default: only status_page_viewers."
  type        = bool
  default     = false
}

variable "status_page_viewers" {
  description = "Who may open the status page (run.invoker on it): the operators' groups or accounts (group:..., user:..., serviceAccount:...)."
  type        = list(string)
  default     = []

  # Public access is status_page_public's, so that it is one explicit switch.
  validation {
    condition     = alltrue([for m in var.status_page_viewers : can(regex("^(user|group|serviceAccount|domain|principal|principalSet):.+", m))])
    error_message = "status_page_viewers: IAM members such as group:sre@example.com; for allUsers set status_page_public."
  }
}
