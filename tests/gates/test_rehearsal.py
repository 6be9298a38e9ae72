# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The rehearsal orchestrator, driven by tiny fake gates that are real child processes.

Each fake gate is ``python fake_gate.py <gate>``; what it does (pass, fail, lie,
hang, leak a process...) is chosen per gate through ``$FAKE_GATES``. Nothing is
mocked: the orchestrator starts, times, kills and judges real processes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from release_gates import registry
from release_gates._internal import paths
from release_gates._internal.dists import project_name_version
from release_gates.registry import GATES, Gate
from release_gates.rehearsal import cli, schedule, services
from release_gates.rehearsal.outcome import exit_code_for
from release_gates.rehearsal.schedule import Plan, Rehearsal
from release_gates.rehearsal.services import Service
from release_gates.result import GateResult, Status
from standins.index_seed import earlier_version
from standins.serving import serving

FAKE_GATE = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    from pathlib import Path
    gate = sys.argv[1]
    mode = json.loads(os.environ["FAKE_GATES"]).get(gate, "pass")
    marks = Path(os.environ["FAKE_MARKS"])
    (marks / f"{gate}.ran").write_text(str(os.getpid()))
    results = Path(os.environ["RELEASE_GATES_RESULTS"])

    def write(status, summary, **details):
        data = {"gate": gate, "status": status, "summary": summary, "details": details}
        (results / f"{gate}.json").write_text(json.dumps(data))

    print(f"fake {gate} output line")
    if mode == "slow":
        time.sleep(1.5)
        mode = "pass"
    if mode == "pass":
        write("passed", f"{gate} ok", seen=os.environ.get("FAKE_SERVICE", ""), argv=sys.argv[2:])
    elif mode == "fail":
        write("failed", f"{gate} found a problem")
        print(f"{gate}: the problem in detail", file=sys.stderr)
        sys.exit(1)
    elif mode == "silent-pass":
        sys.exit(0)
    elif mode == "lie":
        write("passed", "all good, honest")
        sys.exit(1)
    elif mode == "garbage":
        (results / f"{gate}.json").write_text("{not json")
    elif mode == "not-run":
        write("not run", f"{gate} could not run here")
    elif mode == "hang":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        (marks / f"{gate}.child").write_text(str(child.pid))
        time.sleep(600)
    elif mode == "leak":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        (marks / f"{gate}.child").write_text(str(child.pid))
        write("passed", f"{gate} ok but leaves a server behind")
    """
)


@pytest.fixture
def fake_gate(tmp_path: Path) -> Path:
    script = tmp_path / "fake_gate.py"
    script.write_text(FAKE_GATE, encoding="utf-8")
    (tmp_path / "marks").mkdir()
    return script


@contextlib.contextmanager
def no_service(workdir: Path) -> Iterator[Mapping[str, str]]:
    """Stands in for the local index where a fake publish gate needs none."""
    yield {}


def make_plan(
    tmp_path: Path, fake_gate: Path, modes: Mapping[str, str], **overrides: object
) -> Plan:
    env = {
        **os.environ,
        "FAKE_GATES": json.dumps(dict(modes)),
        "FAKE_MARKS": str(tmp_path / "marks"),
    }
    env.pop("PIP_AUDIT_OSV_URL", None)
    options: dict[str, object] = {
        "gates": GATES,
        "command_for": lambda gate, args: [sys.executable, str(fake_gate), gate.name],
        "results_dir": tmp_path / "results",
        "dist_dir": tmp_path / "dist",
        "services": {"local_index": no_service, "seeded_index": no_service},
        "timeout_s": 30.0,
        "cwd": tmp_path,
        "env": env,
        "progress": io.StringIO(),
    }
    options.update(overrides)
    return Plan(**options)  # type: ignore[arg-type]


def statuses(results: Sequence[GateResult]) -> dict[str, Status]:
    return {r.gate: r.status for r in results}


def ran(tmp_path: Path, gate: str) -> bool:
    return (tmp_path / "marks" / f"{gate}.ran").exists()


def alive(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie (an unreaped corpse is not running)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_all_gates_pass(tmp_path: Path, fake_gate: Path) -> None:
    plan = make_plan(tmp_path, fake_gate, {})
    results = Rehearsal(plan).run()
    assert set(statuses(results).values()) == {Status.PASSED}
    assert exit_code_for(results, offline=False) == 0
    assert exit_code_for(results, offline=True, require_releasable=True) == 0
    progress = plan.progress.getvalue()  # type: ignore[attr-defined]
    for gate in GATES:
        assert f"==> {gate.name}: started" in progress
        assert f"<== {gate.name}: PASSED in " in progress
    # The decided results are on disk for the report.
    decided = GateResult.from_json((tmp_path / "results" / "smoke.json").read_text())
    assert decided.status is Status.PASSED
    assert decided.details["rehearsal"]["exit_code"] == 0


def test_failed_gate_skips_dependents_but_independent_gates_still_run(
    tmp_path: Path, fake_gate: Path
) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"build": "fail"})).run()
    found = statuses(results)
    assert found["build"] is Status.FAILED
    for dependent in ("smoke", "sbom", "verify", "publish"):
        assert found[dependent] is Status.SKIPPED
        assert not ran(tmp_path, dependent), f"{dependent} ran although build failed"
    for independent in ("version", "licenses", "audit"):
        assert found[independent] is Status.PASSED
    assert exit_code_for(results, offline=False) == 1
    build = next(r for r in results if r.gate == "build")
    assert "the problem in detail" in build.details["rehearsal"]["output_tail"]
    publish = next(r for r in results if r.gate == "publish")
    assert "build failed" in publish.summary


def test_skips_propagate_through_the_graph(tmp_path: Path, fake_gate: Path) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"sbom": "fail"})).run()
    found = statuses(results)
    assert found["smoke"] is Status.PASSED  # a sibling of the failure
    assert found["verify"] is Status.SKIPPED
    assert found["publish"] is Status.SKIPPED
    assert "verify skipped" in next(r for r in results if r.gate == "publish").summary


def test_offline_marks_network_gates_not_run_never_passed(tmp_path: Path, fake_gate: Path) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {}, offline=True)).run()
    found = statuses(results)
    assert found["audit"] is Status.NOT_RUN
    assert not ran(tmp_path, "audit")
    # The rest of the release is still rehearsed, publish included.
    assert found["publish"] is Status.PASSED
    assert exit_code_for(results, offline=True) == 0
    # ... but the same results are never good enough for a real release,
    # nor for a script that asked for the verdict RELEASABLE (`&& git tag`).
    assert exit_code_for(results, offline=False) == 1
    assert exit_code_for(results, offline=True, require_releasable=True) == 1
    audit = next(r for r in results if r.gate == "audit")
    assert "PIP_AUDIT_OSV_URL" in audit.summary
    assert "not releasable" in audit.summary


def test_offline_still_fails_when_a_gate_that_ran_failed(tmp_path: Path, fake_gate: Path) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"licenses": "fail"}, offline=True)).run()
    assert statuses(results)["publish"] is Status.SKIPPED
    assert exit_code_for(results, offline=True) == 1


class _OsvHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def loopback_server() -> Iterator[str]:
    with serving(_OsvHandler) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def test_offline_runs_the_audit_against_a_reachable_loopback_service(
    tmp_path: Path, fake_gate: Path
) -> None:
    plan = make_plan(tmp_path, fake_gate, {}, offline=True)
    with loopback_server() as url:
        plan.env = {**plan.env, "PIP_AUDIT_OSV_URL": url}
        results = Rehearsal(plan).run()
    assert statuses(results)["audit"] is Status.PASSED
    assert ran(tmp_path, "audit")


def test_offline_does_not_run_the_audit_against_an_unreachable_service(
    tmp_path: Path, fake_gate: Path
) -> None:
    with loopback_server() as url:
        pass  # now closed: nothing listens on that port any more
    plan = make_plan(tmp_path, fake_gate, {}, offline=True)
    plan.env = {**plan.env, "PIP_AUDIT_OSV_URL": url}
    results = Rehearsal(plan).run()
    audit = next(r for r in results if r.gate == "audit")
    assert audit.status is Status.NOT_RUN
    assert "not reachable" in audit.summary


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("silent-pass", "exited with 0 but wrote no result"),
        ("lie", "exited with 1 although its result says 'passed'"),
        ("garbage", "unreadable result"),
    ],
)
def test_fails_closed_when_exit_code_and_result_disagree(
    tmp_path: Path, fake_gate: Path, mode: str, reason: str
) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"licenses": mode})).run()
    licenses = next(r for r in results if r.gate == "licenses")
    assert licenses.status is Status.FAILED
    assert reason in licenses.summary
    assert "fake licenses output line" in licenses.details["rehearsal"]["output_tail"]
    assert statuses(results)["publish"] is Status.SKIPPED


def test_a_gate_reporting_not_run_online_blocks_the_release(
    tmp_path: Path, fake_gate: Path
) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"audit": "not-run"})).run()
    assert statuses(results)["audit"] is Status.NOT_RUN
    assert statuses(results)["publish"] is Status.SKIPPED
    assert exit_code_for(results, offline=False) == 1


def test_a_hanging_gate_is_stopped_by_the_timeout_with_its_children(
    tmp_path: Path, fake_gate: Path
) -> None:
    plan = make_plan(tmp_path, fake_gate, {"smoke": "hang"}, timeout_s=3.0)
    start = time.monotonic()
    results = Rehearsal(plan).run()
    assert time.monotonic() - start < 25
    smoke = next(r for r in results if r.gate == "smoke")
    assert smoke.status is Status.FAILED
    assert "timed out after 3 s" in smoke.summary
    assert statuses(results)["sbom"] is Status.PASSED  # independent of smoke
    marks = tmp_path / "marks"
    assert not alive(int((marks / "smoke.ran").read_text()))
    assert not alive(int((marks / "smoke.child").read_text()))


def test_a_gate_that_leaves_a_process_behind_fails_and_the_process_is_killed(
    tmp_path: Path, fake_gate: Path
) -> None:
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"publish": "leak"})).run()
    publish = next(r for r in results if r.gate == "publish")
    assert publish.status is Status.FAILED
    assert "left processes running" in publish.summary
    assert not alive(int((tmp_path / "marks" / "publish.child").read_text()))


def test_a_missing_gate_command_fails_that_gate_only(tmp_path: Path, fake_gate: Path) -> None:
    def command(gate: Gate, args: Sequence[str]) -> list[str]:
        if gate.name == "sbom":
            return [str(tmp_path / "no-such-nox"), "-s", "sbom"]
        return [sys.executable, str(fake_gate), gate.name]

    results = Rehearsal(make_plan(tmp_path, fake_gate, {}, command_for=command)).run()
    sbom = next(r for r in results if r.gate == "sbom")
    assert sbom.status is Status.FAILED
    assert "could not start" in sbom.summary
    assert statuses(results)["smoke"] is Status.PASSED


def test_a_failing_session_without_result_shows_its_output(tmp_path: Path, fake_gate: Path) -> None:
    # What `nox -s <gate>` does for a session that does not exist yet: prints and exits 1.
    def command(gate: Gate, args: Sequence[str]) -> list[str]:
        if gate.name == "verify":
            script = "import sys; print('Sessions not found: verify'); sys.exit(1)"
            return [sys.executable, "-c", script]
        return [sys.executable, str(fake_gate), gate.name]

    results = Rehearsal(make_plan(tmp_path, fake_gate, {}, command_for=command)).run()
    verify = next(r for r in results if r.gate == "verify")
    assert verify.status is Status.FAILED
    assert "exited with 1 but wrote no result" in verify.summary
    assert "Sessions not found: verify" in verify.details["rehearsal"]["output_tail"]


def test_a_stale_result_from_an_earlier_run_is_never_used(tmp_path: Path, fake_gate: Path) -> None:
    Rehearsal(make_plan(tmp_path, fake_gate, {})).run()
    results = Rehearsal(make_plan(tmp_path, fake_gate, {"version": "silent-pass"})).run()
    assert statuses(results)["version"] is Status.FAILED


def test_arguments_and_service_environment_reach_the_gate(tmp_path: Path, fake_gate: Path) -> None:
    events: list[str] = []

    @contextlib.contextmanager
    def service(workdir: Path) -> Iterator[Mapping[str, str]]:
        events.append("start")
        yield {"FAKE_SERVICE": f"index in {workdir.name}"}
        events.append("stop")

    seen_args: dict[str, list[str]] = {}

    def command(gate: Gate, args: Sequence[str]) -> list[str]:
        seen_args[gate.name] = list(args)
        return [sys.executable, str(fake_gate), gate.name]

    stand_ins: dict[str, Service] = {"local_index": service, "seeded_index": no_service}
    plan = make_plan(tmp_path, fake_gate, {}, services=stand_ins, command_for=command)
    results = Rehearsal(plan).run()
    assert seen_args["build"] == ["--out", str(tmp_path / "dist")]
    publish = next(r for r in results if r.gate == "publish")
    assert publish.details["seen"] == "index in publish"
    assert events == ["start", "stop"]
    # The service's environment (credentials) never shows up in the command line.
    assert seen_args["publish"] == ["--dist", str(tmp_path / "dist")]


def test_a_service_that_cannot_start_fails_its_gate(tmp_path: Path, fake_gate: Path) -> None:
    @contextlib.contextmanager
    def broken(workdir: Path) -> Iterator[Mapping[str, str]]:
        raise RuntimeError("pypiserver did not come up")
        yield {}

    plan = make_plan(
        tmp_path, fake_gate, {}, services={"local_index": broken, "seeded_index": no_service}
    )
    publish = next(r for r in Rehearsal(plan).run() if r.gate == "publish")
    assert publish.status is Status.FAILED
    assert "pypiserver did not come up" in publish.summary
    assert not ran(tmp_path, "publish")


def test_parallel_jobs_give_the_same_outcome(tmp_path: Path, fake_gate: Path) -> None:
    plan = make_plan(tmp_path, fake_gate, {"build": "fail"}, jobs=3)
    found = statuses(Rehearsal(plan).run())
    assert found["licenses"] is Status.PASSED
    assert found["smoke"] is Status.SKIPPED


INTERRUPTED = textwrap.dedent(
    """
    import io, json, os, sys
    from pathlib import Path
    from release_gates.registry import Gate
    from release_gates.rehearsal.schedule import Plan, Rehearsal
    tmp = Path(sys.argv[1])
    plan = Plan(
        gates=[Gate("version"), Gate("licenses", needs=("version",))],
        command_for=lambda gate, args: [sys.executable, sys.argv[2], gate.name],
        results_dir=tmp / "results", dist_dir=tmp / "dist", cwd=tmp,
    )
    Rehearsal(plan).run()
    """
)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_leaves_no_process_behind(
    tmp_path: Path, fake_gate: Path, signum: int
) -> None:
    env = {
        **os.environ,
        "FAKE_GATES": json.dumps({"licenses": "hang"}),
        "FAKE_MARKS": str(tmp_path / "marks"),
        "PYTHONPATH": str(Path(schedule.__file__).resolve().parents[2]),
    }
    script = INTERRUPTED.replace(
        "Rehearsal(plan).run()", "cli.stop_on_signals()\nRehearsal(plan).run()"
    ).replace(
        "from release_gates.rehearsal.schedule import",
        "from release_gates.rehearsal import cli\nfrom release_gates.rehearsal.schedule import",
    )
    # SIGINT ignored from the start, as for a job a script put in the background.
    orchestrator = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path), str(fake_gate)],
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    child_mark = tmp_path / "marks" / "licenses.child"
    deadline = time.monotonic() + 20
    while not child_mark.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert child_mark.exists(), "the hanging gate never started"
    time.sleep(0.2)
    orchestrator.send_signal(signum)
    assert orchestrator.wait(timeout=20) != 0
    assert not alive(int((tmp_path / "marks" / "licenses.ran").read_text()))
    assert not alive(int(child_mark.read_text()))


def test_nox_command_passes_reuse_flags_and_arguments() -> None:
    command = cli.nox_command("/nox/python", ["--reuse-venv", "yes", "--no-install"])
    line = command(Gate("build"), ["--out", "dist"])
    assert line[:3] == ["/nox/python", "-m", "nox"]
    assert line[line.index("-s") + 1] == "build"
    assert line[-4:] == ["--no-install", "--", "--out", "dist"]


PUBLISH_PROBE = textwrap.dedent(
    """
    import json, os, sys, urllib.request
    from pathlib import Path
    env = os.environ
    simple = env["RELEASE_INDEX_SIMPLE_URL"]
    status = urllib.request.urlopen(simple, timeout=10).status
    details = {
        "simple": simple,
        "upload": env["TWINE_REPOSITORY_URL"],
        "status": status,
        "has_credentials": bool(env.get("TWINE_USERNAME") and env.get("TWINE_PASSWORD")),
        "argv": sys.argv[1:],
    }
    result = {"gate": "publish", "status": "passed", "summary": "probed", "details": details}
    Path(env["RELEASE_GATES_RESULTS"], "publish.json").write_text(json.dumps(result))
    """
)


def test_publish_gets_a_real_local_index_by_environment_and_it_stops_after(
    tmp_path: Path, fake_gate: Path
) -> None:
    # pypiserver comes from the gate-tests lock; it is never imported here, since
    # importing it installs an import hook that breaks later tests in this process.
    probe = tmp_path / "probe.py"
    probe.write_text(PUBLISH_PROBE, encoding="utf-8")

    def command(gate: Gate, args: Sequence[str]) -> list[str]:
        if gate.name == "publish":
            return [sys.executable, str(probe), *args]
        return [sys.executable, str(fake_gate), gate.name]

    plan = make_plan(tmp_path, fake_gate, {}, services=services.SERVICES, command_for=command)
    publish = next(r for r in Rehearsal(plan).run() if r.gate == "publish")
    assert publish.status is Status.PASSED, publish.summary
    details = publish.details
    assert details["status"] == 200
    assert details["simple"].startswith("http://127.0.0.1:")
    assert details["has_credentials"] is True
    assert details["argv"] == ["--dist", str(tmp_path / "dist")]  # no URL, no password
    # The index is gone once the gate is done.
    with pytest.raises(OSError):
        urllib.request.urlopen(details["simple"], timeout=5)


def test_offline_version_gate_reads_the_seeded_local_index(tmp_path: Path, fake_gate: Path) -> None:
    """The real version gate, offline, checks the release version against a local index
    that the rehearsal seeded with an earlier release: the check runs, it is not NOT RUN."""
    version_gate = registry.gate("version")

    def command(gate: Gate, args: Sequence[str]) -> list[str]:
        if gate is version_gate:
            return [sys.executable, "-m", gate.module, "--root", str(paths.ROOT), *args]
        return [sys.executable, str(fake_gate), gate.name]

    plan = make_plan(
        tmp_path,
        fake_gate,
        {},
        gates=[version_gate],
        services=services.SERVICES,
        command_for=command,
        offline=True,
        env={**make_plan(tmp_path, fake_gate, {}).env, "PYTHONPATH": str(paths.ROOT / "tools")},
    )
    [version] = Rehearsal(plan).run()
    assert version.status is Status.PASSED, version.summary
    earlier = earlier_version(project_name_version(paths.PYPROJECT)[1])
    assert version.details["index_check"] == "passed"
    assert version.details["index_other_versions"] == [earlier]
    assert version.details["index"].startswith("http://127.0.0.1:")
    with pytest.raises(OSError):  # the seeded index stopped with the gate
        urllib.request.urlopen(version.details["index"], timeout=5)


PREPARE = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    gate, mode = sys.argv[1], sys.argv[2]
    marks = Path(os.environ["FAKE_MARKS"])
    (marks / f"{gate}.preparing").write_text(str(os.getpid()))
    if mode == "hang":
        time.sleep(600)
    if mode == "fail":
        sys.exit(1)
    (marks / f"{gate}.prepared").write_text("ok")
    """
)


