"""HTTP routes, one module per resource, each exporting `routes`."""
