"""jupyterfleet_hub.profiles: the spawn form, the profile a user gets, placement messages."""

from __future__ import annotations

import pytest
from jupyterfleet_hub import profiles


def test_the_form_lists_every_profile_and_checks_the_selected_one(swarm_settings):
    form = profiles.form(swarm_settings["profiles"], "cpu-large")
    assert form.count('type="radio"') == 3
    assert 'value="cpu-large" checked>' in form
    assert 'value="cpu">' in form


def test_the_form_escapes_every_text(swarm_settings):
    form = profiles.form(swarm_settings["profiles"], "cpu")
    assert "<strong>GPU &lt;notebook&gt;</strong>" in form
    assert "<small>1 GPU &amp; more</small>" in form
    assert "<notebook>" not in form


@pytest.mark.parametrize(
    ("username", "by_suffix", "expected"),
    [
        ("alice", False, "cpu"),
        ("alice-gpu", False, "cpu"),  # the seed's scheme is off by default
        ("alice-gpu", True, "gpu"),
        ("alice-cpu-large", True, "cpu"),  # the WHOLE part after the last '-' only: "large"
        ("bob-large", True, "cpu"),
        ("alice-gp", True, "cpu"),  # no prefix matching
        ("gpu", True, "cpu"),  # no '-'
    ],
)
def test_the_profile_a_user_gets_without_choosing(swarm_settings, username, by_suffix, expected):
    assert profiles.name_for_user(username, swarm_settings["profiles"], by_suffix) == expected


def test_a_spawn_gets_the_profile_it_asked_for_or_the_users_default(swarm_settings):
    ps = swarm_settings["profiles"]
    assert profiles.select("gpu", "alice", ps, False)["name"] == "gpu"
    assert profiles.select(None, "alice", ps, False)["name"] == "cpu"
    assert profiles.select("", "alice-gpu", ps, True)["name"] == "gpu"


def test_an_unknown_profile_is_refused_naming_the_choices(swarm_settings):
    with pytest.raises(
        ValueError, match=r"^Unknown profile 'tpu'; choose one of cpu, cpu-large, gpu$"
    ):
        profiles.select("tpu", "alice", swarm_settings["profiles"], False)


def test_unschedulable_messages_say_why(swarm_settings):
    cpu, _, gpu = swarm_settings["profiles"]
    err = "no suitable node (insufficient resources on 2 nodes)"
    assert profiles.unschedulable_message(err, gpu).startswith(
        "No GPU is free for profile 'GPU <notebook>': every GPU"
    )
    assert profiles.unschedulable_message(err, cpu).startswith(
        "No node has the CPU or memory free that profile 'CPU notebook' reserves."
    )
    other = "no suitable node (scheduling constraints not satisfied on 3 nodes)"
    assert profiles.unschedulable_message(other, gpu) == (
        f"No node can run profile 'GPU <notebook>' (swarm: {other})"
    )
