"""The equipment catalog shipped with dctwin: AI systems, a CPU server, switches.

Maximum power and height are from the makers' documentation named in `source`;
typical and idle figures are estimates (typical: sustained training load; idle:
powered on, no jobs) and are marked as such. docs/power.md lists them.
"""
from __future__ import annotations

from twin.model.layout import EquipmentType

BUILTIN_TYPES = (
    EquipmentType(
        model="dgx-h100", name="NVIDIA DGX H100", manufacturer="NVIDIA", u_height=8,
        max_power_kw=10.2, typical_power_kw=8.0, idle_power_kw=2.0,
        accelerators=8, accelerator_type="H100 SXM5 80GB", airflow="front-to-rear",
        source="NVIDIA DGX H100 User Guide: 8U, six 3.3 kW supplies (4+2), 10.2 kW maximum; "
               "typical and idle estimated"),
    EquipmentType(
        model="dgx-b200", name="NVIDIA DGX B200", manufacturer="NVIDIA", u_height=10,
        max_power_kw=14.3, typical_power_kw=11.5, idle_power_kw=2.8,
        accelerators=8, accelerator_type="B200 180GB", airflow="front-to-rear",
        source="NVIDIA DGX B200 User Guide: 10U, six 3.3 kW supplies, about 14.3 kW maximum; "
               "typical and idle estimated"),
    EquipmentType(
        model="hgx-h200-8gpu", name="HGX H200 8-GPU server", manufacturer="generic",
        u_height=8, max_power_kw=10.2, typical_power_kw=8.0, idle_power_kw=2.0,
        accelerators=8, accelerator_type="H200 SXM 141GB", airflow="front-to-rear",
        source="8U air-cooled server on the HGX H200 baseboard (8 x 700 W GPUs); maximum "
               "taken as the DGX H200's 10.2 kW, typical and idle estimated"),
    EquipmentType(
        model="gb200-nvl72", name="NVIDIA GB200 NVL72", manufacturer="NVIDIA", u_height=48,
        max_power_kw=132.0, typical_power_kw=120.0, idle_power_kw=30.0,
        accelerators=72, accelerator_type="B200 (GB200 superchip)", airflow="front-to-rear",
        liquid_heat_pct=85, coolant_flow_lpm=170.0,
        source="NVIDIA GB200 NVL72 rack-scale system (18 compute and 9 NVLink switch trays, "
               "power shelves): about 120 kW, 132 kW power-shelf maximum; modelled as one "
               "unit filling a 48U rack; liquid share and idle estimated; coolant flow "
               "estimated as 1.5 L/min per kW of maximum liquid heat"),
    EquipmentType(
        model="hgx-b200-8gpu-lc", name="HGX B200 8-GPU server, direct-to-chip liquid cooled",
        manufacturer="generic", u_height=4, max_power_kw=14.3, typical_power_kw=11.5,
        idle_power_kw=2.8, accelerators=8, accelerator_type="B200 180GB",
        airflow="front-to-rear", liquid_heat_pct=80, coolant_flow_lpm=17.0,
        source="4U liquid-cooled server on the HGX B200 baseboard (8 GPUs and CPUs on cold "
               "plates); maximum taken as the DGX B200's 14.3 kW; height, typical, idle, "
               "liquid share and coolant flow (1.5 L/min per kW of maximum liquid heat) "
               "estimated"),
    EquipmentType(
        model="hgx-h200-8gpu-lc", name="HGX H200 8-GPU server, direct-to-chip liquid cooled",
        manufacturer="generic", u_height=4, max_power_kw=10.2, typical_power_kw=8.0,
        idle_power_kw=2.0, accelerators=8, accelerator_type="H200 SXM 141GB",
        airflow="front-to-rear", liquid_heat_pct=75, coolant_flow_lpm=11.5,
        source="4U liquid-cooled server on the HGX H200 baseboard (8 x 700 W GPUs and CPUs "
               "on cold plates); maximum taken as the DGX H200's 10.2 kW; height, typical, "
               "idle, liquid share and coolant flow (1.5 L/min per kW of maximum liquid "
               "heat) estimated"),
    EquipmentType(
        model="dlc-server-2u", name="Generic 2U direct-to-chip server (2 CPUs, 4 GPUs)",
        manufacturer="generic", u_height=2, max_power_kw=4.0, typical_power_kw=3.2,
        idle_power_kw=1.0, accelerators=4, airflow="front-to-rear", liquid_heat_pct=75,
        coolant_flow_lpm=4.5,
        source="generic direct-to-chip server, CPUs and GPUs on cold plates, memory, drives "
               "and power supplies air cooled; every figure estimated"),
    EquipmentType(
        model="cpu-server-1u", name="2-socket 1U CPU server", manufacturer="generic",
        u_height=1, max_power_kw=0.8, typical_power_kw=0.45, idle_power_kw=0.2,
        accelerators=0, airflow="front-to-rear",
        source="generic dual-socket 1U server (two 250-350 W CPUs, 1+1 800 W supplies); "
               "estimates in line with published SPECpower_ssj2008 results"),
    EquipmentType(
        model="ib-switch-ndr-1u", name="NVIDIA Quantum-2 QM9700 (64 x 400G NDR)",
        manufacturer="NVIDIA", u_height=1, max_power_kw=1.72, typical_power_kw=0.75,
        idle_power_kw=0.5, accelerators=0, airflow="front-to-rear",
        source="NVIDIA Quantum-2 QM9700 datasheet: 1U, about 1.7 kW maximum with active "
               "optics, about 0.75 kW with passive cables; idle estimated"),
    EquipmentType(
        model="mgmt-switch-1u", name="1U management Ethernet switch (48 x 1G)",
        manufacturer="generic", u_height=1, max_power_kw=0.15, typical_power_kw=0.08,
        idle_power_kw=0.06, accelerators=0, airflow="front-to-rear",
        source="generic 48-port 1GbE switch; estimates"),
)
