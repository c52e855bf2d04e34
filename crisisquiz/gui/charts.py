"""Figures drawn for people: QtCharts charts in the app's colours, and tables of figures.

A chart is described by a builder (data in, :class:`QChart` out) and shown in a
:class:`ChartPanel`, which rebuilds it whenever the theme or the text size
changes, so light, dark and 200 % text all come out right. Every panel carries a
plain-words summary of its chart: screen readers read it, and anyone can.

:class:`FigureTable` is the sortable table the progress and class report screens
share: every figure is text (colours only add to it), it sorts on numbers rather
than on the text shown, and it is as tall as its rows so the page scrolls, not it.
"""

from __future__ import annotations

import colorsys
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractBarSeries,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QDate,
    QDateTime,
    QEvent,
    QMargins,
    QSortFilterProxyModel,
    Qt,
    QTime,
    QTimer,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crisisquiz.gui.report_pdf import heat_colour
from crisisquiz.gui.widgets import ContentColumn, Page, plain_tip, text_label

# Topic titles on a chart's axis wrap at this many characters (see wrap_label).
LABEL_LINE_CHARS = 16

# Tables and charts need more room than running text: the column of a figures page is
# this many lines of text wide at most (running text pages use widgets.COLUMN_WIDTH_IN_LINES).
FIGURES_WIDTH_IN_LINES = 84


@dataclass(frozen=True)
class ChartColours:
    """The colours a chart is drawn in, for the scheme showing."""

    dark: bool
    background: QColor
    text: QColor
    muted: QColor
    grid: QColor
    primary: QColor  # mastery, due reviews, quiz scores
    right: QColor
    wrong: QColor


# Blue and orange stay apart for every common kind of colour blindness; the "wrong" bars
# are also hatched, so the two parts differ in print and in greyscale too.
_SERIES = {
    False: {"primary": "#1d5fc4", "right": "#1d5fc4", "wrong": "#c2410c", "grid": "#d5dae1"},
    True: {"primary": "#6ea0f0", "right": "#5b9cf5", "wrong": "#f59e0b", "grid": "#353b44"},
}

# The focus ring colours of assets/styles (light, dark): views the stylesheets do not reach
# draw the same ring.
FOCUS_COLOURS = {False: "#b35900", True: "#fbbf24"}


