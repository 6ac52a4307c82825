# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Whole-inventory checks the roles' argument specs cannot express.

``problems(data)`` returns one message per problem, each naming the variable at
fault and what was expected, so the preflight can report all of them at once.
"""

from __future__ import annotations

import ipaddress
import re
import string

from ansible_collections.jupyterfleet.hub.plugins.module_utils._constraints import (
    constraints_match,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profile_base import (
    ProfileError,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._profiles import (
    fleet_profiles,
)
from ansible_collections.jupyterfleet.hub.plugins.module_utils._seed import (
    env_string,
)

NATIVE_FORBIDDEN = (",", " ", "/")

# The inputs each host may set that only fail at run time when malformed, by what they
# must be. roles/preflight/vars/main.yml lists the same names (a unit test holds them equal):
# the preflight reads exactly these from every host's variables, and no secret among them.
PORT_VARS = (
    "jupyterhub_port",
    "jupyterhub_hub_port",
    "jupyterhub_proxy_api_port",
    "fleet_registry_port",
    "swarm_listen_port",
)
ABSOLUTE_PATH_VARS = (
    "jupyterhub_config_dir",
    "jupyterhub_secrets_dir",
    "jupyterhub_spawner_notebook_dir",
    "registry_storage_dir",
    "images_build_dir",
    "images_wheel_cache_dir",
    "docker_engine_daemon_json_path",
    "nfs_server_export_path",
)
# absolute, or "" for "none"
OPTIONAL_PATH_VARS = (
    "docker_engine_data_root",
    "images_base_image_archive",
    "swarm_unlock_key_file",
)
DOCKER_NAME_VARS = {
    "fleet_network_name": "network",
    "fleet_internal_network_name": "network",
    "jupyterhub_data_volume": "volume",
    "jupyterhub_container_name": "container",
}
HOST_PORT_VARS = ("fleet_registry",)  # one host[:port], "" for none
INSECURE_REGISTRY_VARS = ("docker_engine_insecure_registries",)  # list of host[:port] or CIDR
MIRROR_VARS = ("docker_engine_registry_mirrors",)  # list of http(s) URLs
# whole seconds, at least 1 (or 0 where 0 means "never")
SECONDS_VARS = {
    "jupyterhub_idle_culler_timeout": 1,
    "jupyterhub_idle_culler_every": 1,
    "jupyterhub_idle_culler_max_age": 0,
    "jupyterhub_last_activity_interval": 1,
    "jupyterhub_auth_client_window": 1,
}
OTHER_INPUT_VARS = (
    "jupyterhub_auth_minimum_password_length",
    "jupyterhub_auth_client_failed_logins",
    "jupyterhub_spawner_volume_name",
    "jupyterhub_rotate_secrets",
)
INPUT_VARS = (
    PORT_VARS
    + ABSOLUTE_PATH_VARS
    + OPTIONAL_PATH_VARS
    + tuple(DOCKER_NAME_VARS)
    + HOST_PORT_VARS
    + INSECURE_REGISTRY_VARS
    + MIRROR_VARS
    + tuple(SECONDS_VARS)
    + OTHER_INPUT_VARS
)
# NIST SP 800-63B: user-chosen passwords of at least 8 characters.
MINIMUM_PASSWORD_LENGTH_FLOOR = 8
ROTATABLE_SECRETS = ("cookie_secret", "proxy_auth_token", "db_password", "verify_api_token")
# Docker's rule for container, volume and network names
DOCKER_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
# A host name (RFC 1123 labels) or an IPv4 address, then an optional :port
HOST = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
DB_SCHEMES = ("sqlite://", "postgresql://", "postgresql+psycopg2://", "postgres://")


def _nodes(host, calc_label):
    """The node(s) a host may be: a host whose GPUs are detected at run time may be either."""
    gpus = host.get("gpus")
    kinds = ["gpu", "cpu"] if gpus is None else (["gpu"] if gpus else ["cpu"])
    for kind in kinds:
        labels = {calc_label: kind}
        labels.update({str(k): str(v) for k, v in (host.get("labels") or {}).items()})
        yield {"hostname": host["name"], "role": host["role"], "labels": labels}


def _profile_problems(data):
    out = []
    hosts = data["hosts"]
    calc = data.get("calc_label", "calculation_type")
    swarm = data["mode"] == "swarm"
    known_gpu_counts = [len(h["gpus"]) for h in hosts if h.get("gpus") is not None]
    may_have_gpus = any(h.get("gpus") is None or len(h["gpus"]) > 0 for h in hosts)
    all_known = all(h.get("gpus") is not None for h in hosts)
    for p in data["profiles"]:
        where = f"fleet_profiles: profile '{p['name']}'"
        if swarm:
            fits = [
                h
                for h in hosts
                if any(constraints_match(p["placement"], n) for n in _nodes(h, calc))
            ]
            if not fits:
                out.append(
                    f"{where} has constraints {p['placement']} that no host of the inventory"
                    f" matches; expected constraints that some node meets (node.labels.{calc}"
                    " is gpu or cpu from its GPUs, plus its swarm_node_labels; node.role is"
                    " manager or worker; node.hostname is its inventory name)"
                )
        if p["gpus"]:
            if not may_have_gpus:
                out.append(
                    f"{where} asks for {p['gpus']} GPU(s) but no host has a GPU"
                    " (nvidia_toolkit_gpus is [] everywhere); expected a GPU host in the"
                    " inventory, or gpus: 0"
                )
            elif all_known and max(known_gpu_counts, default=0) < p["gpus"]:
                out.append(
                    f"{where} asks for {p['gpus']} GPUs but the most any host has is"
                    f" {max(known_gpu_counts, default=0)}; expected gpus of at most that"
                )
    return out


def _hub_problems(data):
    out = []
    hub = data["hub"]
    for admin in hub["admin_users"]:
        if not isinstance(admin, str) or not admin or any(c in admin for c in NATIVE_FORBIDDEN):
            out.append(
                f"jupyterhub_auth_admin_users: {admin!r} cannot sign up with NativeAuthenticator;"
                " expected a non-empty name without commas, spaces or slashes"
            )
    url = hub.get("db_url") or ""
    if url and not url.startswith(DB_SCHEMES):
        out.append(
            f"jupyterhub_db_url: {url.split('://')[0] + '://...' if '://' in url else url!r}"
            " is not a database JupyterHub can use here; expected sqlite:///... or"
            " postgresql://user:password@host:5432/db (or empty for the default)"
        )
    port, hub_port, api_port = hub["port"], hub["hub_port"], hub["proxy_api_port"]
    if data["mode"] != "swarm":
        api_port = None  # one workstation: the hub starts the proxy, its API stays inside
    if port in (hub_port, api_port):
        clash = "jupyterhub_hub_port" if port == hub_port else "jupyterhub_proxy_api_port"
        others = f"the hub's API port ({hub_port})" + (
            f" and the proxy's API port ({api_port})" if api_port is not None else ""
        )
        out.append(
            f"jupyterhub_port: {port} is also {clash}; expected a public port different from"
            f" {others}"
        )
    if api_port is not None and hub_port == api_port:
        out.append(
            f"jupyterhub_proxy_api_port: {api_port} is also jupyterhub_hub_port; expected"
            " two different ports"
        )
    if bool(hub.get("ssl_key")) != bool(hub.get("ssl_cert")):
        missing = "jupyterhub_ssl_cert" if hub.get("ssl_key") else "jupyterhub_ssl_key"
        out.append(
            f"{missing}: HTTPS needs both a key and a certificate, and only the"
            f" {'key' if hub.get('ssl_key') else 'certificate'} is set; expected both or neither"
        )
    if hub.get("ssl_self_signed") and (hub.get("ssl_key") or hub.get("ssl_cert")):
        out.append(
            "jupyterhub_ssl_self_signed: true and jupyterhub_ssl_key/jupyterhub_ssl_cert are both"
            " set; expected either the site's key and certificate or a self-signed one"
        )
    if hub.get("ssl_self_signed"):
        days, renew = (
            hub.get("ssl_self_signed_days", 3650),
            hub.get("ssl_self_signed_renew_days", 30),
        )
        if days < 1 or renew < 0 or renew >= days:
            out.append(
                f"jupyterhub_ssl_self_signed_renew_days: {renew} with jupyterhub_ssl_self_signed_days"
                f" {days} would make a new certificate on every run; expected"
                " 0 <= renew days < days"
            )
    return out


def _storage_problems(data):
    out = []
    st = data["storage"]
    kind = st["type"]
    if data["mode"] == "single" and kind != "local":
        out.append(
            f"fleet_storage: {kind!r} is for swarm mode; expected 'local' (or 'auto') on a"
            " single workstation"
        )
    if kind in ("nfs3", "nfs4"):
        if not st.get("nfs_host") and not st.get("nfs_server"):
            out.append(
                f"fleet_nfs_host: fleet_storage {kind} needs an NFS server; expected a host"
                " name or address, or fleet_nfs_server: true to export from the hub host"
            )
        if not str(st.get("nfs_export") or "").startswith("/"):
            out.append(
                f"fleet_nfs_export: {st.get('nfs_export')!r} is not an exported path; expected"
                f" an absolute path such as /srv/jupyterfleet/notebooks for fleet_storage {kind}"
            )
    if kind == "bind" and not str(st.get("bind_root") or "").startswith("/"):
        out.append(
            f"fleet_storage_bind_root: {st.get('bind_root')!r} is not a path; expected an"
            " absolute path present on every node"
        )
    return out


def _firewall_problems(data):
    """The firewall role's client networks (IPv4, IPv6) and the ports containers may not reach.

    Optional: ``data["firewall"]`` is ``{"enabled": bool, "hub_client_networks": [...],
    "hub_client_networks_ipv6": [...], "nfs_ports": [...]}``; a value of None means the
    role's default.
    """
    fw = data.get("firewall")
    if not fw or not fw.get("enabled", True):
        return []
    return (
        _ipv4_network_problems(fw.get("hub_client_networks"))
        + _ipv6_network_problems(fw.get("hub_client_networks_ipv6"))
        + _port_list_problems("firewall_nfs_ports", fw.get("nfs_ports"))
    )


def _ipv4_network_problems(networks):
    var = "firewall_hub_client_networks"
    if networks is None:
        return []
    if not isinstance(networks, list):
        return [f"{var}: {networks!r} is not a list; expected a list of IPv4 networks"]
    if not networks:
        return [
            (
                f"{var}: {networks!r} would close the hub to everyone; expected a list of IPv4"
                " networks such as 192.168.10.0/24 (or firewall_enabled: false)"
            )
        ]
    expected = (
        "expected a network such as 192.168.10.0/24 or a single address"
        " (IPv6 ones go to firewall_hub_client_networks_ipv6)"
    )
    out = []
    for value in networks:
        out.extend(_network_problems(var, value, ipaddress.IPv4Network, "IPv4", expected)[1])
    return out


def _network_problems(var, value, network_class, family, expected):
    """(the network value names or None, what is wrong with it as a firewall network)."""
    text = str(value).strip()
    try:
        return network_class(text, strict=True), []
    except ValueError as exc:
        if "has host bits set" not in str(exc):
            return None, [f"{var}: {value!r} is not an {family} network; {expected}"]
        net = network_class(text, strict=False)
        return None, [
            (
                f"{var}: {value!r} has host bits set; expected its network address {net}"
                f" (or {text.split('/')[0]} alone for that one address)"
            )
        ]


def _port(value):
    """value as a port number, or None when it is not one (bools are not numbers here)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= 65535 else None


