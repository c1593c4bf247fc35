"""Bulk fixture for bench/results_aggregation.py: responses and answers by binary COPY.

The rows are built with numpy as PostgreSQL's binary COPY format (one template of bytes
per answer code and option, the random UUIDs written in) and streamed with psycopg 3's
`cursor.copy()`. While loading, the indexes and key constraints of `surveys_answer`
and `surveys_response` are dropped; they are rebuilt from their own catalogue
definitions afterwards (exactly as Django created them; checked) and the database is
ANALYZEd. Everything happens in one transaction on a connection of its own.

Answers are stored as the app stores them: one row per answer code, one per ticked
option for multiple choice, the rows of a response together and the responses of a
round together (closing a round re-stores its responses in one go). Options are drawn
per round: ordinal scales lean towards the favourable end as before (the smaller of
two uniform draws over the listed options), tilted by a cluster effect plus a little
round-to-round noise, so clusters differ; "ikke relevant" options take about 5 %;
options without any value (practice type) are equally likely; each multiple-choice
option is ticked with probability about 0.35, also tilted by the cluster.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import psycopg

HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
TRAILER = struct.pack(">h", -1)
TABLES = ("surveys_answer", "surveys_response")
# Answer row template: field count, then (length, bytes) per field. The two UUIDs sit
# at fixed offsets: id at 6..22, response_id at 26..42.
ANSWER_ID_AT, RESPONSE_ID_AT = 6, 26
RESPONSE_DTYPE = np.dtype(
    [("fields", ">i2"), ("id_len", ">i4"), ("id", "u1", 16), ("round_len", ">i4"), ("round", ">i8")]
)
RESPONSES_PER_CHUNK = 2_500


@dataclass(frozen=True)
class Code:
    code: str
    options: tuple[str, ...]
    values: tuple[float | None, ...]
    multi: bool


@dataclass(frozen=True)
class Round:
    id: int
    responses: int
    tilt: float  # the cluster's effect plus this round's noise


@dataclass
class LoadTimes:
    rows: int = 0
    copy: float = 0.0  # generating rows and COPY
    indexes: float = 0.0  # rebuilding indexes and constraints
    analyze: float = 0.0

    @property
    def total(self) -> float:
        return self.copy + self.indexes + self.analyze


def round_sizes(total: int, low: int, high: int, rng: np.random.Generator) -> list[int]:
    """Round sizes drawn uniformly from low..high that add up to exactly `total`."""
    sizes: list[int] = []
    left = total
    while left >= high:
        size = int(rng.integers(low, high + 1))
        sizes.append(size)
        left -= size
    if left >= low or not sizes:
        sizes.append(left)
    else:  # spread the rest, one each, over rounds still below `high`
        below = [i for i, size in enumerate(sizes) if size < high]
        for i in rng.choice(below, size=left, replace=False):
            sizes[int(i)] += 1
    return [s for s in sizes if s > 0]


class _AnswerTemplates:
    """One byte template per (code, option): the whole binary COPY row but its UUIDs."""

    def __init__(self, codes: Sequence[Code]) -> None:
        chunks: list[bytes] = []
        self.first_kind: list[int] = []
        for code in codes:
            self.first_kind.append(len(chunks))
            code_bytes = code.code.encode()
            for option, value in zip(code.options, code.values, strict=True):
                option_bytes = option.encode()
                row = struct.pack(">hi", 6, 16) + bytes(16) + struct.pack(">i", 16) + bytes(16)
                row += struct.pack(">i", len(code_bytes)) + code_bytes
                row += struct.pack(">i", len(option_bytes)) + option_bytes
                row += struct.pack(">i", -1) if value is None else struct.pack(">id", 8, value)
                row += struct.pack(">i", 0)  # text: empty
                chunks.append(row)
        self.lengths = np.array([len(c) for c in chunks], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)
        self.flat = np.frombuffer(b"".join(chunks), dtype=np.uint8)

    def rows(self, kinds: np.ndarray, answer_ids: np.ndarray, response_ids: np.ndarray) -> bytes:
        lengths = self.lengths[kinds]
        ends = np.cumsum(lengths)
        starts = ends - lengths
        # Byte j of row r is template byte starts[kind r] + (j - starts[r]).
        source = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(self.starts[kinds] - starts, lengths)
        out = self.flat[source]
        span = np.arange(16, dtype=np.int64)
        out[(starts + ANSWER_ID_AT)[:, None] + span] = answer_ids
        out[(starts + RESPONSE_ID_AT)[:, None] + span] = response_ids
        return out.tobytes()


def _uuid4s(rng: np.random.Generator, n: int) -> np.ndarray:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return raw


def _option_probabilities(code: Code, tilts: np.ndarray) -> np.ndarray:
    """Per round (rows) the probability of each option (columns) of a single-choice code."""
    n = len(code.options)
    valued = np.array([v is not None for v in code.values])
    if not valued.any():
        return np.full((len(tilts), n), 1.0 / n)
    index = np.arange(n)
    base = (2 * (n - index) - 1) / n**2  # the smaller of two uniform draws over the options
    values = np.array([v if v is not None else 0.0 for v in code.values])
    span = np.ptp(values[valued]) or 1.0
    centred = (values - values[valued].mean()) / span
    weights = base[None, :] * np.exp(tilts[:, None] * centred[None, :])
    weights[:, valued] /= weights[:, valued].sum(axis=1, keepdims=True)
    if (~valued).any():  # "ikke relevant": about 5 % in all
        weights[:, valued] *= 0.95
        weights[:, ~valued] = 0.05 / (~valued).sum()
    return weights


def _answer_chunk(
    codes: Sequence[Code],
    templates: _AnswerTemplates,
    cumulatives: list[np.ndarray],
    response_round: np.ndarray,
    tilts: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(kind, response index) of every answer row for these responses, in storage order."""
    n = len(response_round)
    responses_of, keys, kinds = [], [], []
    for position, code in enumerate(codes):
        first = templates.first_kind[position]
        if code.multi:
            p = np.clip(0.35 + 0.1 * tilts[response_round], 0.05, 0.9)
            ticked = rng.random((n, len(code.options))) < p[:, None]
            who, option = np.nonzero(ticked)
        else:
            cumulative = cumulatives[position][response_round]
            draw = rng.random(n)
            option = np.minimum((draw[:, None] > cumulative).sum(axis=1), len(code.options) - 1)
            who = np.arange(n)
        responses_of.append(who)
        keys.append(position * 256 + option)
        kinds.append(first + option)
    who = np.concatenate(responses_of)
    key = np.concatenate(keys)
    order = np.lexsort((key, who))
    return np.concatenate(kinds)[order], who[order]


