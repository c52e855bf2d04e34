"""What a screen reader gets beyond Qt's defaults: headings, charts, spoken announcements.

- Labels styled as headings (``role`` h1, h2 or h3) are reported as headings, so a
  screen reader can list them and jump between them as on a web page.
- A chart view is reported as a chart.
- :func:`announce` speaks a message that appeared without the focus moving (what is
  missing in an answer, "Saved", a problem with a name). Qt's Alert event never
  reached AT-SPI; its announcement event (Qt 6.8) does.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QLabel, QWidget

HEADING_ROLES = ("h1", "h2", "h3")
_INSTALLED = "crisisquizAccessibility"
# The interfaces made here, kept alive as long as their widgets: Qt holds only a pointer.
_made: dict[int, QAccessibleInterface] = {}


class _Heading(QAccessibleWidget):
    """A label read as a heading, named by its text."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label, QAccessible.Role.Heading)
        self._label = label

    def text(self, kind: QAccessible.Text) -> str:
        """The name is the heading's text, or the words set for it (a verdict without its
        symbol)."""
        if kind == QAccessible.Text.Name:
            return self._label.accessibleName() or self._label.text()
        return super().text(kind)


class _Chart(QAccessibleWidget):
    """A chart view read as a chart, named by the name and summary its panel gives it."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view, QAccessible.Role.Chart)


def _factory(_key: str, obj: QObject) -> QAccessibleInterface | None:
    interface: QAccessibleInterface | None = None
    if isinstance(obj, QLabel) and obj.property("role") in HEADING_ROLES:
        interface = _Heading(obj)
    elif isinstance(obj, QWidget) and obj.inherits("QChartView"):
        # By class name: importing Qt Charts here would load it at start-up for nothing.
        interface = _Chart(obj)
    if interface is not None:
        key = id(obj)
        _made[key] = interface
        obj.destroyed.connect(lambda *_args, key=key: _made.pop(key, None))
    return interface


def install_accessibility(app: QApplication) -> None:
    """Report headings and charts as such in every window (a second call does nothing)."""
    if app.property(_INSTALLED):
        return
    QAccessible.installFactory(_factory)
    app.setProperty(_INSTALLED, True)


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    """Have a screen reader speak ``message`` now, on behalf of ``widget``.

    ``assertive`` interrupts what is being read (for a mistake to fix); otherwise the
    message waits its turn (for "Saved" and the like).
    """
    if not message:
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
