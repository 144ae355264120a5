"""Service requests (Code 1.2-1.3): a request for a service is recorded, not treated as a complaint,
until the resident is dissatisfied and it is converted into one."""

from datetime import datetime, timezone
from uuid import uuid4

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.client import Client

from casework.errors import CommandRejected
from casework.forms import Channel, Form, LongText, policy_profile
from casework.intake import Filed, Intake, ResidentDetails, file_complaint
from models.calendar import local_date
from models.case import AwareDatetime
from models.policy import DEFAULT_PROFILE_ID
from models.record import Resident, ServiceRequest


class ServiceRequestIntake(Form):
    policy: str = DEFAULT_PROFILE_ID
    channel: Channel
    resident: ResidentDetails | None = None
    text: str = LongText
    received_at: AwareDatetime | None = None


def record_service_request(engine: Engine, request: ServiceRequestIntake) -> str:
    """A service request is recorded and reviewed, not treated as a complaint (Code 1.2-1.3)."""
    profile = policy_profile(request.policy)
    received_at = request.received_at or datetime.now(timezone.utc)
    with Session(engine) as session:
        resident_id = None
        if request.resident is not None:
            resident_id = f"res-{uuid4().hex[:12]}"
            session.add(Resident(id=resident_id, landlord=profile.id, created_at=received_at, **request.resident.model_dump()))
            session.flush()
        request_id = f"SR-{local_date(received_at).year}-{uuid4().hex[:8]}"
        session.add(
            ServiceRequest(
                id=request_id,
                landlord=profile.id,
                resident_id=resident_id,
                channel=request.channel,
                text=request.text,
                received_at=received_at,
            )
        )
        session.commit()
    return request_id


async def convert_service_request(
    client: Client,
    engine: Engine,
    request_id: str,
    policy: str,
    task_queue: str = "complaints",
    at: datetime | None = None,
    category: str | None = None,
) -> Filed:
    """The resident is dissatisfied, or the matter needs investigating: it becomes a complaint whose
    clock starts now, at conversion (Code 1.3)."""
    with Session(engine) as session:
        request = session.get(ServiceRequest, request_id)
        if request is None:
            raise CommandRejected("request_id", f"no service request {request_id!r}")
        resident = session.get(Resident, request.resident_id) if request.resident_id else None
    filed = await file_complaint(
        client,
        engine,
        Intake(
            intake_id=f"convert-{request_id}",
            policy=policy,
            channel=request.channel,
            resident=ResidentDetails.of(resident),
            text=request.text,
            received_at=at or datetime.now(timezone.utc),
            service_request_id=request_id,
            category=category,
        ),
        task_queue,
    )
    with Session(engine) as session:
        request = session.get_one(ServiceRequest, request_id)
        request.status, request.converted_to = "converted", filed.reference
        session.add(request)
        session.commit()
    return filed
