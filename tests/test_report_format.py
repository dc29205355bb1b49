"""What report.html says and how: natural rack order, grouped numbers, no empty cells, no
folders of this machine, the model up front, the verdict split into what the change breaks
and what was already out of range, and figures with colour bars, axes and limit lines."""
import json
import re
from pathlib import Path

import pytest

from twin.cli import main
from twin.report.findings import findings
from twin.report.fmt import duration, natural_sorted, num
from twin.report.html import _model_banner

REPO = Path(__file__).resolve().parents[1]
LAYOUTS = REPO / "twin" / "layouts"
FAST = ["--model", "preview", "--cell-m", "0.4", "--quiet"]


def test_rack_ids_sort_naturally():
    ids = ["A10", "B1", "A2", "CRAH-10", "A1", "CRAH-9", "a3", "R2-10", "R2-9"]
    assert natural_sorted(ids) == ["A1", "A2", "a3", "A10", "B1", "CRAH-9", "CRAH-10", "R2-9", "R2-10"]
    assert natural_sorted(["B", "A", "A1", "A01"]) == ["A", "A01", "A1", "B"]


def test_numbers_group_thousands_and_never_leave_a_cell_empty():
    assert num(1234567.891) == "1,234,567.9"
    assert num(1303.94, 1) == "1,303.9"
    assert num(-8888.4, 0, sign=True) == "−8,888"
    assert num(17.0, 0, sign=True) == "+17"
    assert num(-0.04, 1, sign=True) == "±0.0"
    assert num(None) == num(float("nan")) == "n/a"
    assert duration(None, 10) == "over 10 min" and duration(0) == "already above"
    assert duration(0.4) == "under 1 s" and duration(200) == "3 min 20 s"


def fake_data(holds: bool) -> dict:
    """report.json of a hand-made pair: A10 over allowable and A2 over recommended before
    the change; the change pushes A3 over allowable (unless `holds`) and warms A10 by 2 K."""
    limits = {"recommended_c": [18.0, 27.0], "allowable_c": [15.0, 32.0], "ashrae_class": "A1"}
    base_racks = {"A2": 28.0, "A3": 30.0, "A10": 33.0, "A1": 22.0}
    rise = {"A1": 0.5, "A2": 0.5, "A3": 0.5 if holds else 3.0, "A10": 0.3 if holds else 2.0}
    scen_racks = {r: t + rise[r] for r, t in base_racks.items()}
    newly = [] if holds else ["A3"]
    problems = [] if holds else ["racks newly above ...: A3"]
    return {
        "scenario_name": "fail CRAH-2", "ride_through": None,
        "baseline": {"metrics": {**limits, "racks_above_allowable": ["A10"],
                                 "racks_above_recommended": ["A10", "A2"]},
                     "racks": {r: {"inlet_max_c": t} for r, t in base_racks.items()},
                     "power": {"overloaded": []}},
        "scenario": {"metrics": {**limits, "racks_above_allowable": ["A10"] + newly,
                                 "racks_above_recommended": ["A10", "A2"] + newly},
                     "racks": {r: {"inlet_max_c": t} for r, t in scen_racks.items()}},
        "deltas": {"racks": {r: {"inlet_max_delta_k": rise[r]} for r in rise},
                   "newly_above_allowable": newly, "above_allowable": ["A10"] + newly,
                   "newly_above_recommended": newly, "dark_racks": [], "newly_overloaded": [],
                   "verdict": {"holds": holds, "problems": problems, "warnings": []}},
    }


def test_the_verdict_separates_what_the_change_breaks_from_what_was_out_of_range():
    f = findings(fake_data(holds=False))
    assert not f.holds
    assert f.broken == ["1 rack newly above the allowable 32 °C intake maximum: A3",
                        "1 rack already above 32 °C get more than 0.5 K hotter: A10"]
    assert f.already == ["1 rack above the allowable 32 °C: A10",
                         "1 rack above the recommended 27 °C (within the allowable): A2"]
    assert not any("A2" in line for line in f.broken)
    assert f.lead[0] == ("The scenario “fail CRAH-2” raises rack intake maxima by 0.5 to 3.0 K; "
                         "the hottest, A10, takes in 35.0 °C, above the allowable 32 °C.")


def test_a_change_that_holds_still_lists_the_baseline_problems_as_not_its_own():
    f = findings(fake_data(holds=True))
    assert f.holds and f.broken == []
    assert f.already[0] == "1 rack above the allowable 32 °C: A10"


