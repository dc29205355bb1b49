"""The replay as a side-by-side table, as JSON, and as a CSV time series."""
from __future__ import annotations

import csv
import io

from twin.telemetry.csvfile import format_timestamp

SERIES_COLUMNS = ("policy", "start", "end", "hours", "running_jobs", "busy_gpus", "it_kw",
                  "cooling_kw", "facility_kw", "hottest_intake_c", "hottest_rack",
                  "racks_above_recommended")


def run_dict(run) -> dict:
    """One policy's totals, peaks and jobs."""
    hot = run.hottest
    return {
        "policy": run.policy, "hours": run.hours,
        "hottest_intake_c": hot.state.hottest_intake_c, "hottest_rack": hot.state.hottest_rack,
        "hottest_at": format_timestamp(hot.start_s),
        "accurate_peaks": [{"at": format_timestamp(i.start_s), "preview_c": i.state.hottest_intake_c,
                            "accurate_c": t, "rack": rack} for i, t, rack in run.peaks],
        "hours_above_recommended": run.hours_above_recommended,
        "rack_hours_above_recommended": run.rack_hours_above_recommended,
        "it_kwh": run.it_kwh, "cooling_kwh": run.cooling_kwh, "facility_kwh": run.facility_kwh,
        "peak_facility_kw": run.peak_facility_kw, "peak_cdu_kw": run.peak_cdu_kw,
        "jobs_started": len(run.started), "jobs_queued_at_end": len(run.jobs) - len(run.started),
        "mean_wait_h": run.mean_wait_h, "max_wait_h": run.max_wait_h,
        "jobs": [{"job_id": j.job.job_id, "gpus": j.gpus, "power_pct": j.job.power_pct,
                  "start": format_timestamp(j.start_s) if j.start_s is not None else None,
                  "wait_h": j.wait_s / 3600.0 if j.wait_s is not None else None,
                  "racks": list(dict.fromkeys(s.rack for s, _ in j.servers))} for j in run.jobs],
    }


def replay_dict(runs: list, recommended_max_c: float) -> dict:
    return {"recommended_max_c": recommended_max_c, "policies": [run_dict(r) for r in runs],
            "series": [_series_row(r.policy, i) for r in runs for i in r.intervals]}


def _series_row(policy: str, i) -> dict:
    s = i.state
    row = {"policy": policy, "start": format_timestamp(i.start_s), "end": format_timestamp(i.end_s),
           "hours": round(i.hours, 4), "running_jobs": i.running_jobs, "busy_gpus": i.busy_gpus,
           "it_kw": round(s.it_kw, 3), "cooling_kw": round(s.cooling_kw, 3),
           "facility_kw": round(s.facility_kw, 3), "hottest_intake_c": round(s.hottest_intake_c, 3),
           "hottest_rack": s.hottest_rack, "racks_above_recommended": s.racks_above_recommended}
    row.update({f"cdu_{cdu}_kw": round(kw, 3) for cdu, kw in s.cdu_load_kw.items()})
    return row


def series_csv(runs: list) -> str:
    """One row per interval of constant power state, every policy in turn."""
    rows = [_series_row(r.policy, i) for r in runs for i in r.intervals]
    columns = list(SERIES_COLUMNS) + sorted({k for row in rows for k in row} - set(SERIES_COLUMNS))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def summary_rows(runs: list) -> list[tuple[str, list[str], str]]:
    """(figure, its text for each run, the second run's minus the first's or "") per line
    of the comparison; the difference only with two runs and both values known."""
    rec = runs[0].recommended_max_c
    rows = [
        ("hottest intake", lambda r: _intake(r.hottest.state),
         lambda r: r.hottest.state.hottest_intake_c, "K"),
        ("  accurate, at the peak", lambda r: (f"{r.peaks[0][1]:.1f} °C ({r.peaks[0][2]})"
                                               if r.peaks else "not confirmed"),
         lambda r: r.peaks[0][1] if r.peaks else None, "K"),
        (f"hours above {rec:g} °C", lambda r: f"{r.hours_above_recommended:.1f} h",
         lambda r: r.hours_above_recommended, "h"),
        ("rack-hours above", lambda r: f"{r.rack_hours_above_recommended:.1f} h",
         lambda r: r.rack_hours_above_recommended, "h"),
        ("IT energy", lambda r: f"{r.it_kwh:,.0f} kWh", lambda r: r.it_kwh, "kWh"),
        ("cooling energy", lambda r: f"{r.cooling_kwh:,.0f} kWh", lambda r: r.cooling_kwh, "kWh"),
        ("facility energy", lambda r: f"{r.facility_kwh:,.0f} kWh", lambda r: r.facility_kwh, "kWh"),
        ("peak facility power", lambda r: f"{r.peak_facility_kw:,.1f} kW",
         lambda r: r.peak_facility_kw, "kW"),
    ]
    for cdu in sorted(runs[0].peak_cdu_kw):
        rows.append((f"peak load {cdu}", lambda r, c=cdu: f"{r.peak_cdu_kw[c]:.1f} kW",
                     lambda r, c=cdu: r.peak_cdu_kw[c], "kW"))
    rows += [("jobs started", lambda r: f"{len(r.started)} of {len(r.jobs)}",
              lambda r: len(r.started), ""),
             ("mean queue wait", lambda r: f"{r.mean_wait_h:.2f} h", lambda r: r.mean_wait_h, "h"),
             ("max queue wait", lambda r: f"{r.max_wait_h:.2f} h", lambda r: r.max_wait_h, "h")]
    out = []
    for name, shown, value, unit in rows:
        difference = ""
        if len(runs) == 2 and value(runs[0]) is not None and value(runs[1]) is not None:
            difference = f"{value(runs[1]) - value(runs[0]):+,.1f} {unit}".rstrip()
        out.append((name, [shown(r) for r in runs], difference))
    return out


def format_replay(runs: list, title: str) -> str:
    """Each policy side by side; with two, the difference of the second from the first."""
    head = f"{'':<24}" + "".join(f"{r.policy:<24}" for r in runs)
    lines = [title, head + ("difference" if len(runs) == 2 else "")]
    for name, cells, difference in summary_rows(runs):
        lines.append(f"{name:<24}" + "".join(f"{cell:<24}" for cell in cells) + difference)
    if len(runs) == 2:
        lines.append(verdict(*runs))
    return "\n".join(lines) + "\n"


def _intake(state) -> str:
    return f"{state.hottest_intake_c:.1f} °C ({state.hottest_rack})"


def verdict(a, b) -> str:
    """Time above the recommended maximum first (what a trace shows), then the peak."""
    hours = b.hours_above_recommended - a.hours_above_recommended
    rack_hours = b.rack_hours_above_recommended - a.rack_hours_above_recommended
    peak = b.hottest.state.hottest_intake_c - a.hottest.state.hottest_intake_c
    better, worse = (a, b) if hours >= 0 else (b, a)
    return (f"{better.policy}: {abs(hours):.1f} fewer hours ({abs(rack_hours):.1f} fewer "
            f"rack-hours) above the recommended maximum than {worse.policy}; its hottest "
            f"intake is {abs(peak):.1f} K {'lower' if (peak >= 0) == (hours >= 0) else 'higher'} "
            "(preview model)")
