"""The NVML source: this machine's NVIDIA GPUs through nvidia-ml-py (`import pynvml`).

Without a driver `nvmlInit` raises NVMLError_LibraryNotFound at once: the
source turns `off` with NO_DRIVER and never raises. A GPU or driver lost
mid-run (any NVMLError on a read, timeouts included) keeps the last good
values, marked stale, with a warning. Metrics a GPU does not support are None.
"""
from __future__ import annotations

import socket
from typing import Any, Callable, Optional

from twin.telemetry.sample import CONNECTED, OFF, STALE, Frame, GpuSample
from twin.telemetry.source import Clock, TelemetrySource, wall_clock

NO_DRIVER = "no NVIDIA driver found; telemetry off"
MIB = 1024 * 1024
MAX_EVENTS_PER_READ = 64
# Errors that mean "this metric is not available here", not "the GPU is gone".
_FIELD_ERRORS = ("NVMLError_NotSupported", "NVMLError_NoPermission", "NVMLError_FunctionNotFound")
_NO_DRIVER_ERRORS = ("NVMLError_LibraryNotFound", "NVMLError_DriverNotLoaded")


def _load_pynvml() -> Any:
    import pynvml
    return pynvml


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class NvmlSource(TelemetrySource):
    """Per-GPU power, temperature, utilisation, memory, clocks, throttle, ECC and XID."""

    name = "NVML"

    def __init__(self, nvml: Any = None, host: Optional[str] = None, clock: Clock = wall_clock):
        super().__init__()
        self._nvml_module = nvml
        self.nvml: Any = None
        self.host = host or socket.gethostname()
        self.clock = clock
        self.driver_version = ""
        self._handles: list = []
        self._events: Any = None
        self._last: dict[int, GpuSample] = {}
        self._xid: dict[int, int] = {}
        self._initialised = False
        self._lost = ""                      # why every GPU failed the last read; "" if fine

    # -- connection ----------------------------------------------------------------------
    def _is(self, exc: BaseException, names: tuple[str, ...]) -> bool:
        return any(isinstance(exc, getattr(self.nvml, n, ())) for n in names
                   if isinstance(getattr(self.nvml, n, None), type))

    def open(self) -> Frame:
        """Initialise NVML and find the GPUs; an empty frame saying how that went."""
        try:
            self.nvml = self._nvml_module if self._nvml_module is not None else _load_pynvml()
        except ImportError:
            return self._off("nvidia-ml-py is not installed; telemetry off")
        try:
            self.nvml.nvmlInit()
            self._initialised = True
            self.driver_version = _text(self._call(self.nvml.nvmlSystemGetDriverVersion) or "")
            count = self.nvml.nvmlDeviceGetCount()
            self._handles = [self.nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
        except self.nvml.NVMLError as exc:
            if self._is(exc, _NO_DRIVER_ERRORS):
                return self._off(NO_DRIVER)
            return self._off(f"NVML could not start: {exc}; telemetry off")
        except Exception as exc:             # a broken binding or library: still never crash
            return self._off(f"NVML could not start: {type(exc).__name__}: {exc}; telemetry off")
        self._watch_xid()
        self.state = CONNECTED
        driver = f", driver {self.driver_version}" if self.driver_version else ""
        self.message = f"{len(self._handles)} GPUs{driver}"
        return Frame(self.clock(), (), self.state, self.message)

    def _off(self, message: str) -> Frame:
        self.shutdown()
        self.state, self.message = OFF, message
        return Frame(self.clock(), (), OFF, message)

    def _watch_xid(self) -> None:
        """Register for XID critical-error events where the driver allows it."""
        nvml = self.nvml
        try:
            self._events = nvml.nvmlEventSetCreate()
            for handle in self._handles:
                try:
                    nvml.nvmlDeviceRegisterEvents(handle, nvml.nvmlEventTypeXidCriticalError,
                                                  self._events)
                except nvml.NVMLError:
                    pass                     # not supported on this GPU (e.g. GeForce)
        except (nvml.NVMLError, AttributeError):
            self._events = None

    def shutdown(self) -> None:
        """Free the event set and shut NVML down, ignoring errors (the driver may be gone)."""
        if self.nvml is not None and self._events is not None:
            self._call(self.nvml.nvmlEventSetFree, self._events)
        self._events = None
        if self.nvml is not None and self._initialised:
            self._call(self.nvml.nvmlShutdown)
        self._initialised = False
        self._handles = []

    def close(self) -> None:
        self.shutdown()
        super().close()

    # -- reading -------------------------------------------------------------------------
    def _call(self, fn: Callable, *args) -> Any:
        """fn(*args), or None when it raises any NVMLError (used where failure is harmless)."""
        try:
            return fn(*args)
        except self.nvml.NVMLError:
            return None

    def _field(self, fn: Callable, *args) -> Any:
        """A metric: None when unsupported here; other NVMLErrors propagate (GPU trouble)."""
        try:
            return fn(*args)
        except self.nvml.NVMLError as exc:
            if self._is(exc, _FIELD_ERRORS):
                return None
            raise

    def read(self) -> Frame:
        """Every GPU's metrics; a GPU that fails keeps its last good values, marked stale."""
        if self.state == OFF or not self._initialised:
            return Frame(self.clock(), (), OFF, self.message or NO_DRIVER)
        now = self.clock()
        if self._lost and not self._reconnect():
            return self._stale_frame(now, f"NVML unavailable ({self._lost}); keeping last values")
        self._poll_xid()
        samples, warnings, reasons = [], [], []
        for index, handle in enumerate(self._handles):
            try:
                sample = self._read_gpu(now, index, handle)
                self._last[index] = sample
            except Exception as exc:         # NVMLError or a broken binding: never crash
                reasons.append(str(exc) or type(exc).__name__)
                warnings.append(f"GPU {index}: {reasons[-1]}; keeping last values")
                last = self._last.get(index) or GpuSample(now, self.host, index)
                sample = last.as_stale()
            samples.append(sample)
        if reasons and len(reasons) == len(self._handles):
            self._lost = reasons[0]          # every GPU failed: initialise again next time
        self.state = STALE if warnings else CONNECTED
        self.message = "; ".join(warnings) if warnings else f"{len(samples)} GPUs"
        return Frame(now, tuple(samples), self.state, self.message, tuple(warnings))

    def _stale_frame(self, now: float, message: str) -> Frame:
        """Every GPU's last good values, marked stale, with one warning."""
        samples = tuple((self._last.get(i) or GpuSample(now, self.host, i)).as_stale()
                        for i in range(len(self._handles)))
        self.state, self.message = STALE, message
        return Frame(now, samples, STALE, message, (message,))

    def _reconnect(self) -> bool:
        """After every GPU failed a read (driver reloaded, GPUs reset): initialise NVML again."""
        nvml = self.nvml
        try:
            self._call(nvml.nvmlShutdown)
            nvml.nvmlInit()
            count = nvml.nvmlDeviceGetCount()
            handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
        except Exception as exc:             # still gone: try again on the next read
            self._lost = str(exc) or type(exc).__name__
            return False
        if count != len(self._handles):
            self._last = {}
        self._handles, self._lost = handles, ""
        self._events = None
        self._watch_xid()
        return True

    def _read_gpu(self, now: float, index: int, handle: Any) -> GpuSample:
        nvml, field = self.nvml, self._field
        power_mw = field(nvml.nvmlDeviceGetPowerUsage, handle)
        temp = field(nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU)
        util = field(nvml.nvmlDeviceGetUtilizationRates, handle)
        memory = field(nvml.nvmlDeviceGetMemoryInfo, handle)
        return GpuSample(
            timestamp_s=now, host=self.host, gpu=index,
            power_w=None if power_mw is None else power_mw / 1000.0,
            temperature_c=None if temp is None else float(temp),
            utilization_pct=None if util is None else float(util.gpu),
            memory_used_mib=None if memory is None else memory.used / MIB,
            memory_total_mib=None if memory is None else memory.total / MIB,
            sm_clock_mhz=field(nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_SM),
            memory_clock_mhz=field(nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_MEM),
            throttle_reasons=self._throttle(handle),
            ecc_uncorrected=field(nvml.nvmlDeviceGetTotalEccErrors, handle,
                                  nvml.NVML_MEMORY_ERROR_TYPE_UNCORRECTED, nvml.NVML_VOLATILE_ECC),
            xid=self._xid.get(index), name=_text(self._call(nvml.nvmlDeviceGetName, handle) or ""))

    def _throttle(self, handle: Any) -> Optional[int]:
        """Clock-event (throttle) reasons; older bindings name the call differently."""
        fn = getattr(self.nvml, "nvmlDeviceGetCurrentClocksEventReasons", None) or \
            getattr(self.nvml, "nvmlDeviceGetCurrentClocksThrottleReasons")
        value = self._field(fn, handle)
        return None if value is None else int(value)

    def _poll_xid(self) -> None:
        """Drain pending XID events without waiting (timeout 0 ms)."""
        if self._events is None:
            return
        for _ in range(MAX_EVENTS_PER_READ):
            try:
                event = self.nvml.nvmlEventSetWait(self._events, 0)
            except Exception:                # NVMLError_Timeout: no event pending
                return
            for index, handle in enumerate(self._handles):
                if getattr(event, "device", None) == handle:
                    self._xid[index] = int(getattr(event, "eventData", 0))
