# terraform plan -var-file=environments/dev.tfvars -var=project_id=<dev project>
environment           = "dev"
region                = "europe-west1"
firestore_location    = "eur3"
redis_tier            = "BASIC" # no replica: a lost dedup lock in dev means, at worst, a second push
health_schedule       = "* * * * *"
publisher_members     = []
health_reader_members = []
operator_members      = []
notification_channels = []
max_instances = {
  classify = 5
  notify   = 3
  health   = 1
}
