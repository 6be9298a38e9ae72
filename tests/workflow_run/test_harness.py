# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The act harness's own parts: where actions come from, the clean environment, events, the proxy.

Everything that talks to act is exercised by the workflow runs themselves; these
tests pin down the decisions that must hold on any machine.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.workflow_run.scenarios import CI, PUBLISH, ROOT

from standins.artifact_proxy import (
    PROXY_URL_ENV,
    ArtifactIds,
    pad_signature,
    rewrite_request,
    rewrite_response,
    write_node_preload,
)
from workflow_run import environment, events
from workflow_run.errors import WorkflowRunError
from workflow_run.locate import MIRROR_ENV, ActionPin, pinned_actions, resolve_actions
from workflow_run.runner import Workbench

PINS = pinned_actions([PUBLISH, CI])


def test_every_pin_of_the_workflows_is_found() -> None:
    assert {pin.action for pin in PINS} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/download-artifact",
        "actions/attest",
        "pypa/gh-action-pypi-publish",
    }
    assert all(len(pin.sha) == 40 for pin in PINS)


def test_without_mirror_and_github_nothing_runs() -> None:
    with pytest.raises(WorkflowRunError, match=f"{MIRROR_ENV} is not set and github.com cannot"):
        resolve_actions(PINS, ROOT, environ={}, reach_github=lambda: False)


def test_without_mirror_act_fetches_from_github_when_it_can() -> None:
    source = resolve_actions(PINS, ROOT, environ={}, reach_github=lambda: True)
    assert not source.offline
    assert source.act_args() == []


def test_a_mirror_that_is_not_a_folder_fails(tmp_path: Path) -> None:
    env = {MIRROR_ENV: str(tmp_path / "nowhere")}
    with pytest.raises(WorkflowRunError, match="is not a folder"):
        resolve_actions(PINS, ROOT, environ=env, reach_github=lambda: True)


def test_a_mirror_without_any_pinned_action_fails(tmp_path: Path) -> None:
    (tmp_path / "unrelated").mkdir()
    with pytest.raises(WorkflowRunError, match="holds none of the pinned actions"):
        resolve_actions(PINS, ROOT, environ={MIRROR_ENV: str(tmp_path)}, reach_github=lambda: True)


def test_the_session_mirror_serves_every_javascript_action(bench: Workbench) -> None:
    """Only the Docker action is missing offline; the jobs using it must never run here."""
    assert bench.actions.offline, f"set {MIRROR_ENV} (CI: ../shared/fixtures/actions)"
    assert [pin.action for pin in bench.actions.missing] == ["pypa/gh-action-pypi-publish"]
    args = bench.actions.act_args()
    assert args[0] == "--action-offline-mode"
    for pin, folder in bench.actions.local.items():
        assert f"{pin}={folder}" in args
        assert folder.name == pin.folder and (folder / "action.yml").is_file()


def test_a_relative_mirror_is_taken_from_the_repository_root(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror" / "checkout"
    mirror.mkdir(parents=True)
    (mirror / "action.yml").write_text("name: x\n", encoding="utf-8")
    pin = ActionPin("actions/checkout", "a" * 40)
    source = resolve_actions([pin], tmp_path / "repo", environ={MIRROR_ENV: "../mirror"})
    assert source.local == {pin: mirror}


def test_the_clean_environment_inherits_nothing_but_the_network_settings(tmp_path: Path) -> None:
    caller = {
        "PATH": os.environ["PATH"],
        "HOME": "/root",
        "PIP_FIND_LINKS": "/opt/wheels",
        "PIP_INDEX_URL": "https://example.invalid/simple",
        "PIP_CERT": "/etc/ssl/certs/ca-certificates.crt",
        "PYTHONPATH": "/somewhere",
        "VIRTUAL_ENV": "/somewhere/venv",
        "HTTPS_PROXY": "http://127.0.0.1:3128",
    }
    env = environment.clean_environment(tmp_path / "home", tmp_path / "pip", caller=caller)
    assert env["HOME"] == str(tmp_path / "home")
    assert env["PIP_CONFIG_FILE"] == os.devnull
    assert env["PIP_CACHE_DIR"] == str(tmp_path / "pip")
    assert env["PIP_CERT"] == caller["PIP_CERT"]
    assert env["HTTPS_PROXY"] == caller["HTTPS_PROXY"]
    for inherited in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PYTHONPATH", "VIRTUAL_ENV"):
        assert inherited not in env
    folders = env["PATH"].split(os.pathsep)
    assert folders[-2:] == ["/usr/bin", "/bin"]
    assert not any("pyenv" in folder or "venv" in folder for folder in folders)


def test_dispatch_inputs_are_strings_as_github_sends_them(tmp_path: Path) -> None:
    event = events.dispatch("o/r", version="1.0.0", channel="pypi", dry_run=True)
    payload = json.loads(event.write(tmp_path / "e.json").read_text(encoding="utf-8"))
    assert payload["inputs"] == {
        "version": "1.0.0",
        "channel": "pypi",
        "confirm": "",
        "dry_run": "true",
    }
    assert event.name == "workflow_dispatch"
    assert events.tag_push("v1.0.0", "o/r").payload["ref"] == "refs/tags/v1.0.0"


# --- the artifact proxy's rewrites (the proxy itself carries every artifact of every run) ---


def test_the_signature_padding_is_restored_and_nothing_else_changes() -> None:
    query = "sig=mO7y35r4GyjN7fwg0DTv3-Fv1NDXD84KLEgLpoPOtDI&expires=2024-01-23+21%3A48&taskID=1"
    assert pad_signature(query) == query.replace("OtDI&", "OtDI=&")
    padded = "sig=abcd&x=1"
    assert pad_signature(padded) == padded


def test_create_artifact_loses_the_mime_type_act_refuses() -> None:
    body = json.dumps({"name": "dist", "version": 7, "mime_type": "application/zip"}).encode()
    assert json.loads(rewrite_request("CreateArtifact", body, ArtifactIds())) == {
        "name": "dist",
        "version": 7,
    }


def test_artifacts_get_distinct_ids_and_an_id_filter_becomes_a_name_filter() -> None:
    ids = ArtifactIds()
    listing = {
        "artifacts": [{"name": "checksums", "databaseId": "1"}, {"name": "dist", "databaseId": "1"}]
    }
    answer = json.loads(rewrite_response("ListArtifacts", b"{}", json.dumps(listing).encode(), ids))
    assert [a["databaseId"] for a in answer["artifacts"]] == ["1", "2"]
    request = json.dumps({"workflow_run_backend_id": "1", "id_filter": "2"}).encode()
    assert json.loads(rewrite_request("ListArtifacts", request, ids))["name_filter"] == "dist"
    unknown = json.dumps({"id_filter": "9"}).encode()
    assert json.loads(rewrite_request("ListArtifacts", unknown, ids))["name_filter"] != "dist"


def test_the_node_preload_reads_the_proxy_variable(tmp_path: Path) -> None:
    script = write_node_preload(tmp_path).read_text(encoding="utf-8")
    assert f"process.env.{PROXY_URL_ENV}" in script
    assert "process.env.ACTIONS_RESULTS_URL = proxy" in script
