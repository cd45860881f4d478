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

variable "platform_failure_rate_threshold" {
  description = "Alert when the platform's own keys fail more than this many times per second, over 5 minutes, for one provider."
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
