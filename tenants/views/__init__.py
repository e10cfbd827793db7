"""Console pages for tenancy, one module per resource."""
