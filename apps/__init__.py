"""Applications: their releases, their state on the cluster, and the Kubernetes side."""
