"""A local Kubernetes control plane with kwok-simulated nodes, for tests and `make run`.

The entry point is `python3 localcluster/cluster.py`; see localcluster/README.md.
Everything here uses the Python standard library only, because it runs before
Berth's virtualenv exists.
"""
