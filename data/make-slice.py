#!/usr/bin/env python3
"""Cuts the committed real-data slice out of ../shared/data/nba (run from the project root).

The slice keeps the first four weeks of 2022-23 and of 2023-24 from every source, unchanged row for row,
in the same file layout and format, so every command that takes --data works on it the same way.
"""
import csv, gzip, io, os, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/nba"
DST = "data/nba-slice"
WINDOWS = [("2022-10-18", "2022-11-14"), ("2023-10-24", "2023-11-20")]

def in_window(d):
    return any(a <= d <= b for a, b in WINDOWS)

def cut(rel, date_col, out_rel=None, date_fn=lambda s: s):
    src = os.path.join(SRC, rel)
    with gzip.open(src, "rt", encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    header, rows = lines[0], [l for l in lines[1:] if l]
    idx = next(csv.reader([header])).index(date_col)
    kept = [l for l in rows if in_window(date_fn(next(csv.reader([l]))[idx]))]
    dst = os.path.join(DST, out_rel or rel)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    raw = ("\n".join([header] + kept) + "\n").encode("utf-8")
    with open(dst, "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw)
    print(f"{dst}: {len(kept)} of {len(rows)} rows")

cut("box_scores/player_box_2022-23.csv.gz", "game_date")
cut("box_scores/player_box_2023-24.csv.gz", "game_date")
cut("schedule/games_2021-22_to_2023-24.csv.gz", "game_date")
cut("shots/shots_2022-23_regular.csv.gz", "game_date")
cut("shots/shots_2023-24_regular.csv.gz", "game_date")
cut("odds/game_lines_2021-22_to_2023-24.csv.gz", "game_date")
# Prop snapshots are UTC timestamps; keep those whose UTC date falls in a window or the day after its end.
cut("props/pra_lines_2023-24.csv.gz", "snapshot_ts", date_fn=lambda s: s[:10])
