"""The look of the app: light or dark colours and one text size for every window.

The stylesheets in ``assets/styles/`` carry the colours; their font sizes are
placeholders (``${base}``, ``${h1}``, ...) filled in here from the system font
size times the chosen scale, so headings and body text grow together; ``${icons}``
is the folder of the arrow images the stylesheets use.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from string import Template

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from crisisquiz.core.app_settings import MAX_TEXT_SCALE, MIN_TEXT_SCALE, Theme
from crisisquiz.resources import asset_path

# The system font size is read once and kept on the application object, so that applying a
# new scale always starts from the system size rather than from the last scaled one.
_BASE_FONT_PROPERTY = "crisisquizBaseFontPointSize"
_FALLBACK_POINT_SIZE = 10.0

# How much bigger or smaller than body text each text role is.
_ROLE_FACTORS = {"base": 1.0, "small": 0.9, "large": 1.2, "h3": 1.15, "h2": 1.35, "h1": 1.75}


class Scheme(StrEnum):
    """The colour scheme actually shown (a :class:`Theme` with "system" resolved)."""

    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class _Colours:
    window: str
    text: str
    surface: str
    alternate: str
    button: str
    muted: str
    disabled: str
    highlight: str
    highlighted_text: str
    link: str
    tooltip: str
    tooltip_text: str


# The palette covers what the stylesheet does not reach: dialogs drawn by the style,
# scroll bars, menus' shortcut text, the file dialog.
_COLOURS = {
    Scheme.LIGHT: _Colours(
        window="#f5f6f8",
        text="#1a1d21",
        surface="#ffffff",
        alternate="#eef1f4",
        button="#ffffff",
        muted="#4b5563",
        disabled="#7a828c",
        highlight="#1d5fc4",
        highlighted_text="#ffffff",
        link="#1d5fc4",
        tooltip="#1a1d21",
        tooltip_text="#ffffff",
    ),
    Scheme.DARK: _Colours(
        window="#15181c",
        text="#e6e8eb",
        surface="#1f2328",
        alternate="#262b31",
        button="#262b31",
        muted="#aab2bd",
        disabled="#858d98",
        highlight="#2f6bd0",
        highlighted_text="#ffffff",
        link="#8ab4f8",
        tooltip="#e6e8eb",
        tooltip_text="#15181c",
    ),
}


def system_scheme() -> Scheme:
    """The scheme the operating system asks for (light when it does not say)."""
    hints = QGuiApplication.styleHints()
    return Scheme.DARK if hints.colorScheme() == Qt.ColorScheme.Dark else Scheme.LIGHT


def resolve_scheme(theme: Theme) -> Scheme:
    """The scheme to show for a theme setting."""
    if theme is Theme.SYSTEM:
        return system_scheme()
    return Scheme.DARK if theme is Theme.DARK else Scheme.LIGHT


def current_text_scale() -> float:
    """The text size shown now, as a factor of the system size (1.0 when unknown)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 1.0
    base = app.property(_BASE_FONT_PROPERTY)
    size = app.font().pointSizeF()
    if not isinstance(base, float) or base <= 0 or size <= 0:
        return 1.0
    return size / base


def clamp_scale(scale: float) -> float:
    """A text scale inside the range the settings allow."""
    return min(MAX_TEXT_SCALE, max(MIN_TEXT_SCALE, scale))


def stylesheet(scheme: Scheme, point_size: float) -> str:
    """The stylesheet for ``scheme`` with body text at ``point_size`` points."""
    template = Template(asset_path("styles", f"{scheme.value}.qss").read_text(encoding="utf-8"))
    values = {role: f"{point_size * factor:.1f}" for role, factor in _ROLE_FACTORS.items()}
    values["icons"] = asset_path("icons").as_posix()
    # Check boxes and radio buttons: about the height of a capital letter and a half.
    indicator = max(12, round(point_size * 1.45))
    values["indicator"] = str(indicator)
    values["indicator_radius"] = str((indicator + 4) // 2)
    # The arrow buttons of spin boxes and combo boxes, so they stay easy to hit at any size.
    button = max(20, round(point_size * 2.3))
    values["control_button"] = str(button)
    values["control_pad"] = str(button + 8)
    values["control_pad_focus"] = str(button + 6)
    values["arrow"] = str(max(10, round(point_size)))
    return template.substitute(values)


def palette(scheme: Scheme) -> QPalette:
    """A full palette for ``scheme``."""
    c = _COLOURS[scheme]
    pal = QPalette()
    role = QPalette.ColorRole
    for colour_role, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.surface),
        (role.AlternateBase, c.alternate),
        (role.Button, c.button),
        (role.ButtonText, c.text),
        (role.Text, c.text),
        (role.BrightText, c.highlighted_text),
        (role.Highlight, c.highlight),
        (role.HighlightedText, c.highlighted_text),
        (role.Link, c.link),
        (role.LinkVisited, c.link),
        (role.ToolTipBase, c.tooltip),
        (role.ToolTipText, c.tooltip_text),
        (role.PlaceholderText, c.muted),
    ):
        pal.setColor(colour_role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for colour_role in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, colour_role, QColor(c.disabled))
    return pal


class Appearance(QObject):
    """Applies the theme and the text size to the whole running application.

    With the "system" theme it follows the operating system when that switches
    between light and dark while the app is open.
    """

    changed = Signal()

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        base = app.property(_BASE_FONT_PROPERTY)
        if not isinstance(base, float) or base <= 0:
            size = app.font().pointSizeF()
            base = size if size > 0 else _FALLBACK_POINT_SIZE
            app.setProperty(_BASE_FONT_PROPERTY, base)
        self._base_point_size = float(base)
        self._theme = Theme.SYSTEM
        self._scale = 1.0
        self._scheme: Scheme | None = None
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    @property
    def theme(self) -> Theme:
        """The theme setting last applied."""
        return self._theme

    @property
    def scale(self) -> float:
        """The text scale last applied (1.0 is the system size)."""
        return self._scale

    @property
    def scheme(self) -> Scheme:
        """The colours currently shown."""
        return self._scheme or resolve_scheme(self._theme)

    @property
    def point_size(self) -> float:
        """The size of body text now, in points."""
        return self._base_point_size * self._scale

    def apply(self, theme: Theme, scale: float) -> None:
        """Show ``theme`` with text at ``scale`` times the system size, in every window."""
        self._theme = theme
        self._scale = clamp_scale(scale)
        self._refresh()

    def _refresh(self) -> None:
        scheme = resolve_scheme(self._theme)
        self._scheme = scheme
        if self._app.style().name().casefold() != "fusion":
            # Fusion draws every control from the palette, so both schemes look whole
            # on every platform.
            self._app.setStyle("Fusion")
        self._app.setPalette(palette(scheme))
        font = QFont(self._app.font())
        font.setPointSizeF(self.point_size)
        self._app.setFont(font)
        self._app.setStyleSheet(stylesheet(scheme, self.point_size))
        self.changed.emit()

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme is Theme.SYSTEM:
            self._refresh()
