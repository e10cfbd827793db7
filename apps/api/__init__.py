"""The REST API for applications, releases and instances."""
