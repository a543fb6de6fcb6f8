#!/usr/bin/env python3
"""Oracle fixtures for @flow/schedule's rrule engine, computed independently of it with python-dateutil.

Random RFC 5545 rules in DST-heavy zones, with query instants clustered around the zones' DST changes and DTSTARTs
from decades back to years ahead. For each case: the next 5 fires strictly after `after` and the latest fire at or
before it, under DESIGN §4's DST policy:

- dateutil expands the rule in floating wall time (naive datetimes, as RFC 5545 defines the expansion);
- each wall time is mapped to instants through the IANA zone (system tzdata, via zoneinfo): a time in a
  spring-forward gap is read with the offset before the gap (PEP 495 fold=0); a repeated time means its first
  occurrence, or both when the rule follows real time (FREQ=HOURLY or MINUTELY without BYHOUR);
- UNTIL with Z is compared as an instant, a floating UNTIL as a wall time; COUNT counts wall times.

Rules dateutil reads differently from RFC 5545 are not generated: BYDAY mixing plain and ordinal weekdays (dateutil
intersects them; RFC 5545 and the engine take either), and BYWEEKNO near the year's end (52, 53, negatives other
than -1: dateutil 2.9 numbers the days of a new year that belong to the previous year's last week with this year's
week count, e.g. it calls 2101-01-02 week 53 of 2100, a 52-week year). Rules that never fire are not generated either (the engine refuses them; dateutil may search to 9999).

Usage: python3 tools/schedule-oracle/rrule_oracle.py [--cases 400] [--seed 11] > libs/schedule/src/fixtures/rrule-oracle.json
"""

import argparse
import collections
import datetime as dt
import json
import random
import signal
import sys
import zoneinfo

from dateutil import rrule as du

ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Chatham",
]
UTC = dt.timezone.utc
FREQS = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
MARGIN = dt.timedelta(hours=16)


class Timeout(Exception):
    pass


def on_alarm(_signum, _frame):
    raise Timeout()


def transitions(zone, first_year, last_year):
    """UTC instants where `zone` changes its offset, found hourly then refined to the minute."""
    tz = zoneinfo.ZoneInfo(zone)
    found = []
    t = dt.datetime(first_year, 1, 1, tzinfo=UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=UTC)
    previous = t.astimezone(tz).utcoffset()
    while t < end:
        nxt = t + dt.timedelta(hours=1)
        offset = nxt.astimezone(tz).utcoffset()
        if offset != previous:
            lo, hi = t, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    break
                if mid.astimezone(tz).utcoffset() == previous:
                    lo = mid
                else:
                    hi = mid
            found.append(hi)
            previous = offset
        t = nxt
    return found


def instants(wall, tz, real_time):
    """DESIGN §4: the UTC instants at which the floating wall time fires in `tz`."""
    found = []
    for fold in (0, 1):
        aware = wall.replace(tzinfo=tz, fold=fold)
        utc = aware.astimezone(UTC)
        if utc.astimezone(tz).replace(tzinfo=None) == wall and utc not in found:
            found.append(utc)
    if not found:
        # In a spring-forward gap: fold=0 reads the wall time with the offset before the gap.
        return [wall.replace(tzinfo=tz, fold=0).astimezone(UTC)]
    found.sort()
    return found if real_time else found[:1]


def next_and_previous(rule, tz, real_time, until_instant, after, n):
    """The next `n` fires strictly after `after` and the latest fire at or before it, in one pass over the walls.

    dateutil always iterates from DTSTART; walls long before `after` are only remembered (the latest ones, which may
    hold the previous fire), and the pass stops once no later wall can change the answer (a wall's instants lie
    within 16 h of it).
    """
    as_utc = lambda wall: wall.replace(tzinfo=UTC)
    early = collections.deque()
    previous = None
    future = set()

    def take(wall):
        nonlocal previous
        for instant in instants(wall, tz, real_time):
            if until_instant is not None and instant > until_instant:
                continue
            if instant <= after:
                previous = instant if previous is None else max(previous, instant)
            else:
                future.add(instant)

    for wall in rule:
        if as_utc(wall) < after - 2 * MARGIN:
            early.append(wall)
            while as_utc(early[0]) < as_utc(wall) - 2 * MARGIN:
                early.popleft()
            continue
        while early:
            take(early.popleft())
        take(wall)
        if wall.year >= 2200:
            raise Timeout()  # too sparse to settle: not an oracle case
        if until_instant is not None and as_utc(wall) - MARGIN > until_instant:
            break
        if len(future) >= n and as_utc(wall) - MARGIN > sorted(future)[n - 1]:
            break
    while early:
        take(early.popleft())
    return sorted(future)[:n], previous


