"""Output wording: counts in the right number, °C everywhere, --help states the real defaults."""
import pytest

from twin.cli import build_parser, main
from twin.scenario.sweep import SweepResult, format_sweep
from twin.wording import count


def test_counts_agree_with_their_number():
    assert count(1, "case") == "1 case" and count(0, "case") == "0 cases" and count(12, "case") == "12 cases"
    assert count(1, "rack has") == "1 rack has" and count(3, "rack has") == "3 racks have"


def test_a_one_case_sweep_says_one_case_in_degrees_celsius():
    text = format_sweep(SweepResult(cases=["CRAH-1"], worst_inlet_max_c={"A1": 30.0},
                                    worst_case={"A1": "CRAH-1"}, baseline_inlet_max_c={"A1": 25.0},
                                    model="preview"))
    assert text.splitlines()[0] == "N-1 sweep, 1 case, preview model (allowable 32 °C)"
    assert "degC" not in text


@pytest.mark.parametrize("command", ["place", "setpoint"])
def test_place_and_setpoint_help_names_the_default_they_use(command, capsys):
    assert main([command, "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "default preview" in help_text and "default accurate" not in help_text
    sub = build_parser()._subparsers._group_actions[0].choices[command]
    assert sub.parse_args(["room.yaml"] + (["--kw", "5"] if command == "place" else [])).model == "preview"
