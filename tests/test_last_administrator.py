"""At least one active administrator, even when two administrators deactivate or demote each other at
the same moment (issue 29, item 11): the rule is checked inside the transaction that changes the
account, with the administrators' rows locked, on SQLite and PostgreSQL. Two real threads, released
together by a barrier, several rounds; what is asserted is the outcome, never a timing."""

import threading

import pytest
from sqlmodel import Session, select

from accounts.users import AccountError, StaffUser, create_user, set_active, set_role

PASSWORD = "correct horse battery"


def active_administrators(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(
            u.username for u in session.exec(select(StaffUser).where(StaffUser.role == "administrator", StaffUser.active))
        )


def at_once(*changes) -> list[BaseException | None]:
    """Run each change in its own thread, all released together; what each raised (or None)."""
    barrier, outcomes = threading.Barrier(len(changes)), [None] * len(changes)

    def run(number: int, change) -> None:
        barrier.wait()
        try:
            change()
        except BaseException as error:  # noqa: BLE001 (reported to the test)
            outcomes[number] = error

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(changes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("rounds", [5])
def test_two_administrators_removing_each_other_at_once_leave_one(engine, rounds):
    create_user(engine, "ann", "Ann Admin", "administrator", PASSWORD)
    create_user(engine, "bob", "Bob Admin", "administrator", PASSWORD)
    for _ in range(rounds):
        outcomes = at_once(lambda: set_active(engine, "bob", False, by="ann"), lambda: set_active(engine, "ann", False, by="bob"))
        refused = [o for o in outcomes if o is not None]
        assert len(refused) == 1 and isinstance(refused[0], AccountError) and "no active administrator" in refused[0].message
        assert len(active_administrators(engine)) == 1
        for name in ("ann", "bob"):
            set_active(engine, name, True, by="root")

    outcomes = at_once(lambda: set_role(engine, "bob", "handler", by="ann"), lambda: set_active(engine, "ann", False, by="bob"))
    assert sum(o is not None for o in outcomes) == 1 and len(active_administrators(engine)) == 1


def test_the_last_administrator_cannot_be_demoted_or_deactivated_by_anyone(engine):
    create_user(engine, "ann", "Ann Admin", "administrator", PASSWORD)
    create_user(engine, "hal", "Hal Handler", "handler", PASSWORD)
    with pytest.raises(AccountError, match="no active administrator"):
        set_active(engine, "ann", False, by="cli")
    with pytest.raises(AccountError, match="no active administrator"):
        set_role(engine, "ann", "auditor", by="cli")
    assert active_administrators(engine) == ["ann"]
    set_active(engine, "hal", False, by="ann")  # anyone else's account changes as before
