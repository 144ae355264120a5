"""Finding a resident's cases: by reference, name, postcode, phone or email, typed any way people type them.

Each resident row has its search keys (`ResidentSearchKey`): every word of the name and the whole name,
how each word of the name sounds (Soundex, so "Kahn" finds "Khan"), the street of the address's first
line ("mill lane"), the postcode found in the address, the phone's digits and the email, each normalised
and tagged by kind (`phone:01952217100`). A search normalises what was typed the same way and looks the keys up by equality,
so one B-tree index answers it on SQLite and PostgreSQL alike, at any size (bench/search.py). The keys are
written by a mapper event whenever a `Resident` row is inserted or updated, so every way a resident is
recorded (intake, the public form, service requests) keeps them without knowing they exist."""

import re

from sqlalchemy import delete, event, insert
from sqlmodel import Field, SQLModel, col

from models.record import Resident

POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
REFERENCE = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{6}$")
MAX_QUERY = 200


class ResidentSearchKey(SQLModel, table=True):
    """One normalised way to find a resident; the primary key (key first) is the search index."""

    key: str = Field(primary_key=True, max_length=220)
    resident_id: str = Field(primary_key=True, foreign_key="resident.id", max_length=64)


def _name(text: str) -> str:
    return " ".join(re.sub(r"[^\w' -]", " ", text.lower()).split())


def _phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("44") and len(digits) >= 11 else digits


def postcode(text: str) -> str:
    """The first UK postcode in the text, without its space (`TF34AW`), or ''."""
    found = POSTCODE.search(text.upper())
    return f"{found[1]}{found[2]}" if found else ""


def soundex(word: str) -> str:
    """The word's American Soundex code (`K500` for Khan, Kahn and Kahan): names that sound alike match."""
    letters = [c for c in word.upper() if "A" <= c <= "Z"]
    if not letters:
        return ""
    codes = {
        **dict.fromkeys("BFPV", "1"),
        **dict.fromkeys("CGJKQSXZ", "2"),
        **dict.fromkeys("DT", "3"),
        "L": "4",
        **dict.fromkeys("MN", "5"),
        "R": "6",
    }
    result, last = letters[0], codes.get(letters[0], "")
    for c in letters[1:]:
        code = codes.get(c, "")
        if code and code != last:
            result += code
        if c not in "HW":
            last = code
    return (result + "000")[:4]


def street(address: str) -> str:
    """The street of the address's first line, without the house number ("mill lane" from "4 Mill Lane")."""
    first = address.strip().splitlines()[0] if address.strip() else ""
    for part in first.split(","):
        words = _name(part).split()
        while words and any(ch.isdigit() for ch in words[0]):
            words.pop(0)
        if len(words) >= 2 and not any(ch.isdigit() for word in words for ch in word):
            return " ".join(words)
    return ""


def resident_keys(name: str, address: str = "", phone: str = "", email: str = "") -> set[str]:
    """Every key a resident can be found by."""
    keys = set()
    full = _name(name)
    if full:
        keys |= {f"name:{full}", *(f"name:{word}" for word in full.split())}
        keys |= {f"sound:{code}" for word in full.split() if len(word) > 1 and (code := soundex(word))}
    if road := street(address):
        keys.add(f"street:{road}")
    if code := postcode(address):
        keys.add(f"postcode:{code}")
    if len(digits := _phone(phone)) >= 6:
        keys.add(f"phone:{digits}")
    if "@" in email:
        keys.add(f"email:{email.strip().lower()}")
    return {key[:220] for key in keys}


def query_keys(typed: str) -> set[str]:
    """The keys what someone typed in the search box may mean: an email, a phone, a postcode or a name."""
    typed = typed.strip()[:MAX_QUERY]
    if "@" in typed:
        return {f"email:{typed.lower()}"}
    keys = set()
    if re.fullmatch(r"[\d\s()+-]{6,}", typed) and len(digits := _phone(typed)) >= 6:
        keys.add(f"phone:{digits}")
    if (code := postcode(typed)) and len(typed.replace(" ", "")) == len(code):
        keys.add(f"postcode:{code}")
    if name := _name(typed):
        keys |= {f"name:{name}", f"street:{name}"}
    return keys


def sounds_like_keys(typed: str) -> set[str]:
    """Near misses of a name typed ("Kahn"): the sound of each of its words."""
    return {f"sound:{code}" for word in _name(typed).split() if len(word) > 1 and not word.isdigit() and (code := soundex(word))}


def reference_number(typed: str) -> str | None:
    """The case number of a partial reference ("2", "000002", "2026-000002"): its last six digits, padded."""
    candidate = typed.strip().upper()
    match = re.fullmatch(r"(?:[A-Z]{2,5}-)?(?:\d{4}-)?(\d{1,6})", candidate)
    return match[1].zfill(6) if match else None


def reference_typed(typed: str) -> str | None:
    """The case reference typed (any case, spaces around), or None."""
    candidate = typed.strip().upper()
    return candidate if REFERENCE.match(candidate) else None


@event.listens_for(Resident, "after_insert")
@event.listens_for(Resident, "after_update")
def _keep_keys(_mapper, connection, resident: Resident) -> None:
    connection.execute(delete(ResidentSearchKey).where(col(ResidentSearchKey.resident_id) == resident.id))
    keys = resident_keys(resident.name, resident.address, resident.phone, resident.email)
    if keys:
        connection.execute(insert(ResidentSearchKey), [{"key": key, "resident_id": resident.id} for key in sorted(keys)])
