# The fingerprint secret. Keys travel as fingerprints, HMAC-SHA256 under this secret
# (shared/keywatch/fingerprint.py): without it, someone who holds a key cannot find its owner
# in the logs or in Firestore. The backend (it reports) and the routers (they look keys up)
# read it as KEYWATCH_FINGERPRINT_SECRET; the functions never fingerprint, so they do not.
#
# Terraform makes the secret and says who may read it. Its value is added once, out of band,
# so that it never sits in the Terraform state (docs/operations.md, "Deploy from zero"):
#   openssl rand -hex 32 | gcloud secrets versions add keywatch-fingerprint-secret --data-file=-
resource "google_secret_manager_secret" "fingerprint" {
  secret_id = "keywatch-fingerprint-secret"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_iam_member" "fingerprint_reader" {
  for_each = toset(distinct(concat(var.publisher_members, var.health_reader_members)))

  secret_id = google_secret_manager_secret.fingerprint.id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value
}
