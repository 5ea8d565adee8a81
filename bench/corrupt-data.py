#!/usr/bin/env python3
# Writes a copy of a data directory with 400 bad or tricky rows put into every file (a field set to an edge value:
# empty, signed, exponent, NaN, impossible dates, leap seconds, unknown teams...; a field dropped or added; invalid
# UTF-8; a NUL byte; an unbalanced quote; exact duplicates; a CR), seeded, for before/after checks of the timeline's
# output with `TimelineBench --hash true --data OUT` (every dead letter and its reason must stay the same).
# Usage: bench/corrupt-data.py [SRC=../shared/data/nba] [OUT=/tmp/nba-bad]
import gzip, random, os, shutil
import sys
src = sys.argv[1] if len(sys.argv) > 1 else '../shared/data/nba'
dst = sys.argv[2] if len(sys.argv) > 2 else '/tmp/nba-bad'
rnd=random.Random(16)
tricky=["", " 12", "12 ", "1e1", "+5", "-0", "12.", ".5", "NaN", "Infinity", "-1", "3.5", "0x10", "2023-02-30", "2023-2-01",
 "2024-02-29", "2023-10-24T23:25:44.5Z", "2023-10-24T24:00:00Z", "2023-10-24T23:59:60Z", "abc", "0022300061x", "002230006",
 "9999999999999999", "-3", "151", "80.5", "1000001", "H", "A", "X", "Y", "N", "LAL", "XXX", "1", "0", "2PT", "3PT",
 "Mid-Range", "1610612747", "-1610612747", "2023-24", "2022-23", "0022300062", "Nikola Jokic", "J. Green", "LeBron James",
 "Denver Nuggets", "home", "away", "-110.0", "1.91", "2.5", "150", "-0.0", "23.5", "0.5", "200.5", "99", "1.0"]
for d in sorted(os.listdir(src)):
    p=os.path.join(src,d)
    if not os.path.isdir(p):
        continue
    os.makedirs(os.path.join(dst,d), exist_ok=True)
    for f in sorted(os.listdir(p)):
        lines=gzip.open(os.path.join(p,f),'rb').read().split(b'\n')
        header, body = lines[0], [l for l in lines[1:] if l]
        out=list(body)
        for k in range(400):
            i=rnd.randrange(len(out))
            row=body[rnd.randrange(len(body))]
            fields=row.split(b',')
            r=rnd.random()
            if r<0.7:
                j=rnd.randrange(len(fields)); fields[j]=rnd.choice(tricky).encode()
                new=b','.join(fields)
            elif r<0.75: new=b','.join(fields[:-1])
            elif r<0.8: new=row+b',extra'
            elif r<0.85: new=row[:10]+b'\xff\xfe'+row[10:]
            elif r<0.88: new=row.replace(b',',b',"',1)
            elif r<0.9: new=row[:5]+b'\x00'+row[5:]
            elif r<0.95: new=row  # exact duplicate
            else: new=row+b'\r'
            out.insert(i,new)
        with gzip.open(os.path.join(dst,d,f),'wb') as g:
            g.write(header+b'\n'+b'\n'.join(out)+b'\n')
