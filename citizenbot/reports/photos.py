"""Photos residents add to fault reports: checked, re-encoded, held for the report, served to the city.

A photo from a phone carries more than the picture: EXIF with the GPS position of the resident's
home, the camera's serial number, a thumbnail of what the picture was before it was cropped, and
a file may hide anything after its last image byte. So nothing of the uploaded file is kept: it is
decoded (JPEG or PNG only, bounded in bytes and pixels before decoding), turned upright, scaled to
at most ``MAX_EDGE`` pixels and written as a new JPEG with no metadata at all.

A photo is held for the conversation's report draft (one per report: a new one replaces it),
attached to the report when it is filed, and from then on served at ``/media/<token>.jpg`` (the
``media_url`` sent to the city's Open311 system); a photo not attached to a report is never
served. Deleting the conversation deletes its photos; retention is ``citizenbot.privacy``.

Blocking (Pillow, SQL); async callers use a worker thread.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import and_, delete, select, update

from citizenbot.reports.names import id_of, number_of
from citizenbot.store.db import Database
from citizenbot.store.models import ReportDraft, ReportPhoto, utcnow

# What a resident may send: the widget scales photos down before sending (about 0.2-1 MB), so
# this bounds what any client can make the server read.
MAX_BYTES = 4 * 1024 * 1024
# Checked from the header before decoding: a small file can claim a huge picture.
MAX_PIXELS = 40_000_000
MAX_EDGE = 1600  # enough to see a pothole or a broken lamp; a few hundred kilobytes
QUALITY = 85
FORMATS = ("JPEG", "PNG")
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class PhotoError(ValueError):
    """A photo that cannot be used; ``code`` is what the widget tells the resident."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code  # too_large | not_image


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    width: int
    height: int


def reencode(data: bytes) -> Photo:
    """The picture of an uploaded JPEG or PNG as a new JPEG without any metadata; PhotoError
    when the file is too large, not such an image, or broken."""
    if not data:
        raise PhotoError("not_image", "the file is empty")
    if len(data) > MAX_BYTES:
        raise PhotoError("too_large", f"{len(data)} bytes, at most {MAX_BYTES}")
    try:
        with warnings.catch_warnings():
            # Pillow warns (and above twice the limit raises) about decompression bombs by its own
            # global limit; ours is checked below, before any pixel is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise PhotoError("too_large", f"{width}x{height} pixels, at most {MAX_PIXELS}")
                image.load()
                picture = ImageOps.exif_transpose(image)  # the camera's orientation, then EXIF is dropped
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise PhotoError("not_image", f"not a JPEG or PNG image: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt
        raise PhotoError("not_image", f"the image could not be read: {exc}") from exc
    picture = _flatten(picture)
    picture.thumbnail((MAX_EDGE, MAX_EDGE))
    out = io.BytesIO()
    # A new image and no exif/icc_profile/comment arguments: Pillow writes none of them.
    picture.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return Photo(out.getvalue(), picture.width, picture.height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background (a PNG's transparency), as a new image without the old info."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def media_url(base_url: str, token: str) -> str:
    """The photo's public address for the city (``PUBLIC_BASE_URL`` + ``/media/<token>.jpg``)."""
    return f"{base_url.rstrip('/')}/media/{token}.jpg"


def _held(conversation_id: str):
    """The condition of the photo held for a conversation's report being made (not yet filed)."""
    return and_(ReportPhoto.conversation_id == conversation_id, ReportPhoto.report_id.is_(None))


def attach_held(session, conversation_id: str, report_id: int) -> bool:
    """The conversation's held photo becomes the report's: in the session (the transaction) that
    files the report, so that no sender sees the report without its photo."""
    return session.execute(
        update(ReportPhoto)
        .where(_held(conversation_id))
        .values(report_id=report_id)
        .execution_options(synchronize_session=False)
    ).rowcount > 0


class PhotoStore:
    """The ``report_photo`` table."""

    def __init__(self, database: Database):
        self.database = database

    def hold(self, conversation_id: str, photo: Photo) -> str | None:
        """Keep a photo for the report being filled in; None when the conversation has no report
        draft (photos come only with a report). Replaces a photo held before; returns the token."""
        token = secrets.token_hex(16)
        with self.database.session() as session:
            if session.get(ReportDraft, conversation_id) is None:
                return None
            session.execute(delete(ReportPhoto).where(_held(conversation_id)))
            session.add(ReportPhoto(token=token, conversation_id=conversation_id, content=photo.jpeg,
                                    width=photo.width, height=photo.height, created_at=utcnow()))
        return token

    def drop_held(self, conversation_id: str) -> bool:
        """The resident removed the photo (or the report was cancelled)."""
        with self.database.session() as session:
            return session.execute(delete(ReportPhoto).where(_held(conversation_id))).rowcount > 0

    def held(self, conversation_id: str) -> bool:
        with self.database.session() as session:
            return session.execute(select(ReportPhoto.id).where(_held(conversation_id))).first() is not None

    def held_photo(self, conversation_id: str) -> bytes | None:
        """The photo held for the conversation's report being made (shown again after a reload)."""
        with self.database.session() as session:
            return session.execute(select(ReportPhoto.content).where(_held(conversation_id))).scalar()

    def _of_report(self, column, number: int):
        with self.database.session() as session:
            return session.execute(select(column).where(
                ReportPhoto.report_id == id_of(number)).order_by(ReportPhoto.id.desc()).limit(1)).scalar()

    def token_of(self, number: int) -> str | None:
        """The token of a filed report's photo, None when it has none."""
        return self._of_report(ReportPhoto.token, number)

    def served(self, token: str) -> bytes | None:
        """A filed report's photo by its token; None for anything else (held, deleted, malformed)."""
        if not TOKEN.match(token or ""):
            return None
        with self.database.session() as session:
            return session.execute(select(ReportPhoto.content).where(
                ReportPhoto.token == token, ReportPhoto.report_id.is_not(None))).scalar()

    def with_photo(self, numbers: list[int]) -> set[int]:
        """Which of these reports have a photo."""
        if not numbers:
            return set()
        with self.database.session() as session:
            ids = session.execute(select(ReportPhoto.report_id).where(
                ReportPhoto.report_id.in_([id_of(n) for n in numbers]))).scalars()
            return {number_of(i) for i in ids}

    def of_report(self, number: int) -> bytes | None:
        """For staff: a filed report's photo."""
        return self._of_report(ReportPhoto.content, number)
