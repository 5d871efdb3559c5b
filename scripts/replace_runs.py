"""Replaces one preset's lines of a JSON-lines results file with a fresh set, keeping every other
preset's (scripts/accuracy.sh and torch_accuracy.sh: a preset's runs replace its earlier ones
only once all of them are in, so an interrupted run loses nothing recorded before).

    python3 scripts/replace_runs.py RESULTS.jsonl PRESET FRESH.jsonl
"""
import json
import sys

path, name, fresh = sys.argv[1], sys.argv[2], sys.argv[3]
keep = [l for l in open(path) if l.strip() and json.loads(l)["preset"] != name]
open(path, "w").writelines(keep + open(fresh).readlines())
