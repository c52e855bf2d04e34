"""The mouse wheel scrolls the page, not the value of a drop-down list the pointer passes over.

Qt lets the wheel change a combo box (and a spin box) under the pointer, with or without
the focus, so scrolling down the Settings page could switch the theme, the text size or
the retention on the way (a screen puts the focus on its first control by itself). A
closed drop-down and a spin box never take the wheel: it goes to the page around them,
which scrolls. Their values change with the keys, the arrows and the open list.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox, QWidget

_INSTALLED = "crisisquizWheelGuard"


class WheelGuard(QObject):
    """An application-wide event filter; see the module's docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Pass wheel events over combo boxes and spin boxes on to the page around them."""
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(event, QWheelEvent)
            and isinstance(watched, QComboBox | QAbstractSpinBox)
        ):
            area = _scroll_area_around(watched)
            if area is None:
                event.ignore()  # not accepted: Qt hands a real wheel on to the parents
                return True
            viewport = area.viewport()
            place = watched.mapTo(viewport, event.position().toPoint())
            QCoreApplication.sendEvent(
                viewport,
                QWheelEvent(
                    QPointF(place),
                    event.globalPosition(),
                    event.pixelDelta(),
                    event.angleDelta(),
                    event.buttons(),
                    event.modifiers(),
                    event.phase(),
                    event.inverted(),
                ),
            )
            event.accept()
            return True
        return super().eventFilter(watched, event)


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def install_wheel_guard(app: QCoreApplication) -> None:
    """Install one :class:`WheelGuard` on ``app`` (a second call does nothing)."""
    if app.property(_INSTALLED):
        return
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    app.setProperty(_INSTALLED, True)
