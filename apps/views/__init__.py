"""Console pages for applications, one module per page group."""
