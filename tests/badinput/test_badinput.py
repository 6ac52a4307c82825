"""Bad inventories fail before any host is touched, with a message that names
the variable at fault and says what was expected.

Each case runs the real playbooks/site.yml against a real lab workstation; the
session fixture checks afterwards that nothing was installed on it.
"""

import copy
import re

import pytest

GOOD_PROFILE = {"name": "cpu", "image": "jupyterfleet/notebook:0.1.0"}
SINGLE = {"managers": {"ws1": {}}}
SWARM = {
    "managers": {"mgr": {"nvidia_toolkit_gpus": []}},
    "workers": {
        "gpu1": {"nvidia_toolkit_gpus": ["GPU-a", "GPU-b"]},
        "cpu1": {"nvidia_toolkit_gpus": []},
    },
}
NO_GPU_SWARM = {
    "managers": {"mgr": {"nvidia_toolkit_gpus": []}},
    "workers": {"cpu1": {"nvidia_toolkit_gpus": []}, "cpu2": {"nvidia_toolkit_gpus": []}},
}
GPU_PROFILE = {
    "name": "gpu",
    "image": "jupyterfleet/notebook:0.1.0",
    "constraints": ["node.labels.calculation_type==gpu"],
    "gpus": 1,
}


def prof(**kw):
    return [dict(GOOD_PROFILE, **kw)]


