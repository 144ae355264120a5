"""Loading the policy profile a case is opened under; its result in history pins the case to that version."""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.case import PolicyRequest
from models.policy import PolicyError, PolicyProfile, load_profile


@activity.defn(name="load_policy")
def load_policy(request: PolicyRequest) -> PolicyProfile:
    try:
        profile = load_profile(request.policy_id)
    except PolicyError as err:
        raise ApplicationError(str(err), type="PolicyError", non_retryable=True) from err
    if profile.version != request.version:
        raise ApplicationError(
            f"policy {request.policy_id} is at version {profile.version}, the case asked for {request.version}",
            type="PolicyVersionMismatch",
            non_retryable=True,
        )
    return profile
