"""What the UI server may read for a visitor, and what its messages may reveal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pausegame.errors import InputError
from pausegame.sim.parameters import PARAMETERS
from pausegame.sim.scenario import load_scenario
from pausegame.viz import guard

ARTICLE = Path(__file__).resolve().parents[2] / "pausegame" / "scenarios" / "article.toml"
SECRET = "TOKEN-5f1c9e"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scenario folder with one good file, and secrets beside and below it."""
    inside = tmp_path / "scenarios"
    inside.mkdir()
    (inside / "mine.toml").write_text(ARTICLE.read_text())
    (inside / "notes.txt").write_text("not a scenario")
    (tmp_path / "outside.toml").write_text(f'token = "{SECRET}"\n')
    (inside / "link.toml").symlink_to(tmp_path / "outside.toml")
    return inside.resolve()


def refusal(name: object, folder: Path | None) -> str:
    with pytest.raises(InputError) as problem:
        guard.open_offered(name, folder)
    return str(problem.value)


def test_the_folder_offers_its_own_toml_files_only(folder):
    assert guard.folder_files(folder) == ["mine.toml"]
    assert guard.offered(folder)[-1] == "mine.toml"
    assert guard.open_offered("mine.toml", folder).labs == load_scenario("article").labs
    assert guard.folder_files(None) == []


@pytest.mark.parametrize(
    "typed",
    [
        "../outside.toml",
        "link.toml",
        "notes.txt",
        "missing.toml",
        "~/outside.toml",
        "/etc/passwd",
        "/proc/self/environ",
        "",
        "mine.toml/..",
        "./mine.toml",
    ],
)
def test_every_other_name_gets_the_same_message_and_reads_nothing(folder, typed):
    assert refusal(typed, folder) == f"scenario: {guard.NOT_OFFERED}"
    assert refusal(str(folder.parent / "outside.toml"), folder) == refusal(typed, folder)


def test_without_a_folder_only_built_ins_open(folder):
    for name in ("mine.toml", str(folder / "mine.toml"), str(ARTICLE)):
        assert refusal(name, None) == f"scenario: {guard.NOT_OFFERED}"
    assert guard.open_offered("article", None).name == load_scenario("article").name


@given(st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.text())))
def test_forged_dropdown_values_are_refused_unless_offered(value):
    if value in guard.offered(None):
        return
    with pytest.raises(InputError):
        guard.open_offered(value, None)


def test_large_uploads_are_refused_before_reading():
    def never() -> bytes:
        raise AssertionError("read the file")

    with pytest.raises(InputError, match=r"big\.toml: 100\.0 MiB is over the 1 MiB limit"):
        guard.open_upload("big.toml", 100 * 2**20, never)
    # A client that lies about the size still cannot send more than the limit.
    with pytest.raises(InputError, match="over the 1 MiB limit"):
        guard.open_upload("small.toml", 10, lambda: b"#" * (guard.UPLOAD_LIMIT + 1))


def test_an_upload_loads_and_its_name_is_shown_printable():
    scenario = guard.open_upload("mine.toml", 100, lambda: ARTICLE.read_bytes())
    assert scenario.labs == load_scenario("article").labs
    assert guard.display_name("a\x1b[31m\nb.toml") == "a[31mb.toml"


@pytest.mark.parametrize(
    "text",
    [
        f'[params]\nverification = "{SECRET}"\n',
        f"[params]\nverification = {SECRET[:0]}7\n",
        f'name = "x"\n[[states]]\nname = "A"\ntransparency = 0.5\n[[labs]]\nname = "L"\n'
        f'state = "{SECRET}"\ncapability = 0.3\nsafety = 0.3\n',
        f'[rules]\nlab = "{SECRET}"\n',
        f'description = 5\nname = "{SECRET}"\n[params]\nseed = "{SECRET}"\n',
        f"x = [1, 2\n{SECRET}",
    ],
)
def test_messages_name_the_field_never_the_value(text):
    with pytest.raises(InputError) as problem:
        guard.open_upload("mine.toml", len(text), lambda: text.encode())
    message = guard.public_message(problem.value)
    assert message.startswith("mine.toml: ")
    assert SECRET not in message and "\n" not in message


def test_out_of_range_messages_keep_the_allowed_range():
    with pytest.raises(InputError) as problem:
        guard.open_upload("m.toml", 30, lambda: b"[params]\nverification = 7\n")
    declared = next(p for p in PARAMETERS if p.name == "verification")
    assert guard.public_message(problem.value) == (
        "m.toml: params.verification is out of range: "
        f"allowed {declared.range_text} {declared.unit}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        ARTICLE.read_text().replace("capability = 0.490", "capability = 1" + "0" * 400, 1),
        ARTICLE.read_text().replace("capability = 0.490", "capability = 1" + "0" * 5000, 1),
    ],
    ids=["deep-nesting", "huge-integer", "huge-integer-beyond-int-limit"],
)
def test_crashing_uploads_become_one_line_messages(text):
    with pytest.raises(Exception) as problem:
        guard.open_upload("bad.toml", len(text), lambda: text.encode())
    message = guard.public_message(problem.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert os.sep + "site-packages" not in message
