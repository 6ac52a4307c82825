#!/usr/bin/python
# Copyright (c) jupyterfleet developers
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import annotations

DOCUMENTATION = r"""
module: tcp_reach
short_description: Tell whether this host reaches another one at a TCP address, without changing anything
version_added: 0.1.0
author:
  - jupyterfleet developers
description:
  - Opens a TCP connection from the managed host to O(host):O(port) and closes it at once.
  - The address is B(reached) when the connection is accepted (something listens) or refused
    (the host answered, nothing listens yet). It is B(not reached) on a timeout or when the
    network says the host or network is unreachable; nothing answered from that address.
  - So it can check, before a swarm exists, that each node will reach a manager's advertise
    address on the swarm port, and after, that it still does.
  - Never fails on an unreachable address; the caller decides, from RV(reached) and RV(answer).
options:
  host:
    description: Address (or name) to connect to.
    type: str
    required: true
  port:
    description: TCP port.
    type: int
    required: true
  timeout:
    description: Seconds to wait for an answer.
    type: float
    default: 3
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""

EXAMPLES = r"""
- name: Every node reaches the first manager on the swarm port
  jupyterfleet.hub.tcp_reach:
    host: 10.0.0.11
    port: 2377
  register: reach

- name: Say which address did not answer
  ansible.builtin.assert:
    that: reach.reached
    fail_msg: "10.0.0.11:2377 did not answer ({{ reach.answer }})"
"""

RETURN = r"""
reached:
  description: Whether the address answered (connection accepted or refused).
  type: bool
  returned: always
answer:
  description:
    - V(open) (accepted), V(refused) (the host answered, nothing listens), V(timeout) (no answer
      within O(timeout) seconds) or V(unreachable) (no route to the host or network).
  type: str
  returned: always
  sample: refused
detail:
  description: The operating system's error message, when the connection was not accepted.
  type: str
  returned: always
"""

import errno
import socket

from ansible.module_utils.basic import AnsibleModule

UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


def probe(host: str, port: int, timeout: float) -> tuple[str, str]:
    """(answer, detail) of one connection attempt."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return "open", ""
    except ConnectionRefusedError as exc:
        return "refused", str(exc)
    except TimeoutError as exc:
        return "timeout", str(exc) or "timed out"
    except OSError as exc:
        if exc.errno in UNREACHABLE or isinstance(exc, socket.gaierror):
            return "unreachable", str(exc)
        raise


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "host": {"type": "str", "required": True},
            "port": {"type": "int", "required": True},
            "timeout": {"type": "float", "default": 3.0},
        },
        supports_check_mode=True,
    )
    p = module.params
    try:
        answer, detail = probe(p["host"], p["port"], p["timeout"])
    except OSError as exc:
        module.fail_json(msg=f"connecting to {p['host']}:{p['port']}: {exc}")
    module.exit_json(
        changed=False, reached=answer in ("open", "refused"), answer=answer, detail=detail
    )


if __name__ == "__main__":
    main()
