"""A question's picture: fitted to the column, described for screen readers, full size on demand.

The picture grows with the text size (a map drawn for 100 % text would be too small to
read beside 200 % text) but never wider than the reading column, nor taller than about
half the window, keeping its proportions. Its alt text from the pack is its accessible
description. A click, Enter or Space on it (or Alt+P anywhere in the question) opens it
at full size in a window of its own, which scrolls when the picture is larger.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.gui.questions.look import focus_colour, push_button, wrapped_label
from crisisquiz.gui.theme import current_text_scale

# At most this share of the window's height, so the question's inputs stay in sight.
MAX_HEIGHT_SHARE = 0.45
FULL_SIZE_KEY = "Alt+P"


class PictureView(QWidget):
    """A picture fitted to the width it is given; :attr:`opened` asks for it full size."""

    opened = Signal()

    def __init__(self, data: bytes, alt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionPicture")
        self.image = QImage.fromData(data)
        self.alt = alt
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Picture")
        self.setAccessibleDescription(f"{alt}. Press Enter or {FULL_SIZE_KEY} to see it full size.")
        self.setToolTip(f"Click to see the picture full size ({FULL_SIZE_KEY})")

    @property
    def readable(self) -> bool:
        """Whether the file is a picture Qt can draw."""
        return not self.image.isNull()

    def natural_size(self) -> QSize:
        """The picture's size at the current text size, before fitting."""
        scale = max(1.0, current_text_scale())
        size = self.image.size() / self.image.devicePixelRatio()
        return QSize(round(size.width() * scale), round(size.height() * scale))

    def fitted_size(self, width: int) -> QSize:
        """The size shown within ``width`` pixels and the height cap, proportions kept."""
        natural = self.natural_size()
        if natural.isEmpty():
            return QSize(0, 0)
        window = self.window()
        cap = round(window.height() * MAX_HEIGHT_SHARE) if window is not self else 0
        target = QSize(min(natural.width(), max(1, width)), natural.height())
        if cap > 0:
            target.setHeight(min(target.height(), cap))
        return natural.scaled(target, Qt.AspectRatioMode.KeepAspectRatio)

    def sizeHint(self) -> QSize:
        """The natural size (the layout narrows it with :meth:`heightForWidth`)."""
        return self.natural_size()

    def minimumSizeHint(self) -> QSize:
        """Small enough for any column."""
        return QSize(40, 40)

    def hasHeightForWidth(self) -> bool:
        """The height follows the width given."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The fitted picture's height at ``width``."""
        return self.fitted_size(width).height() + 6  # room for the focus ring

    def picture_rect(self) -> QRect:
        """Where the picture is drawn inside the widget."""
        size = self.fitted_size(self.width() - 6)
        return QRect(3, 3, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        """The picture, smoothly scaled, with a focus ring around it while focused."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self.picture_rect()
        painter.drawImage(target, self.image)
        if self.hasFocus():
            ring = QPen(QColor(focus_colour(self)))
            ring.setWidth(3)
            painter.setPen(ring)
            painter.drawRect(target.adjusted(-2, -2, 1, 1))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click on the picture opens it full size."""
        if event.button() == Qt.MouseButton.LeftButton and self.picture_rect().contains(
            event.position().toPoint()
        ):
            self.opened.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter or Space on the focused picture opens it full size."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.opened.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FullPicture(QDialog):
    """The picture at its own size (scrolling when larger than the screen), with its text."""

    def __init__(self, image: QImage, alt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Picture — crisisquiz")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(alt, object_name="pictureAlt"))
        self.picture = QLabel()
        self.picture.setObjectName("fullPicture")
        self.picture.setPixmap(QPixmap.fromImage(image))
        self.picture.setAccessibleName("Picture")
        self.picture.setAccessibleDescription(alt)
        area = QScrollArea()
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no silent Tab stop
        area.setWidget(self.picture)
        area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(area, 1)
        close = push_button("Close (Esc)")
        close.setAccessibleName("Close the picture")
        close.clicked.connect(self.accept)
        close.setDefault(True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        room = self.screen().availableGeometry()
        wanted = image.size() / image.devicePixelRatio() + QSize(48, 140)
        self.resize(
            min(wanted.width(), room.width() * 9 // 10),
            min(wanted.height(), room.height() * 9 // 10),
        )
        close.setFocus(Qt.FocusReason.OtherFocusReason)
