"""Loading the policy profile a case is opened under; its result in history pins the case to that version.

Every run of a case's workflow loads the version the case pinned (a reopened case years later, a new run
after a worker restart): the current file or the archived one (models/policy_versions.py), never "the
newest", so a profile revision never wedges a case opened under an earlier version."""

from temporalio import activity
from temporalio.exceptions import ApplicationError

from models.activity_inputs import PolicyRequest
from models.policy import PolicyError, PolicyProfile
from models.policy_versions import load_profile_version


@activity.defn(name="load_policy")
def load_policy(request: PolicyRequest) -> PolicyProfile:
    try:
        return load_profile_version(request.policy_id, request.version)
    except PolicyError as err:
        raise ApplicationError(str(err), type="PolicyError", non_retryable=True) from err
