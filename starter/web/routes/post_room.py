"""The post room: the letters and updates owed by post, printed as one PDF batch, marked printed when
it is made; earlier batches can be downloaded again. Also a photo a resident sent with their complaint."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from casework import post_room
from models.record import Attachment
from models.residents import AttachmentContent
from starter.web.auth import checked_form
from starter.web.deps import AppSettings, Database, MayPrintLetters, MayReadCases
from starter.web.pages import render

router = APIRouter()


@router.get("/post-room")
def post_room_page(request: Request, user: MayPrintLetters, engine: Database) -> Response:
    return render(
        request,
        "post_room.html",
        waiting=post_room.waiting(engine),
        batches=post_room.batches(engine),
        flash=request.session.pop("flash", None),
    )


@router.post("/post-room/batches")
async def make_batch(request: Request, user: MayPrintLetters, engine: Database, settings: AppSettings) -> Response:
    await checked_form(request)
    try:
        batch = post_room.make_batch(engine, user.username, settings.web_base_url, settings.resident_link_days)
    except post_room.NothingToPrint:
        request.session["flash"] = "There is nothing waiting to be printed."
        return RedirectResponse("/post-room", status_code=303)
    pdf = post_room.batch_pdf(engine, batch.id)
    assert pdf is not None, "the batch was made just now"
    return _pdf(pdf, batch.id)


@router.get("/post-room/batches/{batch_id}")
def batch(request: Request, batch_id: str, user: MayPrintLetters, engine: Database) -> Response:
    pdf = post_room.batch_pdf(engine, batch_id[:100])
    if pdf is None:
        return render(
            request, "error.html", status=404, title="Batch not found", message=f"There is no print batch {batch_id[:100]}."
        )
    return _pdf(pdf, batch_id)


def _pdf(pdf: bytes, name: str) -> Response:
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


@router.get("/cases/{reference}/attachments/{attachment_id}")
def attachment(request: Request, reference: str, attachment_id: str, user: MayReadCases, engine: Database) -> Response:
    """A photo sent with the complaint, downloaded (never shown inline: its bytes came from the public)."""
    with Session(engine) as session:
        row = session.get(Attachment, attachment_id[:100])
        content = session.get(AttachmentContent, attachment_id[:100]) if row is not None else None
    if row is None or content is None or row.reference != reference:
        return render(
            request, "error.html", status=404, title="Attachment not found", message="There is no such attachment on this case."
        )
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in row.filename)[:100] or "photo"
    return Response(content.data, media_type=row.content_type, headers={"Content-Disposition": f'attachment; filename="{safe}"'})
