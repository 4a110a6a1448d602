"""BottleCRM (PyPI django-crm 1.35.0) as a peer in Tandem's benchmark: installed in its own
virtual environment (setup.py), loaded with Tandem's data set (load.py), served (serve.py) and
described scenario by scenario (adapter.py, whose `target` the runner calls). Nothing of
BottleCRM's code is part of Tandem; its runtime state lives under bench/var/peers/bottlecrm/."""

from bench.peers.bottlecrm.adapter import NAME, build_requests, target

__all__ = ["NAME", "build_requests", "target"]
