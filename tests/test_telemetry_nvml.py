"""The NVML source against a fake pynvml: readings, unsupported metrics, every error path."""
import types
from collections import namedtuple

import pynvml
import pytest

from twin.telemetry import NO_DRIVER, NvmlSource, Poller
from twin.telemetry.sample import CONNECTED, OFF, STALE

Util = namedtuple("Util", "gpu memory")
Memory = namedtuple("Memory", "total free used")
Event = namedtuple("Event", "device eventType eventData")
MIB = 1024 * 1024


def error(code):
    """A real pynvml error instance (NVMLError maps the code to its subclass)."""
    return pynvml.NVMLError(code)


class FakeNvml(types.SimpleNamespace):
    """Enough of pynvml for the source: a few GPUs whose calls can be made to fail."""

    def __init__(self, gpus=2, init_error=None):
        super().__init__()
        for name in dir(pynvml):
            if name.startswith(("NVMLError", "NVML_", "nvmlEventType")):
                setattr(self, name, getattr(pynvml, name))
        self.gpus = gpus
        self.init_error = init_error
        self.fail = {}               # (function name, gpu or None) -> error code
        self.power_mw = [300_000 + 1000 * i for i in range(gpus)]
        self.events = []
        self.calls = []
        self.shut_down = False

    def _check(self, name, gpu=None):
        self.calls.append(name)
        for key in ((name, gpu), (name, None), ("*", gpu)):
            if key in self.fail:
                raise error(self.fail[key])

    def nvmlInit(self):
        if self.init_error is not None:
            raise error(self.init_error)

    def nvmlShutdown(self):
        self.shut_down = True

    def nvmlSystemGetDriverVersion(self):
        return "550.54.15"

    def nvmlDeviceGetCount(self):
        self._check("count")
        return self.gpus

    def nvmlDeviceGetHandleByIndex(self, i):
        return ("handle", i)

    def nvmlDeviceGetName(self, h):
        return b"NVIDIA H100 80GB HBM3"

    def nvmlDeviceGetPowerUsage(self, h):
        self._check("power", h[1])
        return self.power_mw[h[1]]

    def nvmlDeviceGetTemperature(self, h, sensor):
        self._check("temperature", h[1])
        return 55 + h[1]

    def nvmlDeviceGetUtilizationRates(self, h):
        self._check("utilization", h[1])
        return Util(97, 40)

    def nvmlDeviceGetMemoryInfo(self, h):
        self._check("memory", h[1])
        return Memory(80 * 1024 * MIB, 10 * 1024 * MIB, 70 * 1024 * MIB)

    def nvmlDeviceGetClockInfo(self, h, clock):
        self._check("clock", h[1])
        return 1980 if clock == pynvml.NVML_CLOCK_SM else 2619

    def nvmlDeviceGetCurrentClocksEventReasons(self, h):
        self._check("throttle", h[1])
        return 0x4

    def nvmlDeviceGetTotalEccErrors(self, h, kind, counter):
        self._check("ecc", h[1])
        return 0

    def nvmlEventSetCreate(self):
        self._check("events")
        return "event-set"

    def nvmlDeviceRegisterEvents(self, h, kinds, event_set):
        pass

    def nvmlEventSetWait(self, event_set, timeout_ms):
        if not self.events:
            raise error(pynvml.NVML_ERROR_TIMEOUT)
        return self.events.pop(0)

    def nvmlEventSetFree(self, event_set):
        pass


def opened(fake, **kwargs):
    source = NvmlSource(nvml=fake, host="node-1", clock=lambda: 1000.0, **kwargs)
    source.open()
    return source


def test_reads_every_metric_of_every_gpu():
    source = opened(FakeNvml(gpus=2))
    assert source.state == CONNECTED and "2 GPUs" in source.message and "550.54.15" in source.message
    frame = source.read()
    assert frame.state == CONNECTED and len(frame.samples) == 2
    s = frame.samples[1]
    assert (s.host, s.gpu, s.power_w, s.temperature_c, s.utilization_pct) == ("node-1", 1, 301.0, 56.0, 97.0)
    assert (s.memory_used_mib, s.memory_total_mib) == (70 * 1024, 80 * 1024)
    assert (s.sm_clock_mhz, s.memory_clock_mhz, s.throttle_reasons, s.ecc_uncorrected) == (1980, 2619, 4, 0)
    assert s.name == "NVIDIA H100 80GB HBM3" and not s.stale and s.xid is None
    assert frame.power_w == pytest.approx(601.0)


@pytest.mark.parametrize("code", [pynvml.NVML_ERROR_LIBRARY_NOT_FOUND, pynvml.NVML_ERROR_DRIVER_NOT_LOADED])
def test_no_driver_turns_the_source_off_without_raising(code):
    source = NvmlSource(nvml=FakeNvml(init_error=code), host="h")
    frame = source.open()
    assert (frame.state, frame.message) == (OFF, NO_DRIVER) == (source.state, source.message)
    assert source.read().state == OFF and source.read().samples == ()
    source.close()


def test_the_real_pynvml_without_a_driver_says_no_driver():
    source = NvmlSource(host="h")
    frame = source.open()
    if frame.state != OFF:
        pytest.skip("this machine has an NVIDIA driver")
    assert frame.message == NO_DRIVER and source.read().state == OFF


