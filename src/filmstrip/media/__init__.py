"""Media types: validate and copy user values, encode them once into payloads (see base.py)."""

from filmstrip.media.audio import Audio
from filmstrip.media.base import Media, Payload, from_payload
from filmstrip.media.histogram import Histogram
from filmstrip.media.html import Html
from filmstrip.media.image import Image
from filmstrip.media.molecule import Molecule
from filmstrip.media.object3d import Object3D
from filmstrip.media.table import Table
from filmstrip.media.video import Video

__all__ = [
    "Audio", "Histogram", "Html", "Image", "Media", "Molecule", "Object3D", "Payload", "Table",
    "Video", "from_payload",
]
