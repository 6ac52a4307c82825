"""The hub package is unit-tested against the versions the hub image installs."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).parents[3]


def test_requirements_dev_pins_the_hub_images_packages():
    image = yaml.safe_load((ROOT / "roles/images/defaults/main.yml").read_text())
    pins = dict(p.split("==") for p in image["images_hub_python_packages"])
    dev = dict(
        line.split("==")
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for package in ("jupyterhub", "dockerspawner", "jupyterhub-nativeauthenticator"):
        assert dev[package] == pins[package], package
