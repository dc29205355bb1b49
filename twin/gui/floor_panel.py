"""The central panel: the floor view with its height slider, colour choice, arrows and probe."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout,
                               QWidget)

from twin.gui.floor_view import FloorView

HEIGHT_STEP_M = 0.1
COLOR_MODES = (("power", "Racks by power density"), ("intake", "Racks by intake temperature"),
               ("coolant", "Racks by coolant return temperature"))


class FloorPanel(QWidget):
    """FloorView plus the controls that choose what it shows."""

    sigHeightChanged = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = FloorView()
        self.height_slider = QSlider(Qt.Horizontal)
        self.height_slider.setObjectName("heightSlider")
        self.height_slider.setToolTip("Height of the temperature plane above the floor")
        self.height_label = QLabel()
        self.height_label.setMinimumWidth(70)
        self.color_mode = QComboBox()
        for key, text in COLOR_MODES:
            self.color_mode.addItem(text, key)
        self.arrows = QCheckBox("Airflow arrows")
        self.probe = QLabel("Hover over the floor to probe the temperature")
        self.probe.setObjectName("probeLabel")
        self._build()
        self.height_slider.valueChanged.connect(self._on_height)
        self.color_mode.currentIndexChanged.connect(
            lambda: self.view.set_color_mode(self.color_mode.currentData()))
        self.arrows.toggled.connect(self.view.show_arrows)
        self.view.sigProbe.connect(self.probe.setText)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Plane height"))
        bar.addWidget(self.height_slider, 1)
        bar.addWidget(self.height_label)
        bar.addSpacing(12)
        bar.addWidget(self.color_mode)
        bar.addWidget(self.arrows)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 0)
        box.addLayout(bar)
        box.addWidget(self.view, 1)
        box.addWidget(self.probe)

    def set_room_height(self, room_z_m: float, height_m: float) -> None:
        """Slider range 0.1 m .. room height - 0.1 m, placed at height_m."""
        steps = max(int(round(room_z_m / HEIGHT_STEP_M)) - 1, 1)
        self.height_slider.blockSignals(True)
        self.height_slider.setRange(1, steps)
        self.height_slider.blockSignals(False)
        self.set_height(height_m)

    def set_height(self, height_m: float) -> None:
        value = int(round(height_m / HEIGHT_STEP_M))
        value = min(max(value, self.height_slider.minimum()), self.height_slider.maximum())
        if value == self.height_slider.value():
            self._on_height(value)
        self.height_slider.setValue(value)

    def height_m(self) -> float:
        return round(self.height_slider.value() * HEIGHT_STEP_M, 3)

    def _on_height(self, value: int) -> None:
        z_m = self.height_m()
        self.height_label.setText(f"{z_m:.1f} m")
        self.view.set_height(z_m)
        self.sigHeightChanged.emit(z_m)

    def set_color_mode(self, mode: str) -> None:
        index = self.color_mode.findData(mode)
        if index >= 0:
            self.color_mode.setCurrentIndex(index)
            self.view.set_color_mode(mode)      # also when the box already showed it
