#!/usr/bin/env python3
"""Builds the poison-input corpus (streams/src/test/resources/bad/nba) from the bundled real-data slice.

Run from the project root:  python3 streams/src/test/resources/bad/make-corpus.py
The output is deterministic (fixed gzip mtime, no randomness) and checked in; CorpusReplayTest replays it.

Every CSV source gets, in the data layout the replay reads:
  <main file>          real rows with bad rows spread among them (MANIFEST.json lists each bad row: file, line,
                       the reason the replay must give) and harmless oddities that must be accepted (a CRLF line,
                       rows out of date order, a last line without newline)
  *_bom_crlf           real rows, UTF-8 byte-order mark and CRLF line ends: all accepted
  *_truncated          real rows, gzip stream cut at 60%: rows before the cut accepted, then one file fault
  *_not_gzip           a plain CSV named .csv.gz: one file fault
  *_empty              0 bytes: one file fault
  *_header_only        a header and no rows: nothing to read, nothing dead-lettered
  *_missing_column     the header (and rows) without a required column: each row dead-lettered
The prop feeds' JSON captures (props/captures/) get truncated, wrong-shape, empty, non-UTF-8 and oversized
variants next to two good captures (the fixtures of streams/src/test/resources/fixtures/props).
"""
import gzip
import io
import json
import os
import shutil
import zlib

ROOT = os.getcwd()
SLICE = os.path.join(ROOT, "data", "nba-slice")
FIXTURES = os.path.join(ROOT, "streams", "src", "test", "resources", "fixtures", "props")
OUT_BASE = os.path.join(ROOT, "streams", "src", "test", "resources", "bad")
OUT = os.path.join(OUT_BASE, "nba")

D1, D2, D3, D4 = "2023-10-24", "2023-10-25", "2023-10-26", "2023-10-27"
TEN_MB = 10 * 1024 * 1024
ONE_MB = 1024 * 1024

manifest = {"dead_letters": [], "accepted": {}}


