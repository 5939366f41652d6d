#!/usr/bin/env python3
"""A seeded, generated football season in the shape of an events API (events, lineups, incidents).

    python3 scripts/gen_events.py [--seed 7] [--out data/samples/events/season.json.gz]

Writes one gzip'd JSON document that scripts/fixture_api.py --events serves:
  {"seed", "tournament": {slug, name}, "teams": [{id, name, nameCode}],
   "players": {team id: [{id, name, position}]},
   "events": [{id, slug, date, startTimestamp, home, away, fate (played|postponed|canceled),
               lineups: {home: [...], away: [...]}   (player id, jerseyNumber, substitute),
               incidents: [...]                       (as the API gives them, oldest first, scores
                                                       filled in by the server),
               correction: null | {after: epoch seconds, rescind: index into incidents}}]}

20 fictional teams play a double round robin, one round a week from 2024-08-17 (Saturdays and
Sundays). Every name is generated; the data is synthetic and free to use (CC0).
"""
import argparse
import datetime as dt
import gzip
import json
import os
import random

TOWNS = ["Ashford", "Bramley", "Carden", "Dunmore", "Elsworth", "Fairhaven", "Glenrock", "Harrowby",
         "Ivelton", "Kingsmere", "Larkfield", "Marwick", "Northbridge", "Oakhurst", "Penrith Vale",
         "Queensbury", "Redcliffe", "Stanmoor", "Thornbury", "Westfold"]
SUFFIXES = ["FC", "United", "City", "Athletic", "Rovers", "Town", "Albion", "Wanderers"]
FIRST = ["Aaron", "Ben", "Callum", "Dan", "Eli", "Finn", "George", "Harry", "Isaac", "Jack", "Kieran",
         "Liam", "Mason", "Noah", "Oscar", "Patrick", "Reece", "Sam", "Tom", "Will", "Yusuf", "Zak"]
LAST = ["Adams", "Baker", "Carter", "Dawson", "Evans", "Fletcher", "Grant", "Hughes", "Irwin", "Jones",
        "Kerr", "Lewis", "Moore", "Nash", "Owen", "Price", "Quinn", "Reid", "Shaw", "Turner", "Walsh", "Young"]
POSITIONS = ["G"] * 3 + ["D"] * 8 + ["M"] * 8 + ["F"] * 6


def poisson(rng, lam):
    l, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1


def make_season(seed):
    rng = random.Random(seed)
    teams = []
    for i, town in enumerate(TOWNS):
        name = f"{town} {rng.choice(SUFFIXES)}"
        teams.append({"id": 2001 + i, "name": name, "nameCode": town.replace(" ", "")[:3].upper()})
    players = {}
    for t in teams:
        squad = []
        for k, pos in enumerate(POSITIONS):
            squad.append({"id": t["id"] * 100 + k + 1, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "position": pos})
        players[str(t["id"])] = squad
    # Double round robin by the circle method: 38 rounds of 10.
    ids = [t["id"] for t in teams]
    rounds = []
    arr = ids[:]
    for r in range(19):
        pairs = [(arr[i], arr[-1 - i]) for i in range(10)]
        rounds.append([(a, b) if (r + i) % 2 == 0 else (b, a) for i, (a, b) in enumerate(pairs)])
        arr = [arr[0]] + [arr[-1]] + arr[1:-1]
    rounds += [[(b, a) for a, b in rd] for rd in rounds]
    start = dt.date(2024, 8, 17)
    events = []
    eid = 12000001
    for r, rd in enumerate(rounds):
        saturday = start + dt.timedelta(weeks=r)
        for i, (home, away) in enumerate(rd):
            day = saturday if i < 6 else saturday + dt.timedelta(days=1)
            hour, minute = [(12, 30), (15, 0), (15, 0), (15, 0), (17, 30), (20, 0)][i % 6]
            kickoff = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone.utc)
            ev = make_event(rng, eid, teams, players, home, away, day, int(kickoff.timestamp()))
            events.append(ev)
            eid += 1
    return {"seed": seed, "tournament": {"slug": "paddock-premier", "name": "Paddock Premier League"},
            "teams": teams, "players": players, "events": events}


