terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source = "hashicorp/google"
      # tests/infra checks every resource against this provider's schema (6.50.0), offline.
      version = "~> 6.50"
    }
  }

  # State lives in a GCS bucket made once per project (docs/operations.md, "Deploy from zero"):
  #   terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=keywatch/<env>"
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app         = "keywatch"
    environment = var.environment
  }
}

data "google_project" "this" {
  project_id = var.project_id
}
