"""CI means it: with CI=true a test whose tool is missing fails instead of skipping."""

import re
from pathlib import Path

import pytest

from tests.tools import require, require_file, require_tool

TESTS = Path(__file__).resolve().parents[1]
MISSING = "shuxiang-no-such-tool"


def test_a_missing_tool_skips_on_a_developers_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match=f"{MISSING} is missing \\(apt-get"):
        require_tool(MISSING, "apt-get install it")


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_a_missing_tool_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)

    with pytest.raises(pytest.fail.Exception, match="CI=true needs it"):
        require_tool(MISSING, "apt-get install it")
    with pytest.raises(pytest.fail.Exception, match="the shared seed"):
        require_file("/nonexistent/seed.txt", "the shared seed", "../shared/")


def test_what_is_there_passes_either_way(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    seed = tmp_path / "seed.txt"
    seed.write_text("一、总则")

    require(True, "anything", "nothing to do")
    assert require_file(seed, "a seed", "-") == seed
    assert require_tool("python3", "-")


def test_no_test_skips_for_a_missing_tool_on_its_own():
    """Every skip goes through tests/tools.py, so that CI=true turns it into a failure."""
    skipping = re.compile(r"pytest\.skip\(|pytest\.mark\.skip|skipif|importorskip")
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        if path.name != "tools.py" and path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if skipping.search(line)
    ]
    assert offenders == [], "use tests.tools.require…() instead of skipping: " + ", ".join(
        offenders
    )