def palette_is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark scheme (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def chart_colours(palette: QPalette) -> ChartColours:
    """The chart colours that go with ``palette``."""
    dark = palette_is_dark(palette)
    series = _SERIES[dark]
    return ChartColours(
        dark=dark,
        background=palette.color(QPalette.ColorRole.Base),
        text=palette.color(QPalette.ColorRole.Text),
        muted=palette.color(QPalette.ColorRole.PlaceholderText),
        grid=QColor(series["grid"]),
        primary=QColor(series["primary"]),
        right=QColor(series["right"]),
        wrong=QColor(series["wrong"]),
    )


def heat_colours(value: float, *, dark: bool) -> tuple[QColor, QColor]:
    """Background and text colour for a 0..1 figure: red (low) through amber to green (high).

    Light scheme: the pale shades of the PDF report under dark text; dark scheme: deep
    shades under light text. Either way the text keeps a contrast above 7:1.
    """
    if not dark:
        return QColor(heat_colour(value)), QColor("#1a1d21")
    clamped = min(1.0, max(0.0, value))
    red, green, blue = colorsys.hls_to_rgb(clamped / 3, 0.24, 0.55)
    background = QColor.fromRgbF(red, green, blue)
    return background, QColor("#f2f4f7")


def day_label(day: date) -> str:
    """A short date for axes and summaries, e.g. "12 Mar"."""
    return f"{day.day} {day:%b}"


def percent_text(ratio: float | None) -> str:
    """A 0..1 figure as a whole percentage ("62 %"), or a dash when there is none."""
    return "—" if ratio is None else f"{round(ratio * 100)} %"


ChartBuilder = Callable[[ChartColours, QFont], QChart]


def _font(base: QFont, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(base)
    size = base.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def new_chart(title: str, colours: ChartColours, font: QFont) -> QChart:
    """An empty chart with its title, in the scheme's colours and the app's fonts."""
    chart = QChart()
    chart.setTheme(
        QChart.ChartTheme.ChartThemeDark if colours.dark else QChart.ChartTheme.ChartThemeLight
    )
    # Drawn at once: charts that grow in are pretty but make screenshots and tests flaky.
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundBrush(QBrush(colours.background))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setTitle(title)
    chart.setTitleFont(_font(font, 1.15, bold=True))
    chart.setTitleBrush(QBrush(colours.text))
    legend = chart.legend()
    legend.setFont(_font(font, 0.95))
    legend.setLabelColor(colours.text)
    legend.setAlignment(Qt.AlignmentFlag.AlignTop)
    return chart


def add_axis(
    chart: QChart,
    axis: QAbstractAxis,
    alignment: Qt.AlignmentFlag,
    series: Sequence[QAbstractSeries],
    colours: ChartColours,
    font: QFont,
    *,
    title: str = "",
    grid: bool = True,
) -> None:
    """Put ``axis`` on ``chart`` for ``series``, styled to match the chart."""
    axis.setLabelsFont(_font(font, 0.9))
    axis.setLabelsColor(colours.text)
    axis.setLinePenColor(colours.muted)
    axis.setGridLineColor(colours.grid)
    axis.setGridLineVisible(grid)
    if title:
        axis.setTitleText(title)
        axis.setTitleFont(_font(font, 0.9))
        axis.setTitleBrush(QBrush(colours.text))
    chart.addAxis(axis, alignment)
    for one in series:
        one.attachAxis(axis)


_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)


def count_step(value: float) -> int:
    """A round step that covers ``value`` in at most five steps."""
    return next(
        (step for step in _STEPS if value <= step * 5), _STEPS[-1] * (int(value) // 50000 + 1)
    )


def count_axis(maximum: float) -> QValueAxis:
    """A value axis from 0 for whole counts, ticked at round numbers."""
    step = count_step(max(1.0, maximum))
    # One step above the tallest bar when it would touch the top, so it never looks cut off.
    top = (int(maximum) // step + 1) * step
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    return axis


def day_axis(days: Sequence[date], *, first_label: str | None = None) -> QCategoryAxis:
    """An axis under one bar per day, labelled about once a week (every label a date)."""
    axis = QCategoryAxis()
    axis.setRange(-0.5, len(days) - 0.5)
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    step = 7 if len(days) > 10 else 1
    for index in range(0, len(days), step):
        label = first_label if index == 0 and first_label else day_label(days[index])
        axis.append(label, index)
    return axis


def bar_set(
    label: str, values: Sequence[float], colour: QColor, *, hatched: bool = False
) -> QBarSet:
    """A bar set in ``colour``; hatched sets read apart from solid ones without colour."""
    bars = QBarSet(label)
    bars.append([float(v) for v in values])
    if hatched:
        bars.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern))
    else:
        bars.setBrush(QBrush(colour))
    bars.setPen(QPen(colour, 1.5))
    return bars


def horizontal_bar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    colours: ChartColours,
    font: QFont,
    *,
    value_title: str,
) -> QChart:
    """One bar per item (label, 0..1 ratio) as a percentage, the first item at the top."""
    chart = new_chart(title, colours, font)
    series = QHorizontalBarSeries()
    # Qt draws the first category at the bottom; reversed, the chart reads like the table.
    ordered = list(reversed(items))
    bars = bar_set(value_title, [round(v * 100) for _label, v in ordered], colours.primary)
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value %")
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideBase)
    bars.setLabelColor(colours.text)
    bars.setLabelFont(_font(font, 0.85, bold=True))
    chart.addSeries(series)
    chart.legend().hide()
    categories = QBarCategoryAxis()
    categories.append([wrap_label(label) for label, _value in ordered])
    add_axis(chart, categories, Qt.AlignmentFlag.AlignLeft, [series], colours, font, grid=False)
    axis = QValueAxis()
    axis.setRange(0, 100)
    axis.setTickCount(5)
    axis.setLabelFormat("%d %%")
    add_axis(chart, axis, Qt.AlignmentFlag.AlignBottom, [series], colours, font, title=value_title)
    # The values are written at the base of each bar, where a bar of 0 % still shows its
    # number; the bars are drawn faint enough to read the text on them.
    faint = QColor(colours.primary)
    faint.setAlphaF(0.45)
    bars.setBrush(QBrush(faint))
    return chart