def _host_port_problem(var, value, port_required=False):
    """None if value is host[:port] without a scheme or a path, else what is wrong with it."""
    text = str(value).strip()
    expected = "expected host:port such as registry.lan:5000 (no scheme, no path)"
    if "://" in text:
        return f"{var}: {value!r} has a scheme; {expected}"
    host, sep, port = text.rpartition(":") if ":" in text else (text, "", "")
    if not HOST.fullmatch(host) or "/" in text:
        return f"{var}: {value!r} is not host:port; {expected}"
    if (sep or port_required) and _port(port) is None:
        return f"{var}: {value!r} has no port from 1 to 65535; {expected}"
    return None


def _volume_template_problem(var, value):
    text = str(value)
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        fields = {"?"}
    if "username" not in fields:
        return (
            f"{var}: {value!r} does not name the user, so every user would get the same volume;"
            " expected a name containing {username}, such as jupyterhub-user-{username}"
        )
    if fields != {"username"}:
        others = ", ".join(sorted("{" + f + "}" for f in fields - {"username"}))
        return (
            f"{var}: {value!r} has {others}, which the spawners do not fill in; expected"
            " {username} as the only field, such as jupyterhub-user-{username}"
        )
    if not DOCKER_NAME.fullmatch(text.format(username="alice")):
        return (
            f"{var}: {value!r} does not make a Docker volume name; expected letters, digits,"
            " '_', '.' or '-' around {username}, starting with a letter or digit"
        )
    return None


