#!/usr/bin/python3
"""fault-compare — what a disturbed run lost and duplicated against an undisturbed reference
(the fault tests 3005 and 3008).

    fault-compare.py REF RUN [REF RUN]...

Each file holds "key<TAB>value" lines, in output order per key. Prints "LOST DUPLICATED":
LOST counts, per key, the reference's values missing from the run (as a multiset) plus the keys
whose last value differs from the reference's last; DUPLICATED counts the run's values beyond the
reference's per key. The first three differences go to stderr. Exit status 1 when LOST > 0.
"""
import sys
from collections import Counter, defaultdict


def load(path):
    seqs = defaultdict(list)
    for line in open(path):
        k, v = line.rstrip("\n").split("\t", 1)
        seqs[k].append(v)
    return seqs


lost = dup = 0
args = sys.argv[1:]
for ref_path, run_path in zip(args[0::2], args[1::2]):
    ref, run = load(ref_path), load(run_path)
    for k, r in ref.items():
        c = run.get(k, [])
        missing = sum((Counter(r) - Counter(c)).values())
        last = not c or c[-1] != r[-1]
        if (missing or last) and lost < 3:
            print("    %s: %s: %d of %d values missing, last value %s"
                  % (run_path, k, missing, len(r), "differs" if last else "equal"), file=sys.stderr)
        lost += missing + last
    for k, c in run.items():
        dup += max(0, len(c) - len(ref.get(k, [])))
print(lost, dup)
sys.exit(1 if lost else 0)