def _schema(cur: psycopg.Cursor) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """Indexes not owned by a constraint, and primary key / unique / foreign key
    constraints, on or pointing at the fixture's tables, with their definitions."""
    cur.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%(t)s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
        ORDER BY 1
        """,
        {"t": list(TABLES)},
    )
    indexes = [(name, definition) for name, definition in cur.fetchall()]
    cur.execute(
        """
        SELECT conname, conrelid::regclass::text, contype, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE contype IN ('p', 'u', 'f')
          AND (conrelid = ANY(%(t)s::regclass[]) OR confrelid = ANY(%(t)s::regclass[]))
        ORDER BY contype <> 'f', 1
        """,
        {"t": list(TABLES)},
    )
    constraints = [(name, table, kind, definition) for name, table, kind, definition in cur.fetchall()]
    return indexes, constraints


@contextmanager
def _without_indexes(cur: psycopg.Cursor, times: LoadTimes) -> Iterator[None]:
    indexes, constraints = _schema(cur)
    for name, table, _kind, _definition in constraints:  # foreign keys first
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f"DROP INDEX {name}")
    yield
    start = time.perf_counter()
    for _name, definition in indexes:
        cur.execute(definition)
    for name, table, _kind, definition in reversed(constraints):  # keys, then foreign keys
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    times.indexes += time.perf_counter() - start
    restored = _schema(cur)
    if (sorted(restored[0]), sorted(restored[1])) != (sorted(indexes), sorted(constraints)):
        raise RuntimeError(f"schema not restored: {restored} != {(indexes, constraints)}")


def load(url: str, codes: Sequence[Code], rounds: Sequence[Round], seed: int) -> LoadTimes:
    """Insert `rounds` (already created, closed) with their responses and answers."""
    rng = np.random.default_rng(seed)
    templates = _AnswerTemplates(codes)
    times = LoadTimes()
    round_of_response = np.repeat(np.arange(len(rounds)), [r.responses for r in rounds])
    round_ids = np.array([r.id for r in rounds], dtype=np.int64)
    tilts = np.array([r.tilt for r in rounds])
    cumulatives = [np.cumsum(_option_probabilities(c, tilts), axis=1) for c in codes]
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = 'surveys_response'::regclass AND attname = 'round_id'"
        )
        if cur.fetchone() != ("bigint",):
            raise RuntimeError("surveys_response.round_id is no longer bigint: adjust RESPONSE_DTYPE")
        cur.execute("SET maintenance_work_mem = '1GB'")
        with conn.transaction(), _without_indexes(cur, times):
            start = time.perf_counter()
            # Closed rounds' responses are mixed (docs/anonymity.md); the column has no
            # database default, so give it one for the COPY only.
            cur.execute("ALTER TABLE surveys_response ALTER COLUMN mixed SET DEFAULT true")
            with cur.copy("COPY surveys_response (id, round_id) FROM STDIN (FORMAT BINARY)") as responses:
                responses.write(HEADER)
                response_ids = _uuid4s(rng, len(round_of_response))
                rows = np.empty(len(round_of_response), dtype=RESPONSE_DTYPE)
                rows["fields"], rows["id_len"], rows["round_len"] = 2, 16, 8
                rows["id"] = response_ids
                rows["round"] = round_ids[round_of_response]
                responses.write(rows.tobytes())
                responses.write(TRAILER)
            answers_sql = "COPY surveys_answer (id, response_id, code, option, value, text) FROM STDIN (FORMAT BINARY)"
            with cur.copy(answers_sql) as answers:
                answers.write(HEADER)
                for first in range(0, len(round_of_response), RESPONSES_PER_CHUNK):
                    chunk = slice(first, first + RESPONSES_PER_CHUNK)
                    kinds, who = _answer_chunk(codes, templates, cumulatives, round_of_response[chunk], tilts, rng)
                    answers.write(templates.rows(kinds, _uuid4s(rng, len(kinds)), response_ids[chunk][who]))
                    times.rows += len(kinds)
                answers.write(TRAILER)
            cur.execute("ALTER TABLE surveys_response ALTER COLUMN mixed DROP DEFAULT")
            times.copy = time.perf_counter() - start
        start = time.perf_counter()
        cur.execute("ANALYZE")  # every table, the new rounds and orders too (autovacuum is off here)
        conn.commit()
        times.analyze = time.perf_counter() - start
    return times
