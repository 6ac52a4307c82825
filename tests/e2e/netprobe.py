"""TCP probes from this machine to the lab nodes, for the firewall tests.

`connect()` tells an open port from a refused one (the host answered with a reset) and from a
timeout (the SYN was dropped on the way: a firewall), over IPv4 or IPv6. `outside_source()`
gives this machine an extra address that is in no private range (100.64.0.0/10, shared address
space) on the lab's bridge, so a probe can come from a client the hub's default networks do not
list; the nodes answer it through their default gateway, which is this machine, so only a
firewall stops it. `ipv6_network()` puts a node on an IPv6 network of this machine, so this
machine (a non-member) can reach it over IPv6. `PROBE` and `LISTEN` are Python programs the
tests run inside containers and nodes: probes of tcp/udp ports, and listeners on them.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import uuid

import docker

LAB_NETWORK = "jupyterfleet-lab"


def connect(host: str, port: int, source: str | None = None, timeout: float = 3.0) -> str:
    """Return "open", "refused", "timeout" or the error's text."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        if source:
            s.bind((source, 0))
        try:
            s.connect((host, port))
        except TimeoutError:
            return "timeout"
        except ConnectionRefusedError:
            return "refused"
        except OSError as exc:
            return str(exc)
        return "open"


def lab_bridge() -> str:
    """The Linux bridge of the lab network on this machine (br-<network id>)."""
    net = docker.from_env().networks.get(LAB_NETWORK)
    return net.attrs["Options"].get("com.docker.network.bridge.name") or f"br-{net.id[:12]}"


@contextlib.contextmanager
def extra_address(address: str):
    """`address` added to this machine's lab bridge for the duration, as a client's own."""
    device = lab_bridge()
    subprocess.run(["ip", "addr", "add", f"{address}/32", "dev", device], check=True)
    try:
        yield address
    finally:
        subprocess.run(["ip", "addr", "del", f"{address}/32", "dev", device], check=False)


@contextlib.contextmanager
def outside_source():
    """An address of this machine outside RFC 1918, on the lab bridge, for the duration."""
    with extra_address(f"100.64.{os.getpid() % 250 + 1}.{os.getpid() // 250 % 250 + 1}") as a:
        yield a


@contextlib.contextmanager
def ipv6_network(node: str, subnet: str | None = None):
    """Connect the lab node to an IPv6 network of this machine; yield the node's IPv6 address.

    The lab network has no IPv6 (nor have the nodes: Docker switches it off on their
    interfaces). This network gives the node a global address (by default in the documentation
    prefix, which no firewall default lists) and this machine the network's gateway address, so
    the tests probe the node over IPv6 from a host that is no member of the fleet.
    """
    client = docker.from_env()
    name = f"jf-ipv6-{os.getpid()}"
    # one subnet per test process: two scenarios' tests may run at the same time
    subnet = subnet or f"2001:db8:6a66:{os.getpid() % 0xFFFF:x}::/64"
    net = client.networks.create(
        name,
        driver="bridge",
        enable_ipv6=True,
        ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet)]),
    )
    try:
        net.connect(node)
        container = client.containers.get(node)
        address = container.attrs["NetworkSettings"]["Networks"][name]["GlobalIPv6Address"]
        yield address
    finally:
        with contextlib.suppress(docker.errors.APIError):
            net.disconnect(node, force=True)
        net.remove()


# Run inside a container: `python3 -c PROBE tcp:<host>:<port> udp:<host>:<port> ...` prints one
# line per target, "<target> open|refused|timeout". A udp port is "open" when it echoes.
PROBE = """
import socket, sys
for target in sys.argv[1:]:
    proto, host, port = target.split(":", 2)
    kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
    s = socket.socket(socket.AF_INET, kind)
    s.settimeout(3)
    try:
        s.connect((host, int(port)))
        if proto == "udp":
            s.send(b"ping")
            s.recv(64)
        state = "open"
    except (TimeoutError, socket.timeout):
        state = "timeout"
    except ConnectionRefusedError:
        state = "refused"
    except OSError as exc:
        state = str(exc)
    s.close()
    print(target, state)
"""

# Run on a host in the background: `python3 -c LISTEN <address> tcp:<port> udp:<port> ...`
# accepts tcp connections and echoes udp datagrams on each port it can bind (a port another
# server already listens on is left to it), and prints the ports it bound. An IPv6 address
# (such as ::) binds IPv6 only, beside whatever listens on the port over IPv4.
LISTEN = """
import socket, sys, threading
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
def tcp(s):
    while True:
        s.accept()[0].close()
def udp(s):
    while True:
        data, peer = s.recvfrom(64)
        s.sendto(data, peer)
bound = []
for spec in sys.argv[2:]:
    proto, port = spec.split(":")
    s = socket.socket(family, socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        s.bind((sys.argv[1], int(port)))
    except OSError:
        continue
    if proto == "tcp":
        s.listen(16)
    threading.Thread(target=tcp if proto == "tcp" else udp, args=(s,), daemon=True).start()
    bound.append(spec)
print(" ".join(bound), flush=True)
threading.Event().wait()
"""


def probe_lines(output: str) -> dict[str, str]:
    """PROBE's output as {target: state}."""
    return dict(line.rsplit(" ", 1) for line in output.splitlines() if " " in line)


@contextlib.contextmanager
def listening(container, address: str, *specs: str):
    """Run LISTEN inside a lab node (a docker container object); yield the ports it bound."""
    log = f"/tmp/jf-listen-{uuid.uuid4().hex}.out"
    rc, out = container.exec_run(
        ["sh", "-c", f'python3 -c "$0" "$@" >{log} 2>&1 & echo $!', LISTEN, address, *specs]
    )
    assert rc == 0, out
    pid = out.decode().strip()
    bound = []
    for _ in range(50):
        _, text = container.exec_run(["cat", log])
        bound = text.decode().split()
        if bound:
            break
        time.sleep(0.2)
    try:
        yield bound
    finally:
        container.exec_run(["kill", pid])