def _input_problems(inputs):
    """Checks of the values each host sets (``{host: {variable: value}}``), by their kind.

    A value set in group_vars reaches every host of the group: each problem is named once.
    """
    out = []
    for values in (inputs or {}).values():
        for var, value in values.items():
            out.extend(_value_problems(var, value))
    return list(dict.fromkeys(out))


def _port_problems(var, value):
    if _port(value) is None:
        return [f"{var}: {value!r} is not a port number; expected an integer from 1 to 65535"]
    return []


def _path_problems(var, value):
    optional = var in OPTIONAL_PATH_VARS
    if optional and value in ("", None):
        return []
    if isinstance(value, str) and value.startswith("/"):
        return []
    return [
        f"{var}: {value!r} is not an absolute path; expected a path starting with /"
        + (' (or "" for none)' if optional else "")
    ]


def _docker_name_problems(var, value):
    if isinstance(value, str) and DOCKER_NAME.fullmatch(value):
        return []
    return [
        (
            f"{var}: {value!r} is not a Docker {DOCKER_NAME_VARS[var]} name; expected letters,"
            " digits, '_', '.' or '-', starting with a letter or digit"
        )
    ]


def _registry_problems(var, value):
    if value in ("", None):
        return []
    problem = _host_port_problem(var, value)
    return [problem] if problem else []