def make_event(rng, eid, teams, players, home, away, day, kickoff):
    name = {t["id"]: t["name"] for t in teams}
    slug = f"{name[home]}-{name[away]}".lower().replace(" ", "-")
    fate = "played"
    x = rng.random()
    if x < 0.01:
        fate = "canceled"
    elif x < 0.03:
        fate = "postponed"
    lineups = {}
    squads = {"home": players[str(home)], "away": players[str(away)]}
    for side in ("home", "away"):
        squad = squads[side]
        gk = [p for p in squad if p["position"] == "G"]
        out = [p for p in squad if p["position"] != "G"]
        rng.shuffle(out)
        starters = [rng.choice(gk)] + out[:10]
        bench = [p for p in squad if p not in starters][:7]
        entries = []
        for k, p in enumerate(starters + bench):
            entries.append({"player": p["id"], "jerseyNumber": str(1 + (p["id"] % 100) % 40), "substitute": k >= 11})
        lineups[side] = entries
    incidents = []
    if fate == "played":
        on_pitch = {s: [e["player"] for e in lineups[s] if not e["substitute"]] for s in ("home", "away")}
        bench = {s: [e["player"] for e in lineups[s] if e["substitute"]] for s in ("home", "away")}
        pos = {p["id"]: p["position"] for s in squads.values() for p in s}
        # Substitutions first (they decide who can score late).
        subs = []
        for s in ("home", "away"):
            outs = rng.sample([p for p in on_pitch[s] if pos[p] != "G"], 3)
            ins = rng.sample(bench[s], 3)
            for o, n in zip(outs, ins):
                subs.append({"incidentType": "substitution", "time": rng.randint(46, 88), "isHome": s == "home",
                             "playerIn": n, "playerOut": o, "incidentClass": "regular"})
        def playing(s, minute):
            out = {x["playerOut"] for x in subs if x["isHome"] == (s == "home") and x["time"] <= minute}
            came = {x["playerIn"] for x in subs if x["isHome"] == (s == "home") and x["time"] <= minute}
            return [p for p in on_pitch[s] if p not in out] + sorted(came)
        for s, lam in (("home", 1.5), ("away", 1.2)):
            for _ in range(poisson(rng, lam)):
                minute = rng.randint(1, 90)
                cls = rng.choices(["regular", "penalty", "ownGoal"], [85, 8, 7])[0]
                other = "away" if s == "home" else "home"
                pool = [p for p in playing(other if cls == "ownGoal" else s, minute) if pos[p] != "G"]
                g = {"incidentType": "goal", "time": minute, "isHome": s == "home", "incidentClass": cls,
                     "player": rng.choice(pool)}
                if minute in (45, 90) and rng.random() < 0.5:
                    g["addedTime"] = rng.randint(1, 4)
                if cls == "regular" and rng.random() < 0.6:
                    mates = [p for p in playing(s, minute) if p != g["player"]]
                    g["assist1"] = rng.choice(mates)
                incidents.append(g)
        for s in ("home", "away"):
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
                minute = rng.randint(5, 90)
                incidents.append({"incidentType": "card", "time": minute, "isHome": s == "home",
                                  "incidentClass": "red" if rng.random() < 0.05 else "yellow",
                                  "player": rng.choice(playing(s, minute))})
        incidents += subs
        for t, text in ((45, "HT"), (90, "FT")):
            incidents.append({"incidentType": "injuryTime", "time": t, "addedTime": 0, "length": rng.randint(1, 6)})
            incidents.append({"incidentType": "period", "time": t, "addedTime": 999, "text": text})
        incidents.sort(key=lambda x: (x["time"], x.get("addedTime", 0), x["incidentType"]))
    correction = None
    goals = [i for i, x in enumerate(incidents) if x["incidentType"] == "goal"]
    if goals and rng.random() < 0.04:
        # Two days later, a goal is taken away (VAR on review, or a wrong goalscorer fixed): the score changes.
        correction = {"after": kickoff + 2 * 86400, "rescind": rng.choice(goals)}
    return {"id": eid, "slug": slug, "date": day.isoformat(), "startTimestamp": kickoff, "home": home, "away": away,
            "fate": fate, "lineups": lineups, "incidents": incidents, "correction": correction}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", default="data/samples/events/season.json.gz")
    a = p.parse_args()
    season = make_season(a.seed)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    data = json.dumps(season, sort_keys=True, separators=(",", ":")).encode()
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as f:
        # mtime=0: the same seed gives the same bytes.
        with gzip.GzipFile(filename="", fileobj=f, mode="wb", mtime=0) as z:
            z.write(data)
    os.replace(tmp, a.out)
    played = sum(1 for e in season["events"] if e["fate"] == "played")
    print(f"gen_events: {len(season['events'])} events ({played} played), {len(season['teams'])} teams, "
          f"{sum(len(v) for v in season['players'].values())} players -> {a.out}")


if __name__ == "__main__":
    main()
