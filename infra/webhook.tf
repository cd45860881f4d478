# The webhook channel (docs/webhook.md): besides or instead of FCM pushes, notify POSTs each
# alert to the app's own backend as a Standard Webhook, signed with a secret the backend shares.
#
# notify reads the signing secret as KEYWATCH_WEBHOOK_SECRET. Terraform makes the secret and
# lets notify read it; its value is added once, out of band, so that it never sits in the
# Terraform state, and before notify_channels is set to webhook or both (Cloud Functions will
# not deploy a function whose secret has no version):
#   echo -n "whsec_$(openssl rand -base64 32)" | gcloud secrets versions add keywatch-webhook-secret --data-file=-
# The app's backend verifies with the same value (docs/webhook.md, "Verifying").

variable "notify_channels" {
  description = "How notify tells a user: fcm (pushes to their devices), webhook (a signed POST to webhook_url), or both (KEYWATCH_NOTIFY_CHANNELS)."
  type        = string
  default     = "fcm"

  validation {
    condition     = contains(["fcm", "webhook", "both"], var.notify_channels)
    error_message = "notify_channels: fcm, webhook or both."
  }
}

variable "webhook_url" {
  description = "The app's webhook endpoint, https:// only (KEYWATCH_WEBHOOK_URL). Needed when notify_channels is webhook or both."
  type        = string
  default     = ""

  validation {
    condition     = var.webhook_url == "" || can(regex("^https://[^/?#@[:space:]]+", var.webhook_url))
    error_message = "webhook_url: an https:// URL without credentials, or empty."
  }
}

locals {
  webhook_enabled = var.notify_channels != "fcm"

  # notify's environment for its channels; functions.tf merges it into notify's alone.
  notify_channel_env = {
    KEYWATCH_NOTIFY_CHANNELS = var.notify_channels
    KEYWATCH_WEBHOOK_URL     = var.webhook_url
  }
}

resource "google_secret_manager_secret" "webhook" {
  secret_id = "keywatch-webhook-secret"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

# notify alone reads it: the other functions never send a webhook.
resource "google_secret_manager_secret_iam_member" "webhook_reader" {
  secret_id = google_secret_manager_secret.webhook.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.fn["notify"].member

  lifecycle {
    # Here rather than in webhook_url's validation, which may not name another variable before
    # Terraform 1.9 (versions.tf allows 1.5).
    precondition {
      condition     = !local.webhook_enabled || var.webhook_url != ""
      error_message = "notify_channels is ${var.notify_channels}: set webhook_url to the app's https:// endpoint."
    }
  }
}
