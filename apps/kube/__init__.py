"""The Kubernetes side of Berth.

Renderers (`labels`, `namespace`, `service`, `deployment`, `manifests`) are pure
functions from Berth's models to manifests. `client`, `applier` and `status` are the
only code that talks to a cluster; they know nothing of requests or users.
"""