def wrap_label(label: str, width: int = LABEL_LINE_CHARS, lines: int = 3) -> str:
    """``label`` in lines of at most ``width`` characters for a chart axis (HTML breaks).

    Qt Charts gives the axis labels about a third of the chart's width and cuts what is
    longer; at large text sizes a topic title on one line lost its second half. Past
    ``lines`` lines the rest is cut with "…" (the table and the summary carry the title).
    """
    rows: list[str] = []
    for word in label.split():
        if rows and len(rows[-1]) + 1 + len(word) <= width:
            rows[-1] += f" {word}"
        else:
            rows.append(word)
    if len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = rows[-1][: width - 1].rstrip() + "…"
    return "<br>".join(html.escape(row) for row in rows)


def stacked_day_chart(
    title: str,
    days: Sequence[date],
    layers: Sequence[tuple[str, Sequence[int], QColor, bool]],
    colours: ChartColours,
    font: QFont,
    *,
    value_title: str,
    first_label: str | None = None,
) -> QChart:
    """One bar per day; each layer (label, counts, colour, hatched) stacked on the last."""
    chart = new_chart(title, colours, font)
    series: QAbstractBarSeries = QStackedBarSeries() if len(layers) > 1 else QBarSeries()
    for label, values, colour, hatched in layers:
        series.append(bar_set(label, values, colour, hatched=hatched))
    series.setBarWidth(0.7)
    chart.addSeries(series)
    if len(layers) < 2:
        chart.legend().hide()
    add_axis(
        chart,
        day_axis(days, first_label=first_label),
        Qt.AlignmentFlag.AlignBottom,
        [series],
        colours,
        font,
        grid=False,
    )
    totals = [sum(values[i] for _l, values, _c, _h in layers) for i in range(len(days))]
    add_axis(
        chart,
        count_axis(max(totals, default=0)),
        Qt.AlignmentFlag.AlignLeft,
        [series],
        colours,
        font,
        title=value_title,
    )
    return chart


def _qt_moment(moment: datetime) -> QDateTime:
    """``moment`` as Qt's date and time, read as the local wall clock (as the bindings do).

    Built from its parts: not every PySide6 release declares a QDateTime made from a datetime.
    """
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute, moment.second, moment.microsecond // 1000),
    )


def _day_range(moments: Sequence[datetime]) -> tuple[datetime, datetime, int]:
    """Midnight before the first moment (less a day) to midnight after the last, and a tick
    count that puts every tick on a midnight."""
    if not moments:
        raise ValueError("a time axis needs at least one point")
    start = datetime.combine(min(moments).date() - timedelta(days=1), time())
    days = (max(moments).date() + timedelta(days=1) - start.date()).days
    intervals = min(days, 5)
    while days % intervals:
        days += 1
    return start, start + timedelta(days=days), intervals + 1


def score_line_chart(
    title: str,
    points: Sequence[tuple[datetime, float]],
    colours: ChartColours,
    font: QFont,
    *,
    value_title: str,
) -> QChart:
    """Scores (0..1) over time as a line with a marked, labelled point for each."""
    chart = new_chart(title, colours, font)
    line = QLineSeries()
    line.setName(value_title)
    line.setPen(QPen(colours.primary, 2))
    dots = QScatterSeries()
    dots.setName(value_title)
    dots.setColor(colours.primary)
    dots.setBorderColor(colours.background)
    dots.setMarkerSize(max(8.0, QFontMetricsF(font).height() * 0.6))
    dots.setPointLabelsVisible(True)
    dots.setPointLabelsFormat("@yPoint %")
    dots.setPointLabelsColor(colours.text)
    dots.setPointLabelsFont(_font(font, 0.85, bold=True))
    dots.setPointLabelsClipping(False)
    for moment, score in points:
        x = float(_qt_moment(moment).toMSecsSinceEpoch())
        y = round(score * 100)
        line.append(x, y)
        dots.append(x, y)
    chart.addSeries(line)
    chart.addSeries(dots)
    chart.legend().hide()
    axis = QDateTimeAxis()
    axis.setFormat("d MMM")
    start, end, ticks = _day_range([moment for moment, _score in points])
    axis.setRange(_qt_moment(start), _qt_moment(end))
    axis.setTickCount(ticks)
    add_axis(chart, axis, Qt.AlignmentFlag.AlignBottom, [line, dots], colours, font)
    scores = QValueAxis()
    scores.setRange(0, 100)  # a label above a 100 % point is drawn outside the plot
    scores.setTickCount(6)
    scores.setLabelFormat("%d %%")
    add_axis(
        chart, scores, Qt.AlignmentFlag.AlignLeft, [line, dots], colours, font, title=value_title
    )
    return chart


