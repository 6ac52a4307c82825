# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""The values each host sets, checked one by one: ports, absolute paths, Docker names,
host:port forms, the password-length floor, the per-user volume and the rotation list."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from ansible_collections.jupyterfleet.hub.plugins.module_utils._preflight import (
    INPUT_VARS,
    problems,
)
from test__preflight import BASE

ROOT = Path(__file__).resolve().parents[4]

NAME_RULE = "expected letters, digits, '_', '.' or '-', starting with a letter or digit"
HOST_PORT = "expected host:port such as registry.lan:5000"


def with_inputs(**host_values):
    data = copy.deepcopy(BASE)
    data["inputs"] = {"mgr": dict(host_values)}
    return data


def test_the_preflight_role_reads_exactly_the_checked_variables():
    listed = yaml.safe_load((ROOT / "roles/preflight/vars/main.yml").read_text())
    assert sorted(listed["__preflight_input_vars"]) == sorted(INPUT_VARS)


GOOD = [
    {"jupyterhub_port": 443, "swarm_listen_port": "2377", "fleet_registry_port": 65535},
    {"jupyterhub_hub_port": 1},
    {"jupyterhub_config_dir": "/etc/jf", "jupyterhub_spawner_notebook_dir": "/home/jovyan"},
    {"docker_engine_data_root": "", "swarm_unlock_key_file": "", "images_base_image_archive": ""},
    {"docker_engine_data_root": "/data/docker", "swarm_unlock_key_file": "/root/.jf/key"},
    {"fleet_network_name": "jupyterhub_network", "jupyterhub_data_volume": "hub.data-1"},
    {"jupyterhub_container_name": "Hub0"},
    {"fleet_registry": ""},
    {"fleet_registry": "registry.lan:5000"},
    {"fleet_registry": "10.0.0.5"},
    {"docker_engine_insecure_registries": ["registry.lan:5000", "10.0.0.0/8", "reg"]},
    {"docker_engine_registry_mirrors": ["https://mirror.lan:5000", "http://10.0.0.9/x"]},
    {"jupyterhub_auth_minimum_password_length": 8},
    {"jupyterhub_auth_minimum_password_length": "12"},
    {"jupyterhub_spawner_volume_name": "jupyterhub-user-{username}"},
    {"jupyterhub_spawner_volume_name": "{username}.work"},
    {"jupyterhub_rotate_secrets": []},
    {"jupyterhub_rotate_secrets": ["cookie_secret", "db_password"]},
    {"jupyterhub_idle_culler_timeout": 30, "jupyterhub_idle_culler_every": "5"},
    {"jupyterhub_idle_culler_max_age": 0, "jupyterhub_last_activity_interval": 1},
    {"jupyterhub_idle_culler_max_age": 86400},
    {"jupyterhub_auth_client_failed_logins": 10, "jupyterhub_auth_client_window": 60},
    {"jupyterhub_auth_client_failed_logins": 0, "jupyterhub_auth_client_window": "1"},
]


@pytest.mark.parametrize("values", GOOD)
def test_good_inputs(values):
    assert problems(with_inputs(**values)) == []