def test_other_init_failures_turn_off_with_the_reason():
    source = NvmlSource(nvml=FakeNvml(init_error=pynvml.NVML_ERROR_NO_PERMISSION), host="h")
    frame = source.open()
    assert frame.state == OFF and "Insufficient Permissions" in frame.message
    assert "telemetry off" in frame.message


def test_a_failing_device_count_at_start_turns_off():
    fake = FakeNvml()
    fake.fail[("count", None)] = pynvml.NVML_ERROR_UNKNOWN
    assert opened(fake).state == OFF and fake.shut_down


def test_unsupported_metrics_are_none_not_errors():
    fake = FakeNvml(gpus=1)
    for name in ("ecc", "throttle", "clock"):
        fake.fail[(name, 0)] = pynvml.NVML_ERROR_NOT_SUPPORTED
    fake.fail[("temperature", 0)] = pynvml.NVML_ERROR_NO_PERMISSION
    frame = opened(fake).read()
    s = frame.samples[0]
    assert frame.state == CONNECTED and s.power_w == 300.0
    assert s.ecc_uncorrected is s.throttle_reasons is s.sm_clock_mhz is s.temperature_c is None


@pytest.mark.parametrize("code", [pynvml.NVML_ERROR_GPU_IS_LOST, pynvml.NVML_ERROR_TIMEOUT,
                                  pynvml.NVML_ERROR_UNKNOWN, pynvml.NVML_ERROR_DRIVER_NOT_LOADED,
                                  pynvml.NVML_ERROR_UNINITIALIZED])
def test_a_gpu_lost_mid_run_keeps_its_last_values_marked_stale(code):
    fake = FakeNvml(gpus=2)
    source = opened(fake)
    good = source.read()
    fake.fail[("*", 1)] = code
    fake.power_mw[0] = 500_000
    frame = source.read()
    assert frame.state == STALE == source.state
    assert frame.warnings and "GPU 1" in frame.warnings[0] and "keeping last values" in frame.warnings[0]
    assert frame.samples[0].power_w == 500.0 and not frame.samples[0].stale
    assert frame.samples[1].stale and frame.samples[1].power_w == good.samples[1].power_w
    del fake.fail[("*", 1)]
    recovered = source.read()
    assert recovered.state == CONNECTED and not any(s.stale for s in recovered.samples)


def test_a_gpu_that_never_answered_is_listed_stale_without_values():
    fake = FakeNvml(gpus=1)
    fake.fail[("power", 0)] = pynvml.NVML_ERROR_GPU_IS_LOST
    frame = opened(fake).read()
    assert frame.state == STALE and frame.samples[0].stale and frame.samples[0].power_w is None


def test_a_binding_that_raises_something_else_is_contained():
    fake = FakeNvml(gpus=1)
    source = opened(fake)
    source.read()
    fake.nvmlDeviceGetPowerUsage = lambda h: (_ for _ in ()).throw(OSError("bus error"))
    frame = source.read()
    assert frame.state == STALE and frame.samples[0].stale and frame.samples[0].power_w == 300.0


def test_xid_events_are_attached_to_their_gpu():
    fake = FakeNvml(gpus=2)
    source = opened(fake)
    fake.events.append(Event(("handle", 1), pynvml.nvmlEventTypeXidCriticalError, 79))
    frame = source.read()
    assert frame.samples[1].xid == 79 and frame.samples[0].xid is None


def test_no_event_support_still_reads():
    fake = FakeNvml(gpus=1)
    fake.fail[("events", None)] = pynvml.NVML_ERROR_NOT_SUPPORTED
    assert opened(fake).read().samples[0].xid is None


def test_close_shuts_nvml_down_and_is_idempotent():
    fake = FakeNvml()
    source = opened(fake)
    source.close()
    source.close()
    assert fake.shut_down and source.state == OFF and source.read().state == OFF


def test_a_poller_on_a_machine_without_a_driver_reports_off_and_stops():
    seen = []
    poller = Poller(NvmlSource(nvml=FakeNvml(init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)),
                    interval_s=0.01, on_frame=lambda frame, live: seen.append(frame))
    poller.start()
    poller._thread.join(2.0)
    assert not poller.running and seen[0].state == OFF and seen[0].message == NO_DRIVER


def test_after_every_gpu_fails_the_source_initialises_nvml_again():
    fake = FakeNvml(gpus=2)
    inits = []
    real_init = fake.nvmlInit
    fake.nvmlInit = lambda: (inits.append(1), real_init())
    source = opened(fake)
    good = source.read()
    for gpu in (0, 1):
        fake.fail[("*", gpu)] = pynvml.NVML_ERROR_DRIVER_NOT_LOADED
    assert source.read().state == STALE                       # driver gone mid-run
    fake.init_error = pynvml.NVML_ERROR_DRIVER_NOT_LOADED
    frame = source.read()                                     # still gone: no crash, last values
    assert frame.state == STALE and "NVML unavailable" in frame.message
    assert [s.power_w for s in frame.samples] == [s.power_w for s in good.samples]
    assert all(s.stale for s in frame.samples) and len(inits) == 2
    fake.init_error = None
    fake.fail.clear()
    frame = source.read()                                     # driver back
    assert frame.state == CONNECTED and len(inits) == 3 and not any(s.stale for s in frame.samples)


def test_a_broken_binding_at_start_turns_off():
    fake = FakeNvml()
    fake.nvmlDeviceGetCount = lambda: (_ for _ in ()).throw(OSError("cannot map"))
    frame = opened(fake).read()
    assert frame.state == OFF and "OSError: cannot map" in frame.message
