"""Tracker exports proved with real clients: Taskwarrior imports the JSON into
a throw-away data folder, exports it back with every task, due date,
recurrence and UDA intact, and a second import duplicates nothing;
iCalendar components validated with the icalendar library; Jira, GitLab and
Todoist CSV read back."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO_CORPUS, SEED_000, SEED_001
from icalendar import Calendar

from congvan.pipeline.exports import gitlab, ical, jira, source, taskwarrior, todoist
from congvan.pipeline.exports.items import VN_TZ, due_day

FILES = [SEED_000, SEED_001,
         REPO_CORPUS / "114_cd-224-cd-ttg-thu-tuong-chinh-phu.txt", REPO_CORPUS / "133_kh-179-kh-ubnd-uy-ban-nhan-dan-tinh-dong-nai.txt"]
AS_OF = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def tasks() -> tuple[list, dict]:
    letters = [l for f in FILES for l in source.load(f)[0]]
    items, by_id = source.action_items(letters)
    assert any(i.rrule for i in items) and any(i.deadline and i.deadline.date for i in items)
    return items, by_id


def _task(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["task", "rc.confirmation=off", "rc.verbose=nothing", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("task") is None, reason="taskwarrior not installed (scripts/setup.sh installs it)")
def test_taskwarrior_round_trip_and_no_duplicates(tasks, tmp_path: Path) -> None:
    items, letters = tasks
    data = tmp_path / "data"
    data.mkdir()
    rc = tmp_path / "taskrc"
    rc.write_text(f"data.location={data}\nrecurrence.confirmation=off\n" + taskwarrior.taskwarrior_rc(), encoding="utf-8")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data), "HOME": str(tmp_path)}
    exported = tmp_path / "tasks.json"
    # Anchored on today: Taskwarrior generates every instance due before its own clock.
    exported.write_text(taskwarrior.to_taskwarrior(items, letters, dt.date.today()), encoding="utf-8")
    ours = json.loads(exported.read_text(encoding="utf-8"))

    first = _task(env, "import", str(exported))
    assert first.returncode == 0, first.stderr
    back = {t["uuid"]: t for t in json.loads(_task(env, "export").stdout)}
    assert set(back) == {t["uuid"] for t in ours}          # every task, and Taskwarrior generated none of its own
    for t in ours:
        got = back[t["uuid"]]
        for key in ("description", "due", "recur", "parent", "project", "priority", *taskwarrior.TW_UDAS):
            assert got.get(key) == t.get(key), (key, t["congvanid"])
        assert set(got["tags"]) == set(t["tags"])
    # The stable id survives as a UDA and names the same task as the uuid.
    for item in items:
        assert back[taskwarrior.task_uuid(item.id)]["congvanid"] == item.id
    recurring = [t for t in back.values() if t["status"] == "recurring"]
    assert recurring and all(t.get("recur") and t.get("due") for t in recurring)
    dated = next(i for i in items if i.deadline and i.deadline.date and i.deadline.date.precision == "day")
    due = dt.datetime.strptime(back[taskwarrior.task_uuid(dated.id)]["due"], taskwarrior.TW_FORMAT).replace(tzinfo=dt.timezone.utc)
    assert due.astimezone(VN_TZ).date().isoformat() == dated.deadline.date.iso   # end of that day in Vietnam

    _task(env, "list")            # lets Taskwarrior run its recurrence pass
    second = _task(env, "import", str(exported))
    assert second.returncode == 0, second.stderr
    again = json.loads(_task(env, "export").stdout)
    assert len(again) == len(back) and {t["uuid"] for t in again} == set(back)


def test_handling_loop_reads_taskwarrior_completion(tasks, tmp_path: Path) -> None:
    from congvan.pipeline.exports.source import load_done

    items, letters = tasks
    tw = json.loads(taskwarrior.to_taskwarrior(items[:3], letters, AS_OF))
    tw[0]["status"], tw[0]["end"] = "completed", "20260110T020000Z"
    (tmp_path / "export.json").write_text(json.dumps(tw), encoding="utf-8")
    assert load_done(tmp_path / "export.json") == {tw[0]["congvanid"]: dt.date(2026, 1, 10)}


def test_ical_has_vtodo_and_vevent_components(tasks) -> None:
    items, letters = tasks
    cal = Calendar.from_ical(ical.to_ical(items, letters))
    todos, events = cal.walk("VTODO"), cal.walk("VEVENT")
    assert len(todos) == len(items)
    assert {str(t["UID"]) for t in todos} == {i.id for i in items}
    with_day = [i for i in items if due_day(i, letters.get(i.letter_id))]
    assert {str(e["UID"]) for e in events} == {f"{i.id}-due" for i in with_day}
    for comp in [*todos, *events]:
        assert comp.get("UID") and comp.get("DTSTAMP")
        assert comp.get("DUE") or comp.get("DTSTART") or comp.name == "VTODO"
        if comp.get("RRULE"):
            assert comp.get("DTSTART"), "RFC 5545: a rule needs DTSTART"
    for ev in events:
        item = next(i for i in items if f"{i.id}-due" == str(ev["UID"]))
        start = ev.decoded("DTSTART")
        assert start == due_day(item, letters.get(item.letter_id))
        assert ev.decoded("DTEND") == start + dt.timedelta(days=1)
        assert bool(ev.get("RRULE")) == bool(item.rrule)


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_jira_csv_links_subtasks_to_their_letter(tasks) -> None:
    items, letters = tasks
    rows = _rows(jira.to_jira(items, letters))
    assert list(rows[0]) [0] == "Summary"
    parents = {r["Issue ID"]: r for r in rows if r["Issue Type"] == "Task"}
    subs = [r for r in rows if r["Issue Type"] == "Sub-task"]
    assert len(subs) == len(items) and len(parents) == len({i.letter_id for i in items})
    assert all(r["Parent"] in parents for r in subs)
    assert len({r["Issue ID"] for r in rows}) == len(rows)
    for r in subs:
        item = next(i for i in items if i.id == r["Congvan ID"])
        due = due_day(item, letters.get(item.letter_id))
        assert r["Due date"] == (due.strftime("%Y-%m-%d") if due else "")   # the declared yyyy-MM-dd
    assert jira.jira_config()["config.date.format"] == "yyyy-MM-dd"
    assert rows == _rows(jira.to_jira(items, letters))   # stable: a re-export is the same file


def test_gitlab_and_todoist_csv(tasks) -> None:
    items, letters = tasks
    gl = _rows(gitlab.to_gitlab(items, letters))
    assert list(gl[0]) == ["title", "description", "due_date"] and len(gl) == len(items)
    assert all(i.id in r["description"] for i, r in zip(items, gl))
    (single,) = todoist.to_todoist(items, letters)
    td = _rows(single)
    assert list(td[0])[:3] == ["TYPE", "CONTENT", "DESCRIPTION"]
    assert sum(r["TYPE"] == "task" for r in td) == len(items)
    assert sum(r["TYPE"] == "section" for r in td) == len({i.letter_id for i in items})
    quarterly = [r for r, i in zip([r for r in td if r["TYPE"] == "task"], items) if i.recurrence == "quarterly"]
    assert all(r["DATE"].startswith("every 3 months") for r in quarterly)


# ------------------------------------------------------------ at an archive's scale

from scale_store import CONDITION_DEADLINE, scale_db  # noqa: E402,F401
from typer.testing import CliRunner  # noqa: E402

from congvan.pipeline.cli import app  # noqa: E402


def _cli(*args: str) -> object:
    out = CliRunner().invoke(app, list(args))
    assert out.exit_code == 0, out.output
    return out


@pytest.mark.skipif(shutil.which("task") is None, reason="taskwarrior not installed (scripts/setup.sh installs it)")
def test_taskwarrior_imports_a_thousand_letters_completely(scale_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "all.json"
    out = _cli("export", "taskwarrior", str(scale_db), "-o", str(exported))
    # The deadline read off a condition (1945) is dropped with a warning, not written.
    assert f"due date {CONDITION_DEADLINE.iso} is outside" in out.output
    ours = json.loads(exported.read_text(encoding="utf-8"))
    letters, _ = source.load(scale_db)
    items = source.action_items(letters)[0]
    assert len(items) > 10_000 and {t["congvanid"] for t in ours} == {i.id for i in items}   # every task of a thousand letters
    assert all(t.get("due", "1971") >= "1971" and t.get("entry", "1971") >= "1971" for t in ours)
    data = tmp_path / "data"
    data.mkdir()
    rc = tmp_path / "taskrc"
    rc.write_text(f"data.location={data}\nrecurrence.confirmation=off\n" + taskwarrior.taskwarrior_rc(), encoding="utf-8")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data), "HOME": str(tmp_path)}
    first = _task(env, "import", str(exported))
    assert first.returncode == 0, first.stderr[-2000:]
    back = json.loads(_task(env, "export").stdout)
    assert {t["uuid"] for t in back} == {t["uuid"] for t in ours}
    second = _task(env, "import", str(exported))
    assert second.returncode == 0, second.stderr[-2000:]
    assert len(json.loads(_task(env, "export").stdout)) == len(back)      # a second import adds nothing


def test_todoist_files_are_within_todoist_limits(scale_db: Path, tmp_path: Path) -> None:
    letters, _ = source.load(scale_db)
    items, by_id = source.action_items(letters)
    out = _cli("export", "todoist", str(scale_db), "-o", str(tmp_path / "todoist.csv"))
    files = sorted(tmp_path.glob("todoist-*.csv"))
    assert len(files) > 1 and f"in {len(files)} file(s)" in out.output
    seen: list[str] = []
    for f in files:
        rows = _rows(f.read_bytes())
        assert 0 < sum(r["TYPE"] == "section" for r in rows) <= todoist.MAX_SECTIONS
        assert 0 < sum(r["TYPE"] == "task" for r in rows) <= todoist.MAX_TASKS
        assert rows[0]["TYPE"] == "section"
        seen += [r["DESCRIPTION"].rsplit("congvan id: ", 1)[1] for r in rows if r["TYPE"] == "task"]
    assert sorted(seen) == sorted(i.id for i in items)              # every task once, in one of the files
    refused = CliRunner().invoke(app, ["export", "todoist", str(scale_db)])
    assert refused.exit_code == 2 and "give -o FILE.csv" in refused.output


def test_jira_lists_every_parent_before_its_subtasks(scale_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "jira.csv"
    _cli("export", "jira", str(scale_db), "-o", str(path), "--since", "2020-01-01")
    rows = _rows(path.read_bytes())
    types = [r["Issue Type"] for r in rows]
    first_sub = types.index("Sub-task")
    assert set(types[:first_sub]) == {"Task"} and set(types[first_sub:]) == {"Sub-task"}
    parents = {r["Issue ID"] for r in rows if r["Issue Type"] == "Task"}
    assert {r["Parent"] for r in rows if r["Issue Type"] == "Sub-task"} == parents
    config = json.loads(path.with_suffix(".jira-config.json").read_text(encoding="utf-8"))
    assert set(config["config.field.mappings"]) == set(jira.JIRA_COLUMNS)   # Congvan ID is mapped too


def test_filters_keep_an_archive_from_arriving_as_thousands_of_overdue_issues(scale_db: Path, tmp_path: Path) -> None:
    def count(*args: str) -> int:
        path = tmp_path / "gl.csv"
        _cli("export", "gitlab", str(scale_db), "-o", str(path), "--as-of", "2026-01-15", *args)
        return len(_rows(path.read_bytes()))

    everything = count()
    recent = count("--since", "2025-01-01", "--until", "2025-12-31")
    open_only = count("--open-only")
    unit = count("--unit", "Văn phòng Bộ")
    assert everything > 10_000 and 0 < recent < everything / 10 and 0 < unit < everything / 5
    assert 0 < open_only < everything / 10
    # What --open-only keeps: not done, due at most 90 days ago (or recurring, or a young undated letter).
    letters, _ = source.load(scale_db)
    items, by_id, _ = source.Selection(open_only=True, as_of=dt.date(2026, 1, 15)).items(letters)
    assert len(items) == open_only
    for item in items:
        due = source.due_day(item, by_id[item.letter_id])
        recurring = item.rrule and not (item.deadline and item.deadline.date)
        assert recurring or (due is not None and due >= dt.date(2025, 10, 17)) or \
            (due is None and by_id[item.letter_id].issued.last_day() >= dt.date(2025, 1, 15))
    done = tmp_path / "done.txt"
    done.write_text("\n".join(i.id for i in items[:10]) + "\n", encoding="utf-8")
    assert count("--open-only", "--done", str(done)) == open_only - 10


def test_project_names_read_well_for_unnumbered_drafts() -> None:
    from congvan.models.records import DocumentNumber

    letter = congvan_parse_seed()
    blank = letter.model_copy(update={"number": DocumentNumber(number=None, symbol="UBND-KT", raw="Số: /UBND-KT")})
    assert taskwarrior.project_name(blank) == "congvan.UBND-KT"
    assert taskwarrior.project_name(letter) == "congvan.2536-BCT-VP"
    assert taskwarrior.project_name(letter.model_copy(update={"number": None})) is None


def congvan_parse_seed():
    import congvan

    return congvan.parse(SEED_001)
