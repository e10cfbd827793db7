"""The REST API for tenancy, one module per resource."""