class ChartPanel(QWidget):
    """A chart with its summary in words under it; redrawn when the theme or text size changes.

    The chart view is a Tab stop, so a screen reader reaches it: its accessible name
    is the chart's name and its summary in words (the text alternative itself, not a
    description to be found), and the summary is also shown under it for everyone.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.view = QChartView()
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.view.setAccessibleName(name)
        self._name = name
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.view.setFrameShape(QChartView.Shape.NoFrame)
        layout.addWidget(self.view)
        self.summary = text_label("")
        layout.addWidget(self.summary)
        self._builder: ChartBuilder | None = None
        self._lines = 16
        self._rebuild_queued = False

    @property
    def chart(self) -> QChart:
        """The chart showing now."""
        return self.view.chart()

    def show_chart(self, builder: ChartBuilder, summary: str, *, lines: int = 16) -> None:
        """Draw the chart ``builder`` makes, ``lines`` lines of text tall, with ``summary``."""
        self._builder = builder
        self._lines = lines
        self.summary.setText(summary)
        self.view.setAccessibleName(f"{self._name}: {summary}")
        self._rebuild()

    def changeEvent(self, event: QEvent) -> None:
        """Redraw in the new colours or at the new text size."""
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
        ):
            self._queue_rebuild()
        super().changeEvent(event)

    def _queue_rebuild(self) -> None:
        # A theme change sends several events at once; one redraw after them is enough.
        if self._builder is not None and not self._rebuild_queued:
            self._rebuild_queued = True
            QTimer.singleShot(0, self, self._rebuild)

    def _rebuild(self) -> None:
        self._rebuild_queued = False
        if self._builder is None:
            return
        chart = self._builder(chart_colours(self.palette()), QFont(self.font()))
        old = self.view.chart()
        self.view.setChart(chart)
        if old is not None and old is not chart:
            old.deleteLater()
        self.view.setBackgroundBrush(QBrush(chart_colours(self.palette()).background))
        ring = FOCUS_COLOURS[palette_is_dark(self.palette())]
        self.view.setStyleSheet(
            "QChartView { border: 3px solid transparent; }"
            f"QChartView:focus {{ border: 3px solid {ring}; }}"
        )
        self.view.setFixedHeight(self.fontMetrics().height() * self._lines)


def series_points(chart: QChart) -> list[int]:
    """How many values each series of ``chart`` holds (bar sets counted one by one)."""
    counts: list[int] = []
    for series in chart.series():
        if isinstance(series, QAbstractBarSeries):
            counts += [bars.count() for bars in series.barSets()]
        elif isinstance(series, QLineSeries | QScatterSeries):
            counts.append(series.count())
    return counts


class _WideColumn(ContentColumn):
    def _fit_width(self) -> None:
        self.setMaximumWidth(self.fontMetrics().height() * FIGURES_WIDTH_IN_LINES)


class FiguresPage(Page):
    """A :class:`~crisisquiz.gui.widgets.Page` with a wider column, for tables and charts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        holder = self.widget()
        row = holder.layout() if holder is not None else None
        if isinstance(row, QHBoxLayout):
            narrow = self.column
            index = row.indexOf(narrow)
            row.removeWidget(narrow)
            narrow.deleteLater()
            self.column = _WideColumn()
            row.insertWidget(index, self.column, 1000)
            self.body = self.column.body


# Tables sort on this role: numbers, so 9 % comes before 10 % and "no data" sorts first.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NO_VALUE = -1.0
# Columns of wrapping text never get narrower than this many characters.
SHRINK_FLOOR_CHARS = 12