def pick(rng, values, most):
    return sorted(rng.sample(values, rng.randint(1, most)))


def random_rule(rng):
    """A random RRULE body (without UNTIL/COUNT) as a list of parts."""
    freq = rng.choices(FREQS, weights=[3, 5, 4, 4, 3, 2])[0]
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.45:
        parts.append(f"INTERVAL={rng.choice([2, 3, 4, 5, 6, 7, 12, 13, 24, 48, 90, 100])}")
    if rng.random() < 0.15:
        parts.append(f"WKST={rng.choice(DAYS)}")
    if freq in ("YEARLY", "MONTHLY"):
        shape = rng.choice(["monthday", "negmonthday", "nth", "weekdays_setpos", "plain"])
        if freq == "YEARLY" and rng.random() < 0.7:
            parts.append("BYMONTH=" + ",".join(map(str, pick(rng, list(range(1, 13)), 3))))
        if shape == "monthday":
            parts.append("BYMONTHDAY=" + ",".join(map(str, pick(rng, list(range(1, 32)), 3))))
        elif shape == "negmonthday":
            parts.append("BYMONTHDAY=" + ",".join(map(str, pick(rng, [-1, -2, -7, 1, 15], 2))))
        elif shape == "nth":
            n = rng.choice([1, 2, 3, 4, -1, -2] + ([10, 20, -10, 53] if freq == "YEARLY" else []))
            parts.append(f"BYDAY={n}{rng.choice(DAYS)}")
        elif shape == "weekdays_setpos":
            parts.append("BYDAY=" + ",".join(pick(rng, DAYS, 5)))
            parts.append("BYSETPOS=" + ",".join(map(str, pick(rng, [1, 2, 3, -1, -2], 2))))
        if freq == "YEARLY" and rng.random() < 0.1:
            parts = [p for p in parts if not p.startswith(("BYMONTH=", "BYMONTHDAY=", "BYDAY=", "BYSETPOS="))]
            parts.append("BYYEARDAY=" + ",".join(map(str, pick(rng, [1, 60, 100, 200, 365, -1, -100], 2))))
        if freq == "YEARLY" and rng.random() < 0.08:
            parts = [p for p in parts if not p.startswith(("BYMONTH=", "BYMONTHDAY=", "BYDAY=", "BYSETPOS=", "BYYEARDAY="))]
            parts.append("BYWEEKNO=" + ",".join(map(str, pick(rng, [1, 2, 10, 26, 40, -1], 2))))
            parts.append("BYDAY=" + ",".join(pick(rng, DAYS, 2)))
    elif freq == "WEEKLY":
        if rng.random() < 0.8:
            parts.append("BYDAY=" + ",".join(pick(rng, DAYS, 3)))
        if rng.random() < 0.15:
            parts.append("BYSETPOS=" + rng.choice(["1", "-1", "2"]))
    elif freq == "DAILY":
        if rng.random() < 0.5:
            parts.append("BYDAY=" + ",".join(pick(rng, DAYS, 4)))
        if rng.random() < 0.2:
            parts.append("BYMONTH=" + ",".join(map(str, pick(rng, list(range(1, 13)), 4))))
        if rng.random() < 0.1:
            parts.append("BYMONTHDAY=" + ",".join(map(str, pick(rng, [1, 13, 29, 31, -1], 2))))
    else:
        if rng.random() < 0.3:
            parts.append("BYDAY=" + ",".join(pick(rng, DAYS, 4)))
        if rng.random() < 0.1:
            parts.append("BYMONTHDAY=" + ",".join(map(str, pick(rng, [1, 15, 29, -1], 2))))
    if freq in ("YEARLY", "MONTHLY", "WEEKLY", "DAILY"):
        if rng.random() < 0.8:
            parts.append("BYHOUR=" + ",".join(map(str, pick(rng, [0, 1, 2, 3, 9, 12, 13, 23], 2))))
        if rng.random() < 0.8:
            parts.append("BYMINUTE=" + ",".join(map(str, pick(rng, [0, 15, 30, 45], 2))))
    elif freq == "HOURLY":
        if rng.random() < 0.4:
            parts.append("BYHOUR=" + ",".join(map(str, pick(rng, list(range(24)), 6))))
        if rng.random() < 0.7:
            parts.append("BYMINUTE=" + ",".join(map(str, pick(rng, [0, 5, 15, 30, 45], 2))))
        if rng.random() < 0.1:
            parts.append("BYSETPOS=-1")
    else:
        if rng.random() < 0.3:
            parts.append("BYHOUR=" + ",".join(map(str, pick(rng, [0, 1, 2, 3, 12, 22], 3))))
        if rng.random() < 0.4:
            parts.append("BYMINUTE=" + ",".join(map(str, pick(rng, list(range(0, 60, 5)), 5))))
    if rng.random() < 0.05:
        parts.append("BYSECOND=0,30")
    return parts