def warm_up_plan(tmp_path: Path, fake_gate: Path, prepare_mode: str, **overrides: object) -> Plan:
    prepare = tmp_path / "prepare.py"
    prepare.write_text(PREPARE, encoding="utf-8")
    return make_plan(
        tmp_path,
        fake_gate,
        {"version": "slow"},
        prepare_for=lambda gate: [sys.executable, str(prepare), gate.name, prepare_mode],
        prepared_command_for=lambda gate, args: [
            sys.executable,
            str(fake_gate),
            gate.name,
            "--prepared",
        ],
        **overrides,
    )


def test_warm_up_installs_waiting_gates_ahead_and_runs_them_in_place(
    tmp_path: Path, fake_gate: Path
) -> None:
    results = Rehearsal(warm_up_plan(tmp_path, fake_gate, "ok")).run()
    assert set(statuses(results).values()) == {Status.PASSED}
    marks = tmp_path / "marks"
    assert not (marks / "version.preparing").exists()  # ready at once: nothing to win
    assert (marks / "build.prepared").exists()  # the longest path first, while version ran
    for result in results:
        prepared = (marks / f"{result.gate}.prepared").exists()
        assert result.details["argv"] == (["--prepared"] if prepared else []), result.gate


def test_a_failed_warm_up_only_means_the_gate_installs_as_usual(
    tmp_path: Path, fake_gate: Path
) -> None:
    results = Rehearsal(warm_up_plan(tmp_path, fake_gate, "fail")).run()
    assert set(statuses(results).values()) == {Status.PASSED}
    assert (tmp_path / "marks" / "licenses.preparing").exists()
    assert all(result.details["argv"] == [] for result in results)


