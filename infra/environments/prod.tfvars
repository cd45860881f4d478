# terraform plan -var-file=environments/prod.tfvars -var=project_id=<prod project>
environment        = "prod"
region             = "europe-west1"
firestore_location = "eur3"
redis_tier         = "STANDARD_HA"
health_schedule    = "* * * * *"
# Fill in: the backend's and the routers' service accounts, the SRE group, and the channels
# alerts go to (projects/<project>/notificationChannels/<id>).
publisher_members     = []
health_reader_members = []
operator_members      = []
notification_channels = []
max_instances = {
  classify = 20
  notify   = 10
  health   = 1
}
