"""A small test pack with a picture: a folder holding pack.toml and media/map.png.

The PNG is made here, byte by byte (zlib and a CRC per chunk), so no image library
is needed and nothing binary is kept in the repository.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MAP_SIZE = (320, 200)
MAP_ALT = "A map of the Caribbean with Cuba about 90 miles south of Key West, Florida"

IMAGE_PACK = f"""\
[pack]
id = "picture-pack"
title = "Pictures"
version = "1.0.0"

[[topics]]
id = "maps"
title = "Maps"

[[questions]]
id = "distance"
topic = "maps"
type = "multiple_choice"
prompt = "Look at the map. About how far is Cuba from Florida?"
choices = ["90 miles", "900 miles", "9 miles"]
answer = "90 miles"
image = "media/map.png"
image_alt = "{MAP_ALT}"

[[questions]]
id = "island"
topic = "maps"
type = "short_answer"
prompt = "Which island lies 90 miles south of Key West?"
answer = "Cuba"
image = "media/map.png"
image_alt = "{MAP_ALT}"
"""


def png(width: int, height: int) -> bytes:
    """An RGB picture: sea blue, with a green band for an island and a white border."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            border = x < 4 or y < 4 or x >= width - 4 or y >= height - 4
            island = height // 2 - 12 < y < height // 2 + 12 and width // 4 < x < 3 * width // 4
            rows += bytes((255, 255, 255) if border else (40, 160, 60) if island else (30, 90, 200))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def write_image_pack(folder: Path) -> Path:
    """Write the pack into ``folder`` (created) and return the folder."""
    (folder / "media").mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(IMAGE_PACK, encoding="utf-8")
    (folder / "media" / "map.png").write_bytes(png(*MAP_SIZE))
    return folder