def figure_item(
    text: str,
    sort_value: float | str | None = None,
    *,
    spoken: str | None = None,
    tooltip: str | None = None,
    align_right: bool = True,
) -> QStandardItem:
    """A read-only table cell showing ``text`` and sorting on ``sort_value``.

    ``spoken`` is what a screen reader says instead of ``text`` (e.g. "no answers yet"
    for a dash).
    """
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(
        sort_value if sort_value is not None else (NO_VALUE if align_right else text), SORT_ROLE
    )
    if spoken:
        item.setData(spoken, Qt.ItemDataRole.AccessibleTextRole)
    if tooltip:
        item.setToolTip(plain_tip(tooltip))
    alignment = Qt.AlignmentFlag.AlignVCenter
    alignment |= Qt.AlignmentFlag.AlignRight if align_right else Qt.AlignmentFlag.AlignLeft
    item.setTextAlignment(alignment)
    return item


class FigureTable(QTableView):
    """A read-only, sortable table as tall as its rows (or :meth:`set_max_lines`).

    Tab leaves the table (arrow keys move inside it), rows are selected whole, long
    text wraps, and the focus ring matches the rest of the app.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setAccessibleName(name)
        self.setSortingEnabled(True)
        self.setWordWrap(True)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionsClickable(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fitted_width = -1
        self._stretch = 0
        self._minimum_chars = 16
        self._widths: dict[int, int] = {}
        self._max_lines: int | None = None
        self._word_widths: dict[int, int] = {}  # per column, until the rows or font change
        self._style_ring()
        # Until the first sort the rows stay in the order they were added.
        self.proxy.sort(-1)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def set_headers(self, headers: Sequence[tuple[str, str]]) -> None:
        """Column titles and what each one means (their tooltips)."""
        self.source.setColumnCount(len(headers))
        for column, (title, meaning) in enumerate(headers):
            item = QStandardItem(title)
            item.setToolTip(plain_tip(meaning))
            item.setData(
                f"{title.replace(chr(10), ' ')}: {meaning}",
                Qt.ItemDataRole.AccessibleDescriptionRole,
            )
            self.source.setHorizontalHeaderItem(column, item)

    def set_rows(self, rows: Sequence[Sequence[QStandardItem]]) -> None:
        """Replace every row, keeping the sort the user chose."""
        self.source.removeRows(0, self.source.rowCount())
        for row in rows:
            self.source.appendRow(list(row))
        self._word_widths.clear()
        self.fit()

    def cell_text(self, row: int, column: int) -> str:
        """The text shown in a cell, in the order shown."""
        return str(self.proxy.index(row, column).data() or "")

    def column_texts(self, column: int) -> list[str]:
        """Every text of a column, top to bottom as shown."""
        return [self.cell_text(row, column) for row in range(self.proxy.rowCount())]

    def set_column_layout(
        self, stretch: int, *, minimum_chars: int = 16, widths: dict[int, int] | None = None
    ) -> None:
        """Column ``stretch`` takes the room the others leave, at least ``minimum_chars`` wide.

        Columns in ``widths`` get that many characters and wrap their text; the others
        fit their text.
        """
        self._stretch = stretch
        self._minimum_chars = minimum_chars
        self._widths = dict(widths or {})
        self.fit()

    def set_max_lines(self, lines: int | None) -> None:
        """Grow at most ``lines`` lines of text tall, then scroll inside (None: never)."""
        self._max_lines = lines
        self.fit()

    def _column_widths(self, room: int) -> dict[int, int]:
        """The width of each column in ``room`` pixels, wrapping columns shrunk to fit."""
        header = self.horizontalHeader()
        character = self.fontMetrics().averageCharWidth()
        count = header.count()
        widths: dict[int, int] = {}
        for column in range(count):
            if column in self._widths:
                widths[column] = self._widths[column] * character
            elif column != self._stretch:
                widths[column] = max(self.sizeHintForColumn(column), self._heading_width(column))
        has_stretch = 0 <= self._stretch < count
        if has_stretch:
            widths[self._stretch] = self._minimum_chars * character
        # Too wide for the room (large text, a narrow window): the columns whose text wraps
        # give way first, down to a floor, so sideways scrolling is the last resort.
        wrapping = [c for c in (*self._widths, self._stretch) if c in widths]
        floor = SHRINK_FLOOR_CHARS * character
        floors = {c: max(floor, self._widest_word(c)) for c in wrapping}
        excess = sum(widths.values()) - room
        slack = sum(max(0, widths[c] - floors[c]) for c in wrapping)
        if excess > 0 and slack > 0:
            share = min(1.0, excess / slack)
            for column in wrapping:
                widths[column] -= int(max(0, widths[column] - floors[column]) * share)
        if has_stretch:
            others = sum(w for c, w in widths.items() if c != self._stretch)
            widths[self._stretch] = max(widths[self._stretch], room - others)
        return widths

    def needed_width(self) -> int:
        """The narrowest the table can be and still show every column whole."""
        frame = 2 * self.frameWidth()
        return sum(self._column_widths(0).values()) + frame

    def _size_columns(self) -> None:
        header = self.horizontalHeader()
        for column in range(header.count()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        for column, width in self._column_widths(self.viewport().width()).items():
            header.resizeSection(column, width)

    def _widest_word(self, column: int) -> int:
        # A column narrower than its longest word would cut that word short.
        if column in self._word_widths:
            return self._word_widths[column]
        metrics = self.fontMetrics()
        model = self.model()
        widest = 0
        for row in range(model.rowCount()):
            text = str(model.index(row, column).data() or "")
            widest = max([widest, *(metrics.horizontalAdvance(word) for word in text.split())])
        self._word_widths[column] = widest + 2 * metrics.averageCharWidth()
        return self._word_widths[column]

    def _heading_width(self, column: int) -> int:
        # The header's own size hint measures a title of several lines as if it were one;
        # the widest line, the margins and the sort arrow's room are what it needs.
        header = self.horizontalHeader()
        text = str(self.model().headerData(column, Qt.Orientation.Horizontal) or "")
        metrics = header.fontMetrics()
        widest = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
        style = header.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        return widest + 4 * margin + arrow

    def fit(self) -> None:
        """Size the columns to the room, the rows to their text and the table to its rows."""
        self._size_columns()
        self.resizeRowsToContents()
        header = self.horizontalHeader()
        height = 2 * self.frameWidth() + header.sizeHint().height() + self.verticalHeader().length()
        if header.length() > self.viewport().width() + 1:
            height += self.horizontalScrollBar().sizeHint().height()
        cap = None
        if self._max_lines:
            # Never taller than most of the window, or its scroll bars would be out of sight.
            window = self.window().height() if self.window() is not self else 0
            lines = self.fontMetrics().height() * self._max_lines
            cap = min(lines, window * 3 // 4) if window > 0 else lines
            cap = max(cap, self.fontMetrics().height() * 8)
        # A long table scrolls inside a box of its own, so its sideways scroll bar stays
        # within reach instead of far down the page.
        scrolls = cap is not None and height > cap
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if scrolls
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        if scrolls and cap is not None:
            height = cap
        self._fitted_width = self.viewport().width()
        if height != self.height() or height != self.minimumHeight():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Wrapped text needs other row heights at another width."""
        super().resizeEvent(event)
        if self.viewport().width() != self._fitted_width:
            self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        """Fit to the window the table is shown in."""
        super().showEvent(event)
        self.fit()

    def changeEvent(self, event: QEvent) -> None:
        """Keep the focus ring in the scheme's colour and the rows fitted to the text size."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._style_ring()
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._word_widths.clear()
            QTimer.singleShot(0, self, self.fit)

    def _style_ring(self) -> None:
        colour = FOCUS_COLOURS[palette_is_dark(self.palette())]
        sheet = (
            "QTableView { border: 1px solid palette(mid); }"
            f"QTableView:focus {{ border: 3px solid {colour}; }}"
        )
        if self.styleSheet() != sheet:
            self.setStyleSheet(sheet)


__all__ = [
    "FOCUS_COLOURS",
    "NO_VALUE",
    "SORT_ROLE",
    "ChartBuilder",
    "ChartColours",
    "ChartPanel",
    "FigureTable",
    "FiguresPage",
    "add_axis",
    "bar_set",
    "chart_colours",
    "count_axis",
    "count_step",
    "day_axis",
    "day_label",
    "figure_item",
    "heat_colours",
    "horizontal_bar_chart",
    "new_chart",
    "palette_is_dark",
    "percent_text",
    "score_line_chart",
    "series_points",
    "stacked_day_chart",
]