def _insecure_registry_problems(var, value):
    out = []
    for item in value if isinstance(value, list) else [value]:
        text = str(item).strip()
        if "/" in text and "://" not in text:
            try:
                ipaddress.ip_network(text, strict=False)
                continue
            except ValueError:
                pass
        problem = _host_port_problem(var, item)
        if problem:
            out.append(problem.replace("(no scheme, no path)", "(no scheme) or a CIDR network"))
    return out


def _mirror_problems(var, value):
    out = []
    for item in value if isinstance(value, list) else [value]:
        scheme, sep, rest = str(item).strip().partition("://")
        host = rest.split("/", 1)[0]
        if not sep or scheme not in ("http", "https") or _host_port_problem(var, host):
            out.append(
                f"{var}: {item!r} is not a mirror URL; expected http:// or https:// and the"
                " mirror's host[:port], such as https://mirror.lan:5000"
            )
    return out


def _ipv6_network_problems(networks):
    """IPv6 networks, each its network address written as ip6tables prints it."""
    var = "firewall_hub_client_networks_ipv6"
    if networks is None:
        return []
    if not isinstance(networks, list):
        return [f"{var}: {networks!r} is not a list; expected a list of IPv6 networks"]
    expected = "expected a network such as fd00:10::/64 or a single address"
    out = []
    for value in networks:
        net, problems = _network_problems(var, value, ipaddress.IPv6Network, "IPv6", expected)
        out.extend(problems)
        if net is None:
            continue
        text = str(value).strip()
        canonical = str(net) if "/" in text else str(net.network_address)
        if text != canonical:
            out.append(
                f"{var}: {value!r} is not written as ip6tables prints it; expected {canonical}"
            )
    return out


