"""Photos with fault reports: what is kept of an uploaded file (the picture, nothing else), the
bounds, and the table's rules (held only with a report draft, served only once filed, deleted)."""

import io
import struct
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from citizenbot import privacy
from citizenbot.reports.photos import MAX_BYTES, MAX_EDGE, PhotoError, PhotoStore, media_url, reencode
from citizenbot.reports.store import ReportStore
from citizenbot.store.models import ReportPhoto, utcnow

SECRET = b"HOME-AT-TEISKONTIE-12"  # something hidden in a file that must not survive


def phone_jpeg(width=400, height=300, orientation=None) -> bytes:
    """A JPEG as a phone writes it: EXIF with GPS, camera serial and orientation, a comment, and
    bytes after the image's end marker."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((20, 20, 220), (0, 0, width // 4, height // 4))  # a blue corner: where "up" is
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    if orientation:
        exif[0x0112] = orientation
    gps = {1: "N", 2: (61.0, 29.0, 55.0), 3: "E", 4: (23.0, 47.0, 10.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=SECRET, quality=90)
    return out.getvalue() + b"PK\x03\x04" + SECRET  # a zip hidden after the picture


def png_with_text(width=64, height=48, alpha=False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (10, 200, 10, 0) if alpha else (10, 200, 10))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_a_phone_photo_keeps_its_picture_and_loses_location_serial_comment_and_hidden_data():
    original = phone_jpeg()
    assert SECRET in original and b"SERIAL-123456" in original
    photo = reencode(original)
    assert SECRET not in photo.jpeg and b"SERIAL" not in photo.jpeg and b"PhoneMaker" not in photo.jpeg
    assert b"Exif" not in photo.jpeg
    with Image.open(io.BytesIO(photo.jpeg)) as image:
        assert image.format == "JPEG" and image.size == (400, 300) == (photo.width, photo.height)
        assert not image.getexif() and "comment" not in image.info and "icc_profile" not in image.info
        assert image.getpixel((300, 250))[0] > 150  # still the red picture


def test_the_camera_orientation_is_applied_before_the_exif_goes():
    photo = reencode(phone_jpeg(400, 300, orientation=6))  # taken holding the phone upright
    with Image.open(io.BytesIO(photo.jpeg)) as image:
        assert image.size == (300, 400)
        assert image.getpixel((290, 10))[2] > 150  # the blue corner is now top right


def test_a_large_photo_is_scaled_down_and_a_transparent_png_gets_a_white_background():
    photo = reencode(phone_jpeg(4000, 3000))
    assert (photo.width, photo.height) == (MAX_EDGE, MAX_EDGE * 3 // 4)
    png = reencode(png_with_text(alpha=True))
    assert SECRET not in png.jpeg
    with Image.open(io.BytesIO(png.jpeg)) as image:
        assert image.mode == "RGB" and min(image.getpixel((5, 5))) > 240


@pytest.mark.parametrize("data, code", [
    (b"", "not_image"),
    (b"<html><body>not a picture</body></html>", "not_image"),
    (b"GIF89a" + b"\0" * 100, "not_image"),  # a GIF is not accepted, only JPEG and PNG
    (b"\xff" * (MAX_BYTES + 1), "too_large"),
])
def test_what_is_not_a_usable_photo_is_refused_with_a_reason(data, code):
    with pytest.raises(PhotoError) as refused:
        reencode(data)
    assert refused.value.code == code


def test_a_truncated_photo_and_a_huge_claimed_size_are_refused_before_decoding():
    whole = phone_jpeg()
    with pytest.raises(PhotoError) as truncated:
        reencode(whole[: len(whole) // 3])
    assert truncated.value.code == "not_image"
    # a 1x1 PNG whose header claims 10000 x 10000 pixels: refused from the header
    tiny = io.BytesIO()
    Image.new("RGB", (1, 1)).save(tiny, format="PNG")
    data = bytearray(tiny.getvalue())
    data[16:24] = struct.pack(">II", 10_000, 10_000)
    import zlib
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    with pytest.raises(PhotoError) as bomb:
        reencode(bytes(data))
    assert bomb.value.code == "too_large"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_photo_or_a_refusal_never_another_error(data):
    try:
        photo = reencode(data)
    except PhotoError as exc:
        assert exc.code in ("not_image", "too_large")
    else:
        assert photo.jpeg.startswith(b"\xff\xd8")


def test_media_url_joins_the_public_address():
    assert media_url("https://chat.example.fi/", "ab" * 16) == f"https://chat.example.fi/media/{'ab' * 16}.jpg"


def _draft(reports: ReportStore, conversation: str) -> None:
    reports.hold_draft(conversation, new=True, location="Teiskontie 12", description="kuoppa")


def test_a_photo_is_held_only_with_a_report_draft_and_served_only_once_the_report_is_filed(fresh_database):
    photos, reports = PhotoStore(fresh_database), ReportStore(fresh_database)
    photo = reencode(phone_jpeg())
    assert photos.hold("c1", photo) is None  # no report being made: nothing stored
    _draft(reports, "c1")
    first = photos.hold("c1", photo)
    token = photos.hold("c1", photo)  # chosen again: replaces the first
    assert first != token and photos.held("c1")
    assert photos.served(first) is None and photos.served(token) is None  # not filed: never served
    number = reports.create(category="maintenance.pothole", location="Teiskontie 12", description="kuoppa",
                            contact=None, lang="fi", conversation_id="c1", deliver=True, with_photo=True)
    assert not photos.held("c1") and photos.token_of(number) == token
    assert photos.served(token) == photo.jpeg == photos.of_report(number)
    assert photos.served("../../etc/passwd") is None and photos.served("0" * 32) is None
    # another conversation's report has no photo of this one
    _draft(reports, "c2")
    other = reports.create(category="maintenance.pothole", location="Hämeenkatu 1", description=None,
                           contact=None, lang="fi", conversation_id="c2", deliver=True, with_photo=True)
    assert photos.token_of(other) is None


def test_removing_the_photo_and_deleting_the_conversation_delete_it(fresh_database):
    photos, reports = PhotoStore(fresh_database), ReportStore(fresh_database)
    _draft(reports, "c1")
    photos.hold("c1", reencode(png_with_text()))
    assert photos.drop_held("c1") and not photos.held("c1") and not photos.drop_held("c1")
    token = photos.hold("c1", reencode(png_with_text()))
    number = reports.create(category="maintenance.pothole", location="Teiskontie 12", description=None,
                            contact=None, lang="fi", conversation_id="c1", deliver=False, with_photo=True)
    assert photos.served(token) is not None
    gone = privacy.delete_conversation(fresh_database, "c1")
    assert gone.photos == 1 and photos.served(token) is None and photos.token_of(number) is None


def test_retention_deletes_unfiled_photos_after_a_day_and_filed_ones_after_the_period(fresh_database):
    photos, reports = PhotoStore(fresh_database), ReportStore(fresh_database)
    photo = reencode(png_with_text())
    for conversation in ("old-filed", "new-filed", "old-held", "new-held"):
        _draft(reports, conversation)
        photos.hold(conversation, photo)
        if conversation.endswith("filed"):
            reports.create(category="maintenance.pothole", location="Teiskontie 12", description=None, contact=None,
                           lang="fi", conversation_id=conversation, deliver=False, with_photo=True)
    ages = {"old-filed": timedelta(days=31), "new-filed": timedelta(days=2), "old-held": timedelta(days=2),
            "new-held": timedelta(hours=2)}
    with fresh_database.session() as session:
        for row in session.query(ReportPhoto):
            row.created_at = utcnow() - ages[row.conversation_id]
    purged = privacy.purge(fresh_database, 30)
    assert purged.photos == 2
    with fresh_database.session() as session:
        assert sorted(r.conversation_id for r in session.query(ReportPhoto)) == ["new-filed", "new-held"]
