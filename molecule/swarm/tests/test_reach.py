"""jupyterfleet.hub.tcp_reach on the lab's real network: what the swarm role's reachability
check (every node reaches every manager's advertise address on 2377) relies on."""

from conftest import GPU, MANAGER
from fleetrun import run_module


def _reach(nodes, host, port):
    return run_module(GPU, "jupyterfleet.hub.tcp_reach", f"host={host} port={port} timeout=3")


def test_the_manager_answers_on_the_swarm_port(nodes):
    r = _reach(nodes, nodes[MANAGER].ip, 2377)
    assert (r["reached"], r["answer"], r["changed"]) == (True, "open", False)


def test_a_closed_port_of_a_live_host_counts_as_reached(nodes):
    r = _reach(nodes, nodes[MANAGER].ip, 2378)
    assert (r["reached"], r["answer"]) == (True, "refused")


def test_an_address_nobody_has_is_not_reached(nodes):
    # an unused address of the lab network: ARP gets no answer
    ip = nodes[MANAGER].ip.rsplit(".", 1)[0] + ".250"
    r = _reach(nodes, ip, 2377)
    assert r["reached"] is False
    assert r["answer"] in ("timeout", "unreachable")