def test_a_hanging_warm_up_is_stopped_and_leaves_nothing_behind(
    tmp_path: Path, fake_gate: Path
) -> None:
    plan = warm_up_plan(tmp_path, fake_gate, "hang", timeout_s=3.0)
    results = Rehearsal(plan).run()
    assert set(statuses(results).values()) == {Status.PASSED}
    for mark in (tmp_path / "marks").glob("*.preparing"):
        assert not alive(int(mark.read_text())), mark.name


def test_nox_warm_up_commands() -> None:
    install, run = cli.nox_warm_up("/py", ["--reuse-venv", "no"])
    assert install(Gate("smoke"))[-4:] == ["smoke", "--reuse-venv", "no", "--install-only"]
    line = run(Gate("smoke"), ["--dist", "d"])
    assert line[line.index("smoke") + 1 :] == [
        "--reuse-venv",
        "yes",
        "--no-install",
        "--",
        "--dist",
        "d",
    ]


def test_dependents_follow_the_graph() -> None:
    build = next(gate for gate in GATES if gate.name == "build")
    assert schedule.dependents(GATES, build) == {"smoke", "sbom", "verify", "publish"}
    publish = next(gate for gate in GATES if gate.name == "publish")
    assert schedule.dependents(GATES, publish) == set()


def test_require_releasable_is_an_option_of_the_rehearsal_command_line() -> None:
    assert cli.parse_args(["--offline"]).require_releasable is False
    options = cli.parse_args(["--offline", "--require-releasable"])
    assert options.offline and options.require_releasable
