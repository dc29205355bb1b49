"""A calibration as text, as JSON and as the calibrated layout file (with what was fitted)."""
from __future__ import annotations

import math

from twin.calibrate.calibration import Z95, Calibration
from twin.model import layout_text


def _num(value: float, digits: int = 3):
    return round(float(value), digits) if math.isfinite(value) else None


def to_dict(cal: Calibration, layout_path: str = "", measured_path: str = "") -> dict:
    """Every parameter and channel, the held-out score and the settings (JSON-ready)."""
    return {
        "layout": layout_path, "measured": measured_path, "readings": cal.source,
        "model": cal.settings.model, "cell_m": cal.settings.cell_m,
        "sensor_sigma_k": cal.settings.sensor_sigma_k, "solves": cal.solves, "notes": cal.notes,
        "parameters": [{"id": f.parameter.id, "kind": f.parameter.kind,
                        "targets": list(f.parameter.targets), "unit": f.parameter.unit,
                        "nominal": f.parameter.nominal, "value": _num(f.value, 4),
                        "sd": _num(f.sd, 4), "fitted": f.fitted,
                        "fixed_because": f.fixed_because} for f in cal.params],
        "channels": [{"name": c.channel.name, "measured": _num(c.measured),
                      "before": _num(c.before), "after": _num(c.after),
                      "sigma": _num(c.sigma), "held_out": c.held_out,
                      "predicted_sd": _num(c.predicted_sd)} for c in cal.channels],
        "fit_rms_before_k": _num(cal.residual_rms(False, after=False)),
        "fit_rms_after_k": _num(cal.residual_rms(False)),
        "held_out_rms_before_k": _num(cal.residual_rms(True, after=False)),
        "held_out_rms_after_k": _num(cal.residual_rms(True)),
        "held_out_max_k": _num(cal.held_out_max_k()),
        "held_out": [c.channel.name for c in cal.channels if c.held_out],
        "held_out_in_band": list(cal.held_out_in_band()),
    }


def parameter_value(f) -> str:
    if f.parameter.kind == "unit_supply":
        return f"{f.value:+.2f} K"
    return f"{f.value:.3f} x"


def parameter_lines(cal: Calibration) -> list[str]:
    lines = [f"{'parameter':<22} {'fitted':>10} {'± 95 %':>9}  note"]
    for f in cal.params:
        if f.fitted:
            lines.append(f"{f.parameter.id:<22} {parameter_value(f):>10} {Z95 * f.sd:>9.3f}  "
                         f"{f.parameter.describe_change(f.value)}")
        else:
            lines.append(f"{f.parameter.id:<22} {parameter_value(f):>10} {'fixed':>9}  {f.fixed_because}")
    return lines


def channel_lines(cal: Calibration) -> list[str]:
    width = max([7] + [len(c.channel.name) for c in cal.channels])
    lines = [f"{'reading':<{width}} {'measured':>9} {'before':>8} {'after':>8} {'resid':>7}  use"]
    for c in cal.channels:
        use = (f"held out, ± {Z95 * c.predicted_sd:.2f} K expected"
               + ("" if c.within_band else " (OUTSIDE)")) if c.held_out else "fit"
        lines.append(f"{c.channel.name:<{width}} {c.measured:>9.2f} {c.before:>8.2f} {c.after:>8.2f} "
                     f"{c.measured - c.after:>+7.2f}  {use}")
    return lines


def held_out_line(cal: Calibration) -> str:
    """The held-out score: RMS before and after, the largest misfit, and how many readings fall
    inside the 95 % band the fitted parameters' uncertainty predicts; "" with none held out."""
    held = [c.channel.name for c in cal.channels if c.held_out]
    if not held:
        return ""
    inside, total = cal.held_out_in_band()
    return (f"held-out check ({', '.join(held)}): RMS {cal.residual_rms(True, False):.2f} K "
            f"-> {cal.residual_rms(True):.2f} K, largest {cal.held_out_max_k():.2f} K; "
            f"{inside} of {total} within the 95 % band the fit predicts")


def lines(cal: Calibration) -> list[str]:
    """The report printed by `dctwin calibrate`."""
    out = [f"calibration from {cal.source} ({cal.settings.model} model, "
           f"{cal.settings.cell_m:g} m cells, readings ± {cal.settings.sensor_sigma_k:g} K)", ""]
    out += parameter_lines(cal) + [""] + channel_lines(cal) + [""]
    out.append(f"temperature misfit (RMS): fit readings {cal.residual_rms(False, False):.2f} K -> "
               f"{cal.residual_rms(False):.2f} K")
    if held_out_line(cal):
        out.append(held_out_line(cal))
    out += [f"note: {n}" for n in cal.notes]
    return out


def comment_block(cal: Calibration, layout_path: str, measured_path: str) -> list[str]:
    """The `#` lines put at the top of a calibrated layout: what was fitted from what."""
    out = [f"# Calibrated by dctwin calibrate from {layout_path}",
           f"# with {measured_path} ({cal.source}),",
           f"# {cal.settings.model} model at {cal.settings.cell_m:g} m, readings ± "
           f"{cal.settings.sensor_sigma_k:g} K. Fitted (± 95 %):"]
    for f in cal.params:
        if f.fitted:
            out.append(f"#   {f.parameter.id}: {parameter_value(f)} ± {Z95 * f.sd:.3f}")
    fixed = [f.parameter.id for f in cal.params if not f.fitted]
    if fixed:
        out.append(f"# Kept at nominal (not supported by the readings): {', '.join(fixed)}")
    inputs = sorted({n.split(':')[1] for n in cal.input_names})
    if inputs:
        out.append(f"# Rack power from the readings: {', '.join(inputs)}")
    out.append(f"# Held-out readings: RMS {cal.residual_rms(True):.2f} K"
               if any(c.held_out for c in cal.channels) else "# No held-out check.")
    return out


def calibrated_text(cal: Calibration, layout_path: str, measured_path: str) -> str:
    """The calibrated layout's file text: the original file with the fitted values spliced in."""
    body = layout_text(cal.layout).splitlines()
    if body and body[0].startswith("# Calibrated by dctwin"):     # a recalibration: drop the old block
        while body and body[0].startswith("#"):
            body.pop(0)
    return "\n".join(comment_block(cal, layout_path, measured_path) + body) + "\n"
