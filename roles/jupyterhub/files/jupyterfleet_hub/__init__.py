"""jupyterfleet's logic inside JupyterHub: settings, profiles, spawners, authenticator.

The jupyterhub role installs this package beside jupyterhub_config.py (mounted into the hub
container at /srv/jupyterhub) and renders the settings it reads, jupyterfleet.json, from the
inventory. jupyterhub_config.py only calls :func:`jupyterfleet_hub.config.configure`.
Unit tests: tests/unit/hub (``make unit``).
"""