# id: (group_vars, hosts, [patterns the message must contain])
CASES = {
    "advertise-address-not-the-hosts": (
        {},
        {
            "managers": {"mgr": {"nvidia_toolkit_gpus": [], "swarm_advertise_addr": "192.0.2.10"}},
            "workers": {"cpu1": {"nvidia_toolkit_gpus": []}},
        },
        ["swarm_advertise_addr: '192.0.2.10' is not an address of mgr", "expected one of its"],
    ),
    "mode-not-a-choice": ({"fleet_mode": "cluster"}, SINGLE, ["fleet_mode", "one of"]),
    "single-mode-several-hosts": (
        {"fleet_mode": "single"},
        SWARM,
        ["fleet_mode: 'single' runs everything on one", "expected one host"],
    ),
    "profile-without-image": (
        {"fleet_profiles": [{"name": "cpu"}]},
        SINGLE,
        ["fleet_profiles", "image"],
    ),
    "profile-bad-image-reference": (
        {"fleet_profiles": prof(image="Jupyter/Notebook:latest!")},
        SINGLE,
        ["fleet_profiles", "image", "not a docker image reference"],
    ),
    "mem-limit-4GB": (
        {"fleet_profiles": prof(mem_limit="4GB")},
        SINGLE,
        ["fleet_profiles", "mem_limit '4GB' is not a memory size", "expected a number"],
    ),
    "mem-limit-negative": (
        {"fleet_profiles": prof(mem_limit="-1G")},
        SINGLE,
        ["fleet_profiles", "mem_limit '-1G'"],
    ),
    "cpu-guarantee-above-limit": (
        {"fleet_profiles": prof(cpu_limit=1, cpu_guarantee=2)},
        SINGLE,
        ["fleet_profiles", "cpu_guarantee"],
    ),
    "mem-guarantee-above-limit": (
        {"fleet_profiles": prof(mem_limit="1G", mem_guarantee="2G")},
        SINGLE,
        ["fleet_profiles", "mem_guarantee"],
    ),
    "duplicate-profile-names": (
        {"fleet_profiles": prof() + prof()},
        SINGLE,
        ["fleet_profiles", "cpu"],
    ),
    "two-default-profiles": (
        {"fleet_profiles": prof(default=True) + [dict(GOOD_PROFILE, name="b", default=True)]},
        SINGLE,
        ["fleet_profiles", "default"],
    ),
    "profile-name-uppercase": (
        {"fleet_profiles": prof(name="CPU")},
        SINGLE,
        ["fleet_profiles", "CPU"],
    ),
    "profile-unknown-key": (
        {"fleet_profiles": prof(mem_limt="1G")},
        SINGLE,
        ["fleet_profiles", "mem_limt"],
    ),
    "constraint-single-equals": (
        {"fleet_profiles": prof(constraints=["node.labels.gpu=yes"])},
        SINGLE,
        ["fleet_profiles", "node.labels.gpu=yes", "expected <key>==<value>"],
    ),
    "constraints-match-no-node": (
        {"fleet_profiles": prof(constraints=["node.labels.calculation_type==tpu"])},
        SWARM,
        ["fleet_profiles: profile 'cpu'", "no host of the inventory matches"],
    ),
    "gpu-profile-without-gpu-node": (
        {"fleet_profiles": [GPU_PROFILE]},
        NO_GPU_SWARM,
        ["fleet_profiles: profile 'gpu' asks for 1 GPU(s) but no host has a GPU"],
    ),
    "gpu-count-above-any-node": (
        {"fleet_profiles": [dict(GPU_PROFILE, gpus=4)]},
        SWARM,
        ["fleet_profiles: profile 'gpu' asks for 4 GPUs but the most any host has is 2"],
    ),
    "nfs-without-server": (
        {"fleet_storage": "nfs4", "fleet_nfs_server": False},
        SWARM,
        ["fleet_nfs_host", "needs an NFS server"],
    ),
    "nfs-relative-export": (
        {"fleet_storage": "nfs3", "fleet_nfs_export": "srv/notebooks"},
        SWARM,
        ["fleet_nfs_export", "absolute path"],
    ),
    "nfs-on-single-workstation": (
        {"fleet_storage": "nfs4"},
        SINGLE,
        ["fleet_storage: 'nfs4' is for swarm mode"],
    ),
    "endpoint-mode-ingress": (
        {"jupyterhub_endpoint_mode": "ingress"},
        SWARM,
        ["jupyterhub_endpoint_mode", "one of"],
    ),
    "admin-with-comma": (
        {"jupyterhub_auth_admin_users": ["alice,bob"]},
        SINGLE,
        ["jupyterhub_auth_admin_users: 'alice,bob'", "without commas, spaces or slashes"],
    ),
    "admin-with-space": (
        {"jupyterhub_auth_admin_users": ["team admin"]},
        SINGLE,
        ["jupyterhub_auth_admin_users: 'team admin'"],
    ),
    "admin-with-slash": (
        {"jupyterhub_auth_admin_users": ["ops/admin"]},
        SINGLE,
        ["jupyterhub_auth_admin_users: 'ops/admin'"],
    ),
    "db-url-mysql": (
        {"jupyterhub_db_url": "mysql://hub:pw@db/hub"},
        SINGLE,
        ["jupyterhub_db_url", "expected sqlite:///"],
    ),
    "hub-port-is-hub-api-port": (
        {"jupyterhub_port": 8081},
        SINGLE,
        ["jupyterhub_port: 8081 is also jupyterhub_hub_port"],
    ),
    "hub-port-is-proxy-api-port": (
        {"jupyterhub_port": 8001},
        SWARM,
        ["jupyterhub_port: 8001 is also jupyterhub_proxy_api_port"],
    ),
    "https-key-without-cert": (
        {"jupyterhub_ssl_key": "/etc/ssl/private/hub.key"},
        SINGLE,
        ["jupyterhub_ssl_cert: HTTPS needs both a key and a certificate"],
    ),
    "https-self-signed-and-given-cert": (
        {
            "jupyterhub_ssl_self_signed": True,
            "jupyterhub_ssl_key": "/etc/ssl/private/hub.key",
            "jupyterhub_ssl_cert": "/etc/ssl/certs/hub.crt",
        },
        SINGLE,
        ["jupyterhub_ssl_self_signed: true and jupyterhub_ssl_key/jupyterhub_ssl_cert are both"],
    ),
    "https-self-signed-renew-every-run": (
        {"jupyterhub_ssl_self_signed": True, "jupyterhub_ssl_self_signed_renew_days": 3650},
        SINGLE,
        ["jupyterhub_ssl_self_signed_renew_days: 3650 with jupyterhub_ssl_self_signed_days 3650"],
    ),
    "https-self-signed-names-not-a-list": (
        {"jupyterhub_ssl_self_signed": True, "jupyterhub_ssl_self_signed_names": {"a": 1}},
        SINGLE,
        ["jupyterhub_ssl_self_signed_names"],
    ),
    "docker-source-snap": (
        {"docker_engine_source": "snap"},
        SINGLE,
        ["docker_engine_source", "one of"],
    ),
    "pull-policy-unknown": (
        {"jupyterhub_spawner_pull_policy": "sometimes"},
        SINGLE,
        ["jupyterhub_spawner_pull_policy", "one of"],
    ),
    "environment-bad-encoding": (
        {"jupyterhub_spawner_environment": "A:1;2B:x"},
        SINGLE,
        ["jupyterhub_spawner_environment", "2B"],
    ),
    "python-install-unknown": (
        {"images_python_install": "sometimes"},
        SINGLE,
        ["images_python_install", "one of"],
    ),
    "password-length-not-a-number": (
        {"jupyterhub_auth_minimum_password_length": "eight"},
        SINGLE,
        ["jupyterhub_auth_minimum_password_length", "int"],
    ),
    "log-level-WARNING": (
        {"jupyterhub_log_level": "WARNING"},
        SINGLE,
        ["jupyterhub_log_level", "one of"],
    ),
    "seed-gpus-unknown-name": (
        {
            "fleet_seed_constraint_images": "jetson->jupyterfleet/notebook:0.1.0",
            "fleet_seed_constraint_with_gpus": "nano->1",
        },
        SINGLE,
        ["fleet_seed_constraint_with_gpus", "'nano'"],
    ),
    # values that used to fail only at run time, on a host half-way through (issue 8, item 9)
    "hub-port-out-of-range": (
        {"jupyterhub_port": 70000},
        SINGLE,
        ["jupyterhub_port: 70000 is not a port number; expected an integer from 1 to 65535"],
    ),
    "swarm-port-zero": (
        {"swarm_listen_port": 0},
        SWARM,
        ["swarm_listen_port: 0 is not a port number; expected an integer from 1 to 65535"],
    ),
    "registry-port-out-of-range": (
        {"fleet_registry_port": 65536},
        SWARM,
        ["fleet_registry_port: 65536 is not a port number"],
    ),
    "config-dir-relative": (
        {"jupyterhub_config_dir": "etc/jupyterfleet/hub"},
        SINGLE,
        ["jupyterhub_config_dir: 'etc/jupyterfleet/hub' is not an absolute path"],
    ),
    "notebook-dir-relative": (
        {"jupyterhub_spawner_notebook_dir": "work"},
        SINGLE,
        ["jupyterhub_spawner_notebook_dir: 'work' is not an absolute path"],
    ),
    "docker-data-root-relative": (
        {"docker_engine_data_root": "data/docker"},
        SINGLE,
        ["docker_engine_data_root: 'data/docker' is not an absolute path"],
    ),
    "network-name-with-space": (
        {"fleet_network_name": "hub net"},
        SINGLE,
        ["fleet_network_name: 'hub net' is not a Docker network name", "starting with a letter"],
    ),
    "internal-network-is-the-notebooks-network": (
        {"fleet_internal_network_name": "jupyterhub_network"},
        SINGLE,
        ['fleet_internal_network_name: "jupyterhub_network" is also fleet_network_name'],
    ),
    "data-volume-name-with-leading-dash": (
        {"jupyterhub_data_volume": "-data"},
        SINGLE,
        ["jupyterhub_data_volume: '-data' is not a Docker volume name"],
    ),
    "container-name-with-slash": (
        {"jupyterhub_container_name": "hub/1"},
        SINGLE,
        ["jupyterhub_container_name: 'hub/1' is not a Docker container name"],
    ),
    "registry-with-scheme": (
        {"fleet_registry": "http://registry.lan:5000"},
        SWARM,
        ["fleet_registry: 'http://registry.lan:5000' has a scheme; expected host:port"],
    ),
    "insecure-registry-with-scheme": (
        {"docker_engine_insecure_registries": ["https://registry.lan:5000"]},
        SINGLE,
        ["docker_engine_insecure_registries: 'https://registry.lan:5000' has a scheme"],
    ),
    "mirror-without-scheme": (
        {"docker_engine_registry_mirrors": ["mirror.lan:5000"]},
        SINGLE,
        ["docker_engine_registry_mirrors: 'mirror.lan:5000' is not a mirror URL"],
    ),
    "password-length-zero": (
        {"jupyterhub_auth_minimum_password_length": 0},
        SINGLE,
        ["jupyterhub_auth_minimum_password_length: 0 is below the floor of 8"],
    ),
    "client-failed-logins-negative": (
        {"jupyterhub_auth_client_failed_logins": -1},
        SINGLE,
        [
            "jupyterhub_auth_client_failed_logins: -1 is not a number of logins",
            "0 (no limit) or more",
        ],
    ),
    "client-window-zero": (
        {"jupyterhub_auth_client_window": 0},
        SINGLE,
        ["jupyterhub_auth_client_window: 0 is not a usable number of seconds", "at least 1"],
    ),
    "culler-timeout-zero": (
        {"jupyterhub_idle_culler_timeout": 0},
        SINGLE,
        ["jupyterhub_idle_culler_timeout: 0 is not a usable number of seconds", "at least 1"],
    ),
    "user-volume-shared-by-all": (
        {"jupyterhub_spawner_volume_name": "shared"},
        SINGLE,
        ["jupyterhub_spawner_volume_name: 'shared' does not name the user"],
    ),
    "rotate-secrets-a-string": (
        {"jupyterhub_rotate_secrets": "cookie_secret"},
        SINGLE,
        ["jupyterhub_rotate_secrets: 'cookie_secret' is not a list, and would rotate nothing"],
    ),
    "node-labels-not-a-dict": (
        {},
        {"managers": {"mgr": {"swarm_node_labels": ["gpu"]}}, "workers": {"w1": {}}},
        ["swarm_node_labels", "dict"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_inventory_fails_before_any_host(case, run_site):
    group_vars, hosts, patterns = CASES[case]
    result = run_site(copy.deepcopy(group_vars), copy.deepcopy(hosts))
    out = result.stdout + result.stderr
    assert result.returncode != 0, f"{case}: the run did not fail\n{out[-3000:]}"
    for pattern in patterns:
        assert pattern in out, f"{case}: {pattern!r} not in the output\n{out[-4000:]}"
    # no task ran on any inventory host: only the controller's preflight played, after
    # reading the hosts' facts (a read: the node is checked untouched at the end)
    plays = re.split(r"^PLAY \[", out, flags=re.MULTILINE)
    acting = "".join(p for p in plays if not p.startswith("Read the hosts' facts]"))
    touched = re.findall(
        r"^(?:ok|changed|fatal|skipping): \[(?!localhost)([^\]]+)\]", acting, re.MULTILINE
    )
    assert touched == [], f"{case}: tasks ran on {sorted(set(touched))}"
    assert "Install Docker" not in out or "PLAY [Install Docker" not in out