def read_rows(rel):
    with gzip.open(os.path.join(SLICE, rel), "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    header = lines[0]
    rows = [l for l in lines[1:] if l]
    return header, rows


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
        g.write(data)
    return buf.getvalue()


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def dead(source, rel, line, reason):
    manifest["dead_letters"].append({"source": source, "file": rel, "line": line, "reason": reason})


def accept(source, n):
    manifest["accepted"][source] = manifest["accepted"].get(source, 0) + n


def col(header, name):
    return header.split(",").index(name)


def with_field(row, i, value):
    f = row.split(",")
    f[i] = value
    return ",".join(f)


def main_file(source, rel, header, good, bad, out_of_order=True):
    """good: real rows; bad: list of (bytes line, reason or None for an accepted oddity). Bad rows are spread
    evenly among the good ones; the first good row of the last date is moved to the top (out of date order); one
    good row ends with CRLF; the file ends without a newline."""
    good = list(good)
    if out_of_order:
        good.insert(0, good.pop(len(good) - 1))
    lines = [header.encode()]
    step = max(1, len(good) // (len(bad) + 1))
    gi = 0
    for b, reason in bad:
        for _ in range(step):
            if gi < len(good):
                lines.append(good[gi].encode())
                gi += 1
        lines.append(b)
        if reason is None:
            accept(source, 1)
        else:
            dead(source, rel, len(lines), reason)
    while gi < len(good):
        lines.append(good[gi].encode())
        gi += 1
    accept(source, len(good))
    crlf_at = 2  # the second data line ends with CRLF
    text = b"\n".join(l + (b"\r" if i == crlf_at else b"") for i, l in enumerate(lines))  # no final newline
    write(rel, gz(text))


def variants(source, folder, stem, header, bom_rows, truncated_rows, required_col, ext=".csv.gz"):
    # BOM + CRLF: accepted.
    write(f"{folder}/{stem}_bom_crlf{ext}", gz(b"\xef\xbb\xbf" + "\r\n".join([header] + bom_rows).encode() + b"\r\n"))
    accept(source, len(bom_rows))
    # Truncated gzip: the complete lines before the cut are read, then one file fault.
    full = gz("\n".join([header] + truncated_rows).encode() + b"\n")
    cut = full[: int(len(full) * 0.6)]
    rel = f"{folder}/{stem}_truncated{ext}"
    write(rel, cut)
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    got = d.decompress(cut)
    complete = got.count(b"\n") - 1  # minus the header
    accept(source, complete)
    dead(source, rel, complete + 2, "truncated or corrupt gzip")
    # Not gzip, empty, header only.
    rel = f"{folder}/{stem}_not_gzip{ext}"
    write(rel, "\n".join([header] + bom_rows[:3]).encode() + b"\n")
    dead(source, rel, 1, "not a gzip file")
    rel = f"{folder}/{stem}_empty{ext}"
    write(rel, b"")
    dead(source, rel, 1, "empty file")
    write(f"{folder}/{stem}_header_only{ext}", gz((header + "\n").encode()))
    # A required column missing from the header and the rows: each row is dead-lettered.
    i = col(header, required_col)
    drop = lambda l: ",".join(v for j, v in enumerate(l.split(",")) if j != i)
    rel = f"{folder}/{stem}_missing_column{ext}"
    write(rel, gz("\n".join([drop(header)] + [drop(r) for r in bom_rows[:3]]).encode() + b"\n"))
    for k in range(len(bom_rows[:3])):
        dead(source, rel, k + 2, "missing " + required_col)


def common_bad(header, row, text_col, range_col, range_value, range_reason, date_col, date_reason):
    """The row-level poison every CSV source gets, built from one real row."""
    n = len(header.split(","))
    f = row.split(",")
    return [
        (",".join(f[:-1]).encode(), f"unparseable line ({n - 1} fields, the header has {n})"),
        ((row + ",extra").encode(), f"unparseable line ({n + 1} fields, the header has {n})"),
        (with_field(row, text_col, "BAD").encode().replace(b"BAD", b"B\xff\xfeD"), "invalid UTF-8 at byte"),
        (with_field(row, text_col, "N\0L").encode(), "NUL byte at byte"),
        (b"x" * TEN_MB, "line of 10,485,760 bytes is longer than the limit of 65,536 bytes"),
        (with_field(row, text_col, "y" * ONE_MB).encode(), "is longer than the limit of 65,536 bytes"),
        (with_field(row, range_col, range_value).encode(), range_reason),
        (with_field(row, date_col, "2023-02-30").encode(), date_reason),
        (with_field(row, date_col, "2023-13-01").encode(), date_reason),
        ((row.replace(",", ',"', 1)).encode(), "unparseable line (unbalanced quotes)"),
    ]


def build():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    # ---- schedule
    h, rows = read_rows("schedule/games_2021-22_to_2023-24.csv.gz")
    rows = [r for r in rows if r.startswith("2023-24,")]
    di = col(h, "game_date")
    main = [r for r in rows if r.split(",")[di] <= D4 and r.split(",")[di] != D3]
    on_d3 = [r for r in rows if r.split(",")[di] == D3]
    later = [r for r in rows if "2023-10-28" <= r.split(",")[di] <= "2023-10-31"]
    dup = with_field(main[5], col(h, "home_pts"), str(int(main[5].split(",")[col(h, "home_pts")]) + 1))
    bad = common_bad(h, main[3], col(h, "season_type"), col(h, "home_pts"), "99999", "home_pts out of range",
                     di, "game_date is not a YYYY-MM-DD date") + [
        (dup.encode(), "duplicate key " + main[5].split(",")[col(h, "game_id")] + " with other values")]
    main_file("schedule", "schedule/games_2023-24.csv.gz", h, main, bad)
    variants("schedule", "schedule", "games_2023-24", h, on_d3, later, "game_id")

    # ---- game lines
    h, rows = read_rows("odds/game_lines_2021-22_to_2023-24.csv.gz")
    di = col(h, "game_date")
    rows = [r for r in rows if r.startswith("2023-24,")]
    main = [r for r in rows if r.split(",")[di] in (D1, D2)]
    tot = col(h, "total")
    dup = with_field(main[5], tot, str(float(main[5].split(",")[tot]) + 1))
    bad = common_bad(h, main[3], col(h, "away_code_src"), col(h, "moneyline_home"), "1e12",
                     "moneyline_home out of range", di, "game_date is not a YYYY-MM-DD date") + [
        (dup.encode(), "duplicate key " + main[5].split(",")[col(h, "nba_game_id")] + " with other values")]
    main_file("game_lines", "odds/game_lines_2023-24.csv.gz", h, main, bad)
    variants("game_lines", "odds", "game_lines_2023-24", h, [r for r in rows if r.split(",")[di] == D3],
             [r for r in rows if r.split(",")[di] == D4], "game_date")

    # ---- box scores
    h, rows = read_rows("box_scores/player_box_2023-24.csv.gz")
    di = col(h, "game_date")
    main = [r for r in rows if r.split(",")[di] in (D1, D2)]
    pm = col(h, "plus_minus")
    dup = with_field(main[5], pm, str(int(float(main[5].split(",")[pm] or 0)) + 1))
    f5 = main[5].split(",")
    bad = common_bad(h, main[3], col(h, "season_type"), col(h, "pts"), "99999", "pts out of range", di,
                     "game_date is not a YYYY-MM-DD date") + [
        (dup.encode(), f"duplicate key {f5[col(h, 'game_id')]}|{f5[col(h, 'player_id')]} with other values")]
    main_file("box_scores", "box_scores/player_box_2023-24.csv.gz", h, main, bad)
    variants("box_scores", "box_scores", "player_box_2023-24", h, [r for r in rows if r.split(",")[di] == D3],
             [r for r in rows if r.split(",")[di] == D4], "player_id")

    # ---- shots (no unique key: no duplicate check)
    h, rows = read_rows("shots/shots_2023-24_regular.csv.gz")
    di = col(h, "game_date")
    gi = col(h, "game_id")
    main = [r for r in rows if r.split(",")[di] == D1]
    d2_games = sorted({r.split(",")[gi] for r in rows if r.split(",")[di] == D2})
    bad = common_bad(h, main[3], col(h, "action_type"), col(h, "shot_distance"), "99999",
                     "shot_distance out of range", di, "game_date is not a YYYY-MM-DD date")
    main_file("shots", "shots/shots_2023-24_regular.csv.gz", h, main, bad)
    variants("shots", "shots", "shots_2023-24_regular", h, [r for r in rows if r.split(",")[gi] == d2_games[0]],
             [r for r in rows if r.split(",")[gi] == d2_games[1]], "zone_basic")

    # ---- props CSV (The Odds API extract)
    h, rows = read_rows("props/pra_lines_2023-24.csv.gz")
    di = col(h, "event_date")
    # D2 only: the Odds API capture below holds the LAL@DEN snapshot of D1 (recast from the same lines).
    d2 = [r for r in rows if r.split(",")[di] == D2]
    main, d2 = d2[:150], d2[150:]
    op = col(h, "over_price")
    dup = with_field(main[5], op, "-150.0" if main[5].split(",")[op] != "-150.0" else "-160.0")
    bad = common_bad(h, main[3], col(h, "bookmaker"), col(h, "line"), "1e9", "line out of range: 1.0E9",
                     di, "event_date is not a YYYY-MM-DD date") + [
        (dup.encode(), "duplicate key ODDS_API|"),
        (with_field(main[4], op, "1e12").encode(), "over_price out of range")]
    main_file("props", "props/pra_lines_2023-24.csv.gz", h, main, bad, out_of_order=False)
    variants("props", "props", "pra_lines_2023-24", h, d2[:60], d2[60:200], "snapshot_ts")

    # ---- props JSON captures
    odds = open(os.path.join(FIXTURES, "odds_api_historical_event_odds_LAL_at_DEN_2023-10-24.json"), "rb").read()
    bp = open(os.path.join(FIXTURES, "bettingpros_props_LAL_at_DEN_2023-10-24.json"), "rb").read()
    cap = "props/captures/"
    write(cap + "odds_api_LAL_at_DEN.json", odds)
    envelope = b'{"fetched_at": "2023-10-24T22:00:00Z", "response": ' + bp + b"}"
    write(cap + "bettingpros_LAL_at_DEN.json", envelope)
    bad_json = [
        ("odds_api_truncated.json", odds[: len(odds) // 2], 1, "unparseable JSON"),
        ("odds_api_wrong_shape.json", b'{"timestamp": "2023-10-24T22:00:00Z", "data": 42}', 1,
         "not an Odds API event-odds response"),
        ("odds_api_empty.json", b"", 1, "empty file"),
        ("odds_api_not_utf8.json", odds.replace(b'"Denver Nuggets"', b'"Denver \xff Nuggets"', 1), 1, "not valid UTF-8"),
        ("bettingpros_no_envelope.json", bp, 1, "needs the envelope"),
        ("bettingpros_truncated.json", envelope[: len(envelope) // 2], 1, "not JSON"),
        ("bettingpros_wrong_shape.json", b'{"fetched_at": "2023-10-24T22:00:00Z", "response": {"props": 5}}', 1,
         "not a BettingPros v3/props response"),
        ("bettingpros_bad_fetched_at.json", b'{"fetched_at": "yesterday", "response": {"props": []}}', 1,
         "could not be parsed"),
    ]
    for name, data, line, reason in bad_json:
        write(cap + name, data)
        dead("props", cap + name, line, reason)
    two = b'["not an event", 42]'
    write(cap + "odds_api_array_of_scalars.json", two)
    dead("props", cap + "odds_api_array_of_scalars.json", 1, "event is not a JSON object")
    dead("props", cap + "odds_api_array_of_scalars.json", 2, "event is not a JSON object")
    # One bookmaker whose title is 300 KB: every record it yields would be over the 256 KB record limit.
    doc = json.loads(odds)
    doc["data"]["bookmakers"] = doc["data"]["bookmakers"][:1]
    doc["data"]["bookmakers"][0]["title"] = "Z" * (300 * 1024)
    write(cap + "odds_api_huge_bookmaker.json", json.dumps(doc).encode())
    dead("props", cap + "odds_api_huge_bookmaker.json", "*", "is larger than the limit of 262,144 bytes")

    with open(os.path.join(OUT_BASE, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print("dead letters expected:", len(manifest["dead_letters"]), "accepted (CSV):", manifest["accepted"])


build()