def test_preview_model_is_announced_and_accurate_is_not_called_preview():
    assert "Preview model." in _model_banner({"model": "preview", "cell_m": 0.3})
    accurate = _model_banner({"model": "accurate", "cell_m": 0.2})
    assert "Preview" not in accurate and "accurate" in accurate and "0.2 m grid" in accurate


@pytest.fixture(scope="module")
def hall_report(tmp_path_factory):
    """The default hall (racks A1-A12 ...) with CRAH-W2 failed, preview model."""
    out = tmp_path_factory.mktemp("hall") / "report"
    assert main(["report", str(LAYOUTS / "air_hall.yaml"), "--fail", "CRAH-W2",
                 "--out", str(out), *FAST]) == 0
    return out


def cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page, re.S)]


def test_report_html_is_a_finished_document(hall_report):
    page = (hall_report / "report.html").read_text(encoding="utf-8")
    assert page.index("Preview model.") < page.index("Verdict:")
    assert page.index("Broken by this change") < page.index("Already out of range before the change")
    texts = cells(page)
    assert texts and all(t.replace("&nbsp;", "").strip() for t in texts)          # no empty cell
    numbers = [t for t in texts if re.fullmatch(r"[−+±]?[\d,]+(\.\d+)?", t)]
    assert any("," in t for t in numbers)                           # e.g. 1,303.9 kW
    assert not [t for t in numbers if re.fullmatch(r"[−+±]?\d{4,}(\.\d+)?", t)]   # all grouped
    table = page[page.index("<h2>Racks</h2>"):page.index("<h2>Cooling units</h2>")]
    rows = re.findall(r"<tr><td class='id'>([A-Z]\d+)</td>", table)
    assert rows[:12] == [f"A{i}" for i in range(1, 13)] and rows == natural_sorted(rows)


def test_no_folder_of_this_machine_is_in_the_report(hall_report):
    data = json.loads((hall_report / "report.json").read_text())
    assert data["layout_file"] == "air_hall.yaml"
    assert data["baseline"]["layout_path"] == "air_hall.yaml"
    for name in ("report.html", "report.json", "racks.csv", "cooling_units.csv", "power.csv"):
        text = (hall_report / name).read_text(encoding="utf-8")
        for folder in (str(LAYOUTS), str(REPO), str(hall_report), str(Path.home())):
            assert folder not in text, (name, folder)


def test_figures_have_colour_bars_axes_legends_and_limit_lines(hall_report):
    page = (hall_report / "report.html").read_text(encoding="utf-8")
    figs = re.findall(r"<div class='fig'[^>]*>(.*?)</div>", page, re.S)
    assert len(figs) == 5                       # baseline, scenario, change, intakes, ride-through
    texts = [" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", f)) for f in figs]
    for text in texts[:3]:                      # floor maps
        assert "x (m)" in text and "y (m)" in text and "N" in text.split()
        assert "CRAH-W1" in text and "A10" in text
    assert "Air temperature (°C)" in texts[0] and "Air temperature (°C)" in texts[1]
    assert "Scenario minus baseline (K)" in texts[2]
    assert "FAILED" in texts[1] and "FAILED" in texts[2] and "FAILED" not in texts[0]
    for text in texts[3:]:                      # intake bars and ride-through lines
        assert "Intake maximum (°C)" in text
        assert "allowable maximum 32 °C" in text and "recommended maximum 27 °C" in text
    assert "baseline" in texts[3] and "Rack" in texts[3]
    assert "Minutes after the failure" in texts[4]
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))            # inline figures never share an id


def test_racks_without_power_lead_the_verdict():
    data = fake_data(holds=True)
    data["deltas"]["dark_racks"] = ["B10", "B2"]
    data["deltas"]["verdict"]["holds"] = False
    f = findings(data)
    assert f.lead[0] == "The scenario “fail CRAH-2” leaves 2 racks without power: B2, B10."
    assert f.lead[1].startswith("It raises rack intake maxima by 0.3 to 0.5 K")
    assert f.broken == ["2 racks lose power: B2, B10"]


def test_two_maps_share_a_page_and_a_large_hall_gets_a_page_per_map():
    from twin.report.figures import map_size_in
    for room in ((7.2, 6.0), (12.0, 12.0), (6.0, 14.0), (30.0, 4.0)):
        height_in, width_in, plot_h = map_size_in(*room)
        assert 2 * height_in < 10.0 and width_in <= 7.0, room     # A4 text height ~10.4 in
    height_in, width_in, plot_h = map_size_in(19.8, 22.8)
    assert 6.0 < plot_h <= 7.0 and height_in < 10.0 and width_in <= 7.0
