# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

import copy

import pytest
from ansible_collections.jupyterfleet.hub.plugins.module_utils._preflight import problems

BASE = {
    "mode": "swarm",
    "calc_label": "calculation_type",
    "hosts": [
        {"name": "mgr", "role": "manager", "gpus": [], "labels": {}},
        {"name": "gpu1", "role": "worker", "gpus": ["G0", "G1"], "labels": {"rack": "a"}},
        {"name": "cpu1", "role": "worker", "gpus": None, "labels": {}},
    ],
    "raw_profiles": [
        {"name": "cpu", "image": "nb:1", "constraints": ["node.labels.calculation_type==cpu"]},
        {"name": "gpu", "image": "nb:1", "constraints": {"calculation_type": "gpu"}, "gpus": 2},
    ],
    "profile_defaults": {},
    "seed_constraint_images": "",
    "seed_constraint_with_gpus": "",
    "hub": {
        "port": 8000,
        "hub_port": 8081,
        "proxy_api_port": 8001,
        "admin_users": ["admin"],
        "db_url": "",
        "ssl_key": "",
        "ssl_cert": "",
        "environment": {},
    },
    "storage": {
        "type": "nfs4",
        "nfs_host": "",
        "nfs_server": True,
        "nfs_export": "/srv/n",
        "bind_root": "/srv/u",
    },
}


def case(**changes):
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        keys = path.split("__")
        target = data
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[keys[-1]] = value
    return data


def test_a_consistent_fleet_has_no_problem():
    assert problems(BASE) == []


def test_a_host_detected_at_run_time_may_be_a_gpu_node():
    data = case(hosts__1__gpus=[])  # only cpu1 (detection) may have GPUs now
    assert problems(data) == []


GOOD = [
    {
        "mode": "single",
        "storage__type": "local",
        "hosts": BASE["hosts"][:1],
        "raw_profiles": [{"name": "cpu", "image": "nb:1"}],
    },
    {
        "hub__port": 8001,
        "mode": "single",
        "storage__type": "local",
        "raw_profiles": [{"name": "cpu", "image": "nb:1"}],
    },
    {"hub__db_url": "postgresql://u:p@db:5432/hub"},
    {"hub__db_url": "sqlite:////data/x.sqlite"},
    {"storage__type": "bind"},
    {"storage__nfs_server": False, "storage__nfs_host": "filer"},
    {"hub__ssl_key": "/k.pem", "hub__ssl_cert": "/c.pem"},
    {"hub__ssl_self_signed": True},
    {"hub__ssl_self_signed": True, "hub__ssl_self_signed_days": 31},
    {"hub__ssl_self_signed": True, "hub__ssl_self_signed_renew_days": 0},
]


@pytest.mark.parametrize("changes", GOOD)
def test_good(changes):
    assert problems(case(**changes)) == []


BAD = [
    (
        {"raw_profiles__0__constraints": ["node.labels.calculation_type==tpu"]},
        (
            "fleet_profiles: profile 'cpu' has constraints ['node.labels.calculation_type==tpu'] that no"
            " host of the inventory matches"
        ),
    ),
    (
        {"raw_profiles__1__gpus": 3, "hosts__2__gpus": []},
        "fleet_profiles: profile 'gpu' asks for 3 GPUs but the most any host has is 2",
    ),
    ({"raw_profiles__0__mem_limit": "4GB"}, "fleet_profiles: profiles[0] (cpu): mem_limit '4GB'"),
    ({"hub__admin_users": ["a,b"]}, "jupyterhub_auth_admin_users: 'a,b' cannot sign up"),
    ({"hub__db_url": "mysql://x"}, "jupyterhub_db_url: 'mysql://...' is not a database"),
    ({"hub__port": 8081}, "jupyterhub_port: 8081 is also jupyterhub_hub_port"),
    ({"hub__port": 8001}, "jupyterhub_port: 8001 is also jupyterhub_proxy_api_port"),
    ({"hub__proxy_api_port": 8081}, "jupyterhub_proxy_api_port: 8081 is also jupyterhub_hub_port"),
    ({"hub__ssl_cert": "/c.pem"}, "jupyterhub_ssl_key: HTTPS needs both a key and a certificate"),
    ({"hub__ssl_key": "/k.pem"}, "jupyterhub_ssl_cert: HTTPS needs both a key and a certificate"),
    (
        {"hub__ssl_self_signed": True, "hub__ssl_key": "/k.pem", "hub__ssl_cert": "/c.pem"},
        (
            "jupyterhub_ssl_self_signed: true and jupyterhub_ssl_key/jupyterhub_ssl_cert are both"
            " set; expected either the site's key and certificate or a self-signed one"
        ),
    ),
    (
        {"hub__ssl_self_signed": True, "hub__ssl_cert": "/c.pem"},
        "jupyterhub_ssl_self_signed: true and jupyterhub_ssl_key/jupyterhub_ssl_cert are both set",
    ),
    (
        {"hub__ssl_self_signed": True, "hub__ssl_self_signed_days": 30},
        (
            "jupyterhub_ssl_self_signed_renew_days: 30 with jupyterhub_ssl_self_signed_days 30"
            " would make a new certificate on every run; expected 0 <= renew days < days"
        ),
    ),
    ({"hub__environment": "A:1;9:x"}, "jupyterhub_spawner_environment:"),
    ({"storage__nfs_server": False}, "fleet_nfs_host: fleet_storage nfs4 needs an NFS server"),
    ({"storage__nfs_export": "srv"}, "fleet_nfs_export: 'srv' is not an exported path"),
    (
        {"storage__type": "bind", "storage__bind_root": "users"},
        "fleet_storage_bind_root: 'users' is not a path",
    ),
    (
        {"seed_constraint_images": "a->nb:1", "seed_constraint_with_gpus": "b->1"},
        "fleet_seed_constraint_images / fleet_seed_constraint_with_gpus:",
    ),
]


@pytest.mark.parametrize("changes, message", BAD)
def test_bad(changes, message):
    data = case(**changes)
    found = problems(data)
    assert any(p.startswith(message) or message in p for p in found), found


def test_gpu_profile_without_any_gpu_host():
    data = case(hosts__1__gpus=[], hosts__2__gpus=[])
    found = problems(data)
    assert "fleet_profiles: profile 'gpu' asks for 2 GPU(s) but no host has a GPU" in found[
        -1
    ] or any("no host has a GPU" in p for p in found)


def test_single_mode_rejects_shared_storage():
    data = case(mode="single", hosts=BASE["hosts"][:1])
    assert any(p.startswith("fleet_storage: 'nfs4' is for swarm mode") for p in problems(data))