BAD = [
    (
        {"jupyterhub_port": 0},
        "jupyterhub_port: 0 is not a port number; expected an integer from 1 to 65535",
    ),
    (
        {"jupyterhub_hub_port": 65536},
        "jupyterhub_hub_port: 65536 is not a port number; expected an integer from 1 to 65535",
    ),
    (
        {"jupyterhub_proxy_api_port": -1},
        "jupyterhub_proxy_api_port: -1 is not a port number; expected an integer from 1 to 65535",
    ),
    (
        {"fleet_registry_port": "5000x"},
        "fleet_registry_port: '5000x' is not a port number; expected an integer from 1 to 65535",
    ),
    (
        {"swarm_listen_port": 99999},
        "swarm_listen_port: 99999 is not a port number; expected an integer from 1 to 65535",
    ),
    (
        {"jupyterhub_config_dir": "etc/jupyterfleet/hub"},
        (
            "jupyterhub_config_dir: 'etc/jupyterfleet/hub' is not an absolute path; expected a path"
            " starting with /"
        ),
    ),
    (
        {"jupyterhub_spawner_notebook_dir": "work"},
        (
            "jupyterhub_spawner_notebook_dir: 'work' is not an absolute path; expected a path"
            " starting with /"
        ),
    ),
    (
        {"registry_storage_dir": "~/registry"},
        (
            "registry_storage_dir: '~/registry' is not an absolute path; expected a path starting"
            " with /"
        ),
    ),
    (
        {"docker_engine_data_root": "data/docker"},
        (
            "docker_engine_data_root: 'data/docker' is not an absolute path; expected a path"
            ' starting with / (or "" for none)'
        ),
    ),
    (
        {"fleet_network_name": "hub net"},
        f"fleet_network_name: 'hub net' is not a Docker network name; {NAME_RULE}",
    ),
    (
        {"fleet_internal_network_name": "-internal"},
        f"fleet_internal_network_name: '-internal' is not a Docker network name; {NAME_RULE}",
    ),
    (
        {"jupyterhub_data_volume": "-data"},
        f"jupyterhub_data_volume: '-data' is not a Docker volume name; {NAME_RULE}",
    ),
    (
        {"jupyterhub_container_name": "hub/1"},
        f"jupyterhub_container_name: 'hub/1' is not a Docker container name; {NAME_RULE}",
    ),
    (
        {"fleet_registry": "http://registry.lan:5000"},
        (
            f"fleet_registry: 'http://registry.lan:5000' has a scheme; {HOST_PORT} (no scheme, no"
            " path)"
        ),
    ),
    (
        {"fleet_registry": "registry.lan:99999"},
        (
            f"fleet_registry: 'registry.lan:99999' has no port from 1 to 65535; {HOST_PORT} (no"
            " scheme, no path)"
        ),
    ),
    (
        {"fleet_registry": "registry.lan/jf"},
        f"fleet_registry: 'registry.lan/jf' is not host:port; {HOST_PORT} (no scheme, no path)",
    ),
    (
        {"docker_engine_insecure_registries": ["https://registry.lan:5000"]},
        (
            "docker_engine_insecure_registries: 'https://registry.lan:5000' has a scheme;"
            f" {HOST_PORT} (no scheme) or a CIDR network"
        ),
    ),
    (
        {"docker_engine_registry_mirrors": ["mirror.lan:5000"]},
        (
            "docker_engine_registry_mirrors: 'mirror.lan:5000' is not a mirror URL; expected"
            " http:// or https:// and the mirror's host[:port], such as https://mirror.lan:5000"
        ),
    ),
    (
        {"jupyterhub_auth_minimum_password_length": 0},
        (
            "jupyterhub_auth_minimum_password_length: 0 is below the floor of 8; expected an"
            " integer of at least 8"
        ),
    ),
    (
        {"jupyterhub_auth_minimum_password_length": 7},
        (
            "jupyterhub_auth_minimum_password_length: 7 is below the floor of 8; expected an"
            " integer of at least 8"
        ),
    ),
    (
        {"jupyterhub_spawner_volume_name": "shared"},
        (
            "jupyterhub_spawner_volume_name: 'shared' does not name the user, so every user would"
            " get the same volume; expected a name containing {username}, such as"
            " jupyterhub-user-{username}"
        ),
    ),
    (
        {"jupyterhub_spawner_volume_name": "u-{username}-{servername}"},
        (
            "jupyterhub_spawner_volume_name: 'u-{username}-{servername}' has {servername}, which"
            " the spawners do not fill in; expected {username} as the only field, such as"
            " jupyterhub-user-{username}"
        ),
    ),
    (
        {"jupyterhub_spawner_volume_name": "home of {username}"},
        (
            "jupyterhub_spawner_volume_name: 'home of {username}' does not make a Docker volume"
            " name; expected letters, digits, '_', '.' or '-' around {username}, starting with a"
            " letter or digit"
        ),
    ),
    (
        {"jupyterhub_rotate_secrets": "cookie_secret"},
        (
            "jupyterhub_rotate_secrets: 'cookie_secret' is not a list, and would rotate nothing;"
            " expected a list such as [cookie_secret]"
            ' (-e \'{"jupyterhub_rotate_secrets": ["cookie_secret"]}\')'
        ),
    ),
    (
        {"jupyterhub_rotate_secrets": ["cookie"]},
        (
            "jupyterhub_rotate_secrets: ['cookie'] are no secrets of the hub; expected names among"
            " cookie_secret, proxy_auth_token, db_password, verify_api_token"
        ),
    ),
    (
        {"jupyterhub_idle_culler_timeout": 0},
        (
            "jupyterhub_idle_culler_timeout: 0 is not a usable number of seconds; expected an"
            " integer of at least 1"
        ),
    ),
    (
        {"jupyterhub_idle_culler_every": "10m"},
        (
            "jupyterhub_idle_culler_every: '10m' is not a usable number of seconds; expected an"
            " integer of at least 1"
        ),
    ),
    (
        {"jupyterhub_idle_culler_max_age": -1},
        (
            "jupyterhub_idle_culler_max_age: -1 is not a usable number of seconds; expected an"
            " integer of 0 (never) or more"
        ),
    ),
    (
        {"jupyterhub_auth_client_window": 0},
        (
            "jupyterhub_auth_client_window: 0 is not a usable number of seconds; expected an"
            " integer of at least 1"
        ),
    ),
    (
        {"jupyterhub_auth_client_failed_logins": -1},
        (
            "jupyterhub_auth_client_failed_logins: -1 is not a number of logins; expected an"
            " integer of 0 (no limit) or more"
        ),
    ),
    (
        {"jupyterhub_auth_client_failed_logins": "ten"},
        (
            "jupyterhub_auth_client_failed_logins: 'ten' is not a number of logins; expected an"
            " integer of 0 (no limit) or more"
        ),
    ),
    (
        {"jupyterhub_last_activity_interval": True},
        (
            "jupyterhub_last_activity_interval: True is not a usable number of seconds; expected"
            " an integer of at least 1"
        ),
    ),
]


@pytest.mark.parametrize("values, message", BAD)
def test_bad_inputs_name_the_variable(values, message):
    assert problems(with_inputs(**values)) == [message]


def test_a_value_set_for_the_whole_group_is_reported_once():
    data = copy.deepcopy(BASE)
    data["inputs"] = {h["name"]: {"jupyterhub_port": 0} for h in BASE["hosts"]}
    assert problems(data) == [
        "jupyterhub_port: 0 is not a port number; expected an integer from 1 to 65535"
    ]


def test_every_default_of_the_roles_passes():
    defaults = {}
    for path in sorted((ROOT / "roles").glob("*/defaults/main.yml")):
        defaults.update(yaml.safe_load(path.read_text()) or {})
    plain = {
        k: v
        for k, v in defaults.items()
        if k in INPUT_VARS and not (isinstance(v, str) and "{{" in v)
    }
    assert len(plain) > 15
    assert problems(with_inputs(**plain)) == []
