# Memorystore for Redis (notify's dedup locks and daily caps) and the network to reach it.

resource "google_compute_network" "keywatch" {
  name                    = "keywatch"
  auto_create_subnetworks = false

  depends_on = [google_project_service.enabled]
}

# Nothing outside may open a connection into this network; the connector's own rules, which
# Serverless VPC Access adds at a higher priority, still apply.
resource "google_compute_firewall" "deny_ingress" {
  name      = "keywatch-deny-all-ingress"
  network   = google_compute_network.keywatch.id
  direction = "INGRESS"
  priority  = 65534

  deny {
    protocol = "all"
  }

  source_ranges = ["0.0.0.0/0"]

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

# The connector's own /28: only notify sends traffic through it, and only to private ranges.
resource "google_compute_subnetwork" "connector" {
  name                     = "keywatch-connector"
  network                  = google_compute_network.keywatch.id
  region                   = var.region
  ip_cidr_range            = var.connector_cidr
  private_ip_google_access = true

  log_config {
    aggregation_interval = "INTERVAL_5_MIN"
    flow_sampling        = 0.5
    metadata             = "INCLUDE_ALL_METADATA"
  }
}

resource "google_vpc_access_connector" "serverless" {
  name          = "keywatch-connector"
  region        = var.region
  machine_type  = "e2-micro"
  min_instances = 2
  max_instances = 3

  subnet {
    name = google_compute_subnetwork.connector.name
  }
}

resource "google_redis_instance" "dedup" {
  name               = "keywatch-dedup"
  display_name       = "keywatch notification dedup"
  tier               = var.redis_tier
  memory_size_gb     = var.redis_memory_size_gb
  region             = var.region
  redis_version      = var.redis_version
  authorized_network = google_compute_network.keywatch.id
  connect_mode       = "DIRECT_PEERING"

  # AUTH and TLS: clients send the AUTH string (Secret Manager, below) and verify the server
  # against server_ca_certs (notify's KEYWATCH_REDIS_CA_PEM).
  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  # Dedup keys expire by themselves; evicting the oldest first is the safe failure.
  redis_configs = {
    maxmemory-policy = "volatile-ttl"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "TUESDAY"
      start_time {
        hours   = 3
        minutes = 0
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret" "redis_auth" {
  secret_id = "keywatch-redis-auth"

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "redis_auth" {
  secret      = google_secret_manager_secret.redis_auth.id
  secret_data = google_redis_instance.dedup.auth_string
}