def _whole_number(value):
    """``value`` as an int (a string of digits counts), or None: booleans and the rest are not."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _password_length_problems(var, value):
    length = _whole_number(value)
    if length is not None and length >= MINIMUM_PASSWORD_LENGTH_FLOOR:
        return []
    return [
        (
            f"{var}: {value!r} is below the floor of {MINIMUM_PASSWORD_LENGTH_FLOOR}; expected an"
            f" integer of at least {MINIMUM_PASSWORD_LENGTH_FLOOR}"
        )
    ]


def _seconds_problems(var, value):
    least = SECONDS_VARS[var]
    seconds = _whole_number(value)
    if seconds is not None and seconds >= least:
        return []
    expected = "0 (never) or more" if least == 0 else f"at least {least}"
    return [
        f"{var}: {value!r} is not a usable number of seconds; expected an integer of {expected}"
    ]


def _count_problems(var, value):
    count = _whole_number(value)
    if count is not None and count >= 0:
        return []
    return [
        f"{var}: {value!r} is not a number of logins; expected an integer of 0 (no limit) or more"
    ]


def _volume_name_problems(var, value):
    problem = _volume_template_problem(var, value)
    return [problem] if problem else []


def _rotate_problems(var, value):
    if not isinstance(value, list):
        return [
            (
                f"{var}: {value!r} is not a list, and would rotate nothing; expected a list such as"
                ' [cookie_secret] (-e \'{"jupyterhub_rotate_secrets": ["cookie_secret"]}\')'
            )
        ]
    unknown = [v for v in value if v not in ROTATABLE_SECRETS]
    if unknown:
        return [
            (
                f"{var}: {unknown!r} are no secrets of the hub; expected names among"
                f" {', '.join(ROTATABLE_SECRETS)}"
            )
        ]
    return []


CHECKS = {
    **dict.fromkeys(PORT_VARS, _port_problems),
    **dict.fromkeys(ABSOLUTE_PATH_VARS + OPTIONAL_PATH_VARS, _path_problems),
    **dict.fromkeys(DOCKER_NAME_VARS, _docker_name_problems),
    **dict.fromkeys(HOST_PORT_VARS, _registry_problems),
    **dict.fromkeys(INSECURE_REGISTRY_VARS, _insecure_registry_problems),
    **dict.fromkeys(MIRROR_VARS, _mirror_problems),
    **dict.fromkeys(SECONDS_VARS, _seconds_problems),
    "jupyterhub_auth_minimum_password_length": _password_length_problems,
    "jupyterhub_auth_client_failed_logins": _count_problems,
    "jupyterhub_spawner_volume_name": _volume_name_problems,
    "jupyterhub_rotate_secrets": _rotate_problems,
}


def _value_problems(var, value):
    check = CHECKS.get(var)
    return check(var, value) if check else []


def _port_list_problems(var, ports):
    if ports is None:
        return []
    if not isinstance(ports, list):
        return [f"{var}: {ports!r} is not a list; expected a list of port numbers"]
    out = []
    for value in ports:
        try:
            ok = not isinstance(value, bool) and 1 <= int(str(value)) <= 65535
        except ValueError:
            ok = False
        if not ok:
            out.append(f"{var}: {value!r} is not a port; expected a number from 1 to 65535")
    return out


def _normalise(data):
    """Turn the raw inventory values into what the checks compare; report what is malformed."""
    out = []
    try:
        data["profiles"] = fleet_profiles(
            data.get("raw_profiles"),
            data.get("profile_defaults"),
            data.get("seed_constraint_images"),
            data.get("seed_constraint_with_gpus"),
        )
    except ProfileError as exc:
        data["profiles"] = []
        out.append(str(exc))
    try:
        env_string(data["hub"].get("environment"))
    except ProfileError as exc:
        out.append(f"jupyterhub_spawner_environment: {exc}")
    return out


def problems(data):
    """All problems of the fleet described by ``data`` (see the preflight role)."""
    data = dict(data)
    try:
        found = _normalise(data) if "raw_profiles" in data else []
        return (
            found
            + _profile_problems(data)
            + _hub_problems(data)
            + _storage_problems(data)
            + _firewall_problems(data)
            + _input_problems(data.get("inputs"))
        )
    except (KeyError, TypeError, ProfileError) as exc:
        return [f"preflight: could not check the inventory: {exc!r}"]
