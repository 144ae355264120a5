"""Benchmark 7: the header's search at 100k cases, p50 of each kind of search (name, surname alone,
postcode, phone, email) against p50 of a by-reference lookup through the same function, interleaved, on
SQLite and on PostgreSQL.

    .venv/bin/python -m bench.search [N]

The cases are benchmark 4's (bench/case_list.py: several years of a landlord group); each has a resident
(about 60,000 people, some with several cases; 400 first names and 600 surnames, so a surname alone finds
hundreds) and a complaint row, bulk inserted with their search keys from `models.search.resident_keys`,
the function the mapper event uses. Needs PostgreSQL's server binaries for the PostgreSQL half (see
bench/case_list.py); without them the SQLite half runs alone and says so.
"""

import random
import sys
import time
from collections.abc import Callable

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bench.case_list import cases, measure_pair
from bench.postgres import on_both_databases
from casework.case_search import search_cases
from models.policy import DEFAULT_PROFILE_ID
from models.record import Complaint, Resident
from models.search import ResidentSearchKey, resident_keys
from models.tables import Case, create_schema

FIRST = [
    f"{a}{b}"
    for a in ("Am", "Bel", "Cor", "Dan", "El", "Fen", "Gra", "Hal", "Iv", "Jo")
    for b in (
        "a",
        "ia",
        "en",
        "on",
        "ie",
        "el",
        "is",
        "or",
        "y",
        "an",
        "ette",
        "ine",
        "ah",
        "o",
        "us",
        "ey",
        "ine",
        "ith",
        "ard",
        "ley",
        "ra",
        "na",
        "ry",
        "ton",
        "da",
        "ma",
        "la",
        "sa",
        "ta",
        "va",
        "wyn",
        "lyn",
        "ric",
        "mond",
        "bert",
        "win",
        "drew",
        "niel",
        "vin",
        "son",
    )
]
SURNAMES = [
    f"{a}{b}"
    for a in ("Ash", "Brook", "Clay", "Dun", "Ever", "Fair", "Green", "Hart", "Ing", "Kel", "Lang", "Mor")
    for b in (
        "ford",
        "ley",
        "wood",
        "ton",
        "by",
        "ham",
        "field",
        "well",
        "more",
        "stone",
        "dale",
        "croft",
        "hurst",
        "wick",
        "worth",
        "bury",
        "combe",
        "ridge",
        "shaw",
        "mere",
        "gate",
        "holt",
        "land",
        "marsh",
        "mill",
        "ney",
        "pool",
        "ster",
        "thorpe",
        "vale",
        "wyn",
        "cott",
        "den",
        "grove",
        "haven",
        "low",
        "side",
        "brook",
        "acre",
        "bank",
        "court",
        "fell",
        "gill",
        "heath",
        "ings",
        "lake",
        "lock",
        "moss",
        "oak",
        "rise",
    )
]


def people(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        area = rng.choice("ABCDEFGHKLMNPRSTW") + rng.choice("ABDEFHLMNRSTWY")
        rows.append(
            {
                "id": f"res-{i:08d}",
                "landlord": DEFAULT_PROFILE_ID,
                "name": f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}",
                "address": f"{rng.randrange(1, 300)} {rng.choice(SURNAMES)} Road, Town {area}{rng.randrange(1, 30)} {rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                "phone": f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}",
                "email": f"person{i}@example.org",
                "preferred_contact": "",
                "created_at": None,
            }
        )
    return rows


def fill(engine: Engine, n: int) -> tuple[float, list[dict], list[dict]]:
    create_schema(engine)
    case_rows = cases(n)
    residents = people(int(n * 0.6))
    rng = random.Random(9)
    complaints = []
    for row in case_rows:
        resident = rng.choice(residents)
        complaints.append(
            {
                "reference": row["reference"],
                "intake_id": f"bench-{row['reference']}",
                "landlord": row["landlord"],
                "policy_id": DEFAULT_PROFILE_ID,
                "policy_version": 1,
                "region": "ENG",
                "resident_id": resident["id"],
                "channel": "phone",
                "text": "The repair was late.",
                "desired_outcome": "",
                "out_of_window": False,
                "received_at": row["received_at"],
            }
        )
    for resident in residents:
        resident["created_at"] = case_rows[0]["received_at"]
    keys = [
        {"key": key, "resident_id": r["id"]}
        for r in residents
        for key in resident_keys(r["name"], r["address"], r["phone"], r["email"])
    ]
    started = time.perf_counter()
    with Session(engine) as session:
        for model, rows in ((Case, case_rows), (Resident, residents), (Complaint, complaints), (ResidentSearchKey, keys)):
            for i in range(0, len(rows), 10_000):
                session.execute(insert(model), rows[i : i + 10_000])
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - started, residents, complaints


def probes(engine: Engine, residents: list[dict], complaints: list[dict]) -> tuple[Callable, dict[str, Callable]]:
    rng = random.Random(11)
    used = {c["resident_id"] for c in complaints}
    sample = [r for r in residents if r["id"] in used][:2000]
    references = [c["reference"] for c in complaints]

    def typed(make: Callable[[dict], str]) -> Callable[[], object]:
        return lambda: search_cases(engine, make(rng.choice(sample)))

    by_reference = lambda: search_cases(engine, rng.choice(references).lower())  # noqa: E731
    return by_reference, {
        "full name": typed(lambda r: r["name"].upper()),
        "surname alone (hundreds of cases)": typed(lambda r: r["name"].split()[1]),
        "postcode, any spacing": typed(lambda r: r["address"].rsplit(" ", 2)[-2] + r["address"].rsplit(" ", 1)[-1]),
        "phone, as typed": typed(lambda r: "+44 " + r["phone"][1:]),
        "email": typed(lambda r: r["email"].upper()),
    }


def measure_database(name: str, engine: Engine, n_cases: int, n: int) -> dict:
    fill_seconds, residents, complaints = fill(engine, n_cases)
    floor, kinds = probes(engine, residents, complaints)
    results = {}
    for kind, probe in kinds.items():
        assert floor() and probe(), f"{kind}: each kind of search finds its resident's cases"
        pair = measure_pair(floor, probe, n)  # warm-up, then interleaved
        results[kind] = {
            "search_ms": pair["list_ms"],
            "reference_ms": pair["floor_ms"],
            "ratio_p50": pair["list_ms"]["p50"] / pair["floor_ms"]["p50"],
        }
    return {"database": name, "cases": n_cases, "residents": len(residents), "fill_seconds": fill_seconds, "results": results}


def measure(n_cases: int, n: int = 300) -> list[dict]:
    return on_both_databases("complaints-search-", lambda name, engine: measure_database(name, engine, n_cases, n))


def report(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        if "skipped" in run:
            lines.append(f"\n{run['database']}: not measured ({run['skipped']})")
            continue
        lines += [
            f"\n{run['database']}, {run['cases']:,} cases, {run['residents']:,} residents (bulk insert {run['fill_seconds']:.1f} s)\n",
            "| search | p50 ms | p95 ms | by-reference p50 ms | p50 ratio |",
            "|---|---|---|---|---|",
        ]
        for kind, r in run["results"].items():
            a = r["search_ms"]
            lines.append(f"| {kind} | {a['p50']:.2f} | {a['p95']:.2f} | {r['reference_ms']['p50']:.2f} | {r['ratio_p50']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
