"""Adapters: each cloud service behind a port, named by technology. Imported only by bootstrap."""