def dateutil_rule(parts, dtstart, count, until_wall):
    """The rule as dateutil reads the text (its own parser), floating."""
    text = ";".join(parts)
    if count is not None:
        text += f";COUNT={count}"
    if until_wall is not None:
        text += ";UNTIL=" + until_wall.strftime("%Y%m%dT%H%M%S")
    return du.rrulestr("RRULE:" + text, dtstart=dtstart)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    signal.signal(signal.SIGALRM, on_alarm)
    changes = {zone: transitions(zone, 2025, 2031) for zone in ZONES}
    cases = []
    while len(cases) < args.cases:
        zone = rng.choice(ZONES)
        tz = zoneinfo.ZoneInfo(zone)
        parts = random_rule(rng)
        freq = parts[0].split("=")[1]
        change = rng.choice(changes[zone])
        # DTSTART: decades back (seeking, not replaying), near the DST changes, or years ahead.
        start_kind = rng.choices(["old", "near", "ahead"], weights=[4, 5, 1])[0]
        if start_kind == "old":
            # dateutil replays from DTSTART: decades back for coarse rules, months back for HOURLY, days for MINUTELY.
            oldest = {"HOURLY": 2024, "MINUTELY": 2026}.get(freq, 1975)
            start = dt.datetime(rng.randint(oldest, 2024 if freq != "MINUTELY" else 2026), rng.randint(1, 12), rng.randint(1, 28))
            if freq == "MINUTELY":
                start = change.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=rng.randint(1, 20))
        elif start_kind == "near":
            start = rng.choice(changes[zone]).astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=rng.randint(0, 400))
        else:
            start = dt.datetime(rng.randint(2027, 2029), rng.randint(1, 12), rng.randint(1, 28))
        start = start.replace(
            hour=rng.choice([0, 1, 2, 3, 9, 12, 23]),
            minute=rng.choice([0, 15, 30, 45, 7]),
            second=0,
            microsecond=0,
        )
        after = change + rng.choice(
            [
                dt.timedelta(minutes=rng.randint(-180, 180)),
                dt.timedelta(hours=rng.randint(-72, 72)),
                dt.timedelta(days=rng.randint(-200, 200), seconds=rng.randint(0, 86399)),
            ]
        )
        count = rng.choice([None] * 8 + [3, 50, 500])
        until_wall = until_instant = None
        if count is None and rng.random() < 0.12:
            limit = after + dt.timedelta(days=rng.randint(-30, 400))
            if rng.random() < 0.5:
                until_instant = limit.replace(second=0, microsecond=0)
            else:
                until_wall = limit.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
        real_time = freq in ("HOURLY", "MINUTELY") and not any(p.startswith("BYHOUR=") for p in parts)
        try:
            signal.alarm(5)
            rule = dateutil_rule(parts, start, count, until_wall)
            nxt, prev = next_and_previous(rule, tz, real_time, until_instant, after, 5)
            signal.alarm(0)
        except (Timeout, ValueError, IndexError):  # dateutil fails on some rules (e.g. 53MO in a year of 52)
            signal.alarm(0)
            continue
        if not nxt and prev is None:
            continue  # never fires: not an oracle case
        dtstart = f"DTSTART;TZID={zone}:{start.strftime('%Y%m%dT%H%M%S')}"
        body = ";".join(parts)
        if count is not None:
            body += f";COUNT={count}"
        if until_instant is not None:
            body += ";UNTIL=" + until_instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        if until_wall is not None:
            body += ";UNTIL=" + until_wall.strftime("%Y%m%dT%H%M%S")
        iso = lambda t: t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cases.append(
            {
                "rrule": f"{dtstart}\nRRULE:{body}",
                "after": iso(after),
                "next": [iso(t) for t in nxt],
                "previous": iso(prev) if prev else None,
            }
        )
    json.dump(
        {
            "about": (
                "Generated by tools/schedule-oracle/rrule_oracle.py (python-dateutil "
                + du.__name__.split('.')[0] + " expansion in floating wall time, mapped through the IANA zone under "
                "DESIGN §4; see the script's docstring). `next`: the next fires strictly after `after` (up to 5; fewer "
                "when the rule ends); `previous`: the latest fire at or before `after`, or null."
            ),
            "seed": args.seed,
            "zones": ZONES,
            "cases": cases,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
