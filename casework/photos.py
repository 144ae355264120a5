"""Photos a resident sends with an online complaint: checked by their bytes, never their name, and a
large phone photo made smaller (Pillow) rather than refused (decision 172).

A photo up to MAX_UPLOAD_BYTES is taken; one larger than MAX_PHOTO_BYTES that Pillow can read (JPEG, PNG,
WebP) is scaled down to at most LONGEST_SIDE pixels and saved as a JPEG until it fits. HEIC, which Pillow
cannot read without a plug-in, is kept as sent when it fits and refused by name when it does not.
"""

import io

from PIL import Image, ImageOps, UnidentifiedImageError
from pydantic import BaseModel

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 2 * 1024 * 1024
"""What is kept per photo (the record, the case page's downloads)."""
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
"""What may be chosen per photo: a phone's largest, made smaller on arrival. Stated on the form."""
MAX_FORM_BYTES = MAX_PHOTOS * MAX_UPLOAD_BYTES + 256 * 1024
"""The whole online form: three photos and the text fields (the web refuses a larger body unread)."""
LONGEST_SIDE = 2400
MAX_PIXELS = 80_000_000
"""Larger than any phone camera: a bigger image is a decompression bomb, not a photo."""


class Photo(BaseModel):
    filename: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic"
    return None


def accepted_photo(filename: str, data: bytes) -> Photo | str:
    """The photo as it will be kept (made smaller if it has to be), or why it cannot be taken, in words
    that name the file."""
    name = filename[:60]
    kind = sniff(data)
    if kind is None:
        return f"{name} is not a photo: choose a JPEG, PNG, WebP or HEIC file"
    if len(data) > MAX_UPLOAD_BYTES:
        return f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB: choose a smaller photo"
    if len(data) <= MAX_PHOTO_BYTES:
        return Photo(filename=filename, content_type=kind, data=data)
    smaller = _scaled_down(data) if kind != "image/heic" else None
    if smaller is None:
        return (
            f"{name} is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB and we cannot make it smaller: choose a smaller photo"
        )
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return Photo(filename=f"{stem}.jpg", content_type="image/jpeg", data=smaller)


def _scaled_down(data: bytes) -> bytes | None:
    """The picture as a JPEG of at most MAX_PHOTO_BYTES, turned the right way up, or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            image.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))  # JPEG: decode at a smaller scale, cheaply
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    side = LONGEST_SIDE
    while side >= 600:
        picture.thumbnail((side, side))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=82, optimize=True)
        if out.tell() <= MAX_PHOTO_BYTES:
            return out.getvalue()
        side = int(side * 0.75)
    return None
