"""The `keywatch` command and the local stack: for operators and developers, not backends."""
