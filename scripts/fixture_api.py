#!/usr/bin/env python3
"""A small JSON API over the embedded samples, for tests and demos of http sources, with fault injection.

Serves on 127.0.0.1 (port 0 picks a free one; --port-file says which):

  GET /matches/{YYYY-MM-DD}   {"date": ..., "competition": ..., "matches": [...]}: the football sample's
                              matches of that day (an empty list on days without any)
  GET /files/{name}           a file of --files (default data/samples/football), byte for byte
  GET /events/{YYYY-MM-DD}    {"events": [...]}: the day's events of the generated season (--events), as
                              the server's clock (--now) sees them: notstarted, inprogress, finished,
                              postponed or canceled, with the scores so far
  GET /event/{id}/lineups     {"confirmed", "home": {"players": [...]}, "away": {...}}; 404 before the
                              hour ahead of kick-off, and for postponed or canceled events
  GET /event/{id}/incidents   {"incidents": [...]}, newest first; 404 before kick-off
  POST /_control/advance?days=N   moves the clock forward (scores corrected after the fact appear)
  GET /seasons?page=N&per_page=K   the seasons list (25), paginated: also ?cursor=N (the "next" of the
                              last page) or ?offset=N&limit=K; {"page", "seasons": [...], "next"}

Every 200 carries an ETag (sha256 of the body) and a Last-Modified; If-None-Match and If-Modified-Since
get 304. Each request is logged as one JSON line to --log (time, path, status, fault, sha256 of a
complete body), so tests can check what was served.

Faults:
  --script FILE      JSON {path: [fault, ...]}: the n-th request of a path gets the n-th fault ("ok" after
                     the list ends). Faults: ok, 429 (Retry-After: --retry-after), 500, 503, reset (the
                     connection closes without an answer), slow (--slow seconds before answering),
                     truncate (Content-Length of the whole body, half of it sent, then close),
                     stall (the headers and half the body, then --slow seconds of silence, then close),
                     invalid (a complete 200 whose body is cut in half: invalid JSON), nokey (a 200 whose
                     JSON lacks its main key).
  --fault-rate P --seed S   each request gets a random fault (not nokey) with probability P, seeded.
  --rate-limit N     429 with Retry-After: 1 when more than N requests arrived in the last second.
  --always STATUS    answer every request with STATUS (a server that is up but broken).
  --plant-goal-mismatch ID   event ID's home score is one more than its goals (a planted DQ fault).
  --die-after N      exit after answering N requests (an upstream that goes away mid-run).
"""
import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import signal
import socket
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

FAULTS = ["429", "500", "503", "reset", "slow", "truncate", "invalid"]


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.counts = {}
        self.total = 0
        self.recent = []
        self.rng = random.Random(args.seed)
        self.script = json.load(open(args.script)) if args.script else {}
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.matches = {}
        self.competition = ""
        self.files = {}
        folder = args.files
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    self.files[name] = f.read()
            if name.endswith(".json"):
                doc = json.loads(self.files[name])
                self.competition = doc.get("name", "")
                for m in doc.get("matches", []):
                    self.matches.setdefault(m.get("date", ""), []).append(m)
        self.seasons = [{"id": i, "name": f"{2000 + i}-{(2001 + i) % 100:02d}"} for i in range(25)]
        self.season = None
        if args.events and os.path.exists(args.events):
            with gzip.open(args.events) as f:
                self.season = json.load(f)
            self.by_id = {e["id"]: e for e in self.season["events"]}
            self.by_date = {}
            for e in self.season["events"]:
                self.by_date.setdefault(e["date"], []).append(e)
            self.teams = {t["id"]: t for t in self.season["teams"]}
            self.people = {p["id"]: p for squad in self.season["players"].values() for p in squad}
        self.now = int(dt.datetime.fromisoformat(args.now.replace("Z", "+00:00")).timestamp())
        # Bodies change only when the fixture data does: one Last-Modified for all.
        self.modified = int(args.modified)

    def fault_for(self, path):
        with self.lock:
            n = self.counts.get(path, 0)
            self.counts[path] = n + 1
            self.total += 1
            if self.args.die_after and self.total > self.args.die_after:
                self.log and self.log.flush()
                os._exit(0)
            now = time.monotonic()
            self.recent = [t for t in self.recent if now - t < 1.0]
            self.recent.append(now)
            if self.args.always:
                return self.args.always
            if self.args.rate_limit and len(self.recent) > self.args.rate_limit:
                return "429"
            plan = self.script.get(path)
            if plan is not None:
                return plan[n] if n < len(plan) else "ok"
            if self.args.fault_rate and self.rng.random() < self.args.fault_rate:
                return self.rng.choice(FAULTS)
            return "ok"

    def write_log(self, entry):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry, sort_keys=True) + "\n")


def event_state(st, e):
    """(status type, code, visible incidents with running scores, home goals, away goals, first-half goals)."""
    now = st.now
    if e["fate"] in ("canceled", "postponed"):
        return e["fate"], 70 if e["fate"] == "canceled" else 60, [], None
    if now < e["startTimestamp"]:
        return "notstarted", 0, [], None
    finished = now >= e["startTimestamp"] + 7200
    minute = (now - e["startTimestamp"]) // 60
    rescinded = e["correction"]["rescind"] if e["correction"] and now >= e["correction"]["after"] else None
    shown = []
    home = away = home1 = away1 = 0
    for i, x in enumerate(e["incidents"]):
        if not finished and (x["time"] > minute or x.get("addedTime") == 999 and x["time"] == 90):
            continue
        y = dict(x)
        for k in ("player", "playerIn", "playerOut", "assist1"):
            if k in y:
                y[k] = st.people[y[k]]
        if y["incidentType"] == "goal":
            if i == rescinded:
                y["rescinded"] = True
            else:
                if y["isHome"]:
                    home += 1
                    home1 += y["time"] <= 45
                else:
                    away += 1
                    away1 += y["time"] <= 45
            y["homeScore"], y["awayScore"] = home, away
        shown.append(y)
    shown.reverse()  # newest first
    return ("finished", 100, shown, (home, away, home1, away1)) if finished else ("inprogress", 6 if minute <= 45 else 7, shown, (home, away, home1, away1))


def event_view(st, e):
    status, code, _, score = event_state(st, e)
    v = {"id": e["id"], "slug": e["slug"], "startTimestamp": e["startTimestamp"],
         "status": {"code": code, "type": status},
         "tournament": st.season["tournament"],
         "homeTeam": st.teams[e["home"]], "awayTeam": st.teams[e["away"]],
         "homeScore": {}, "awayScore": {}}
    if score:
        home, away, home1, away1 = score
        if st.args.plant_goal_mismatch == e["id"]:
            home += 1
        v["homeScore"] = {"current": home, "period1": home1}
        v["awayScore"] = {"current": away, "period1": away1}
        if status == "finished":
            v["homeScore"]["normaltime"] = home
            v["awayScore"]["normaltime"] = away
            v["winnerCode"] = 1 if home > away else 2 if away > home else 3
    return v


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "paddock-fixture-api/1"

    def log_message(self, *a):
        pass

    def body_for(self, url):
        st = self.server.state
        parts = [p for p in url.path.split("/") if p]
        if len(parts) == 2 and parts[0] == "matches":
            day = parts[1]
            if len(day) != 10:
                return 404, None
            doc = {"date": day, "competition": st.competition, "matches": st.matches.get(day, [])}
            return 200, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        if len(parts) == 2 and parts[0] == "files":
            data = st.files.get(parts[1])
            return (200, data) if data is not None else (404, None)
        if st.season is not None and len(parts) == 2 and parts[0] == "events":
            doc = {"events": [event_view(st, e) for e in st.by_date.get(parts[1], [])]}
            return 200, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        if st.season is not None and len(parts) == 3 and parts[0] == "event" and parts[2] in ("lineups", "incidents"):
            e = st.by_id.get(int(parts[1])) if parts[1].isdigit() else None
            if e is None or e["fate"] != "played":
                return 404, None
            if parts[2] == "lineups":
                if st.now < e["startTimestamp"] - 3600:
                    return 404, None
                doc = {"confirmed": True}
                for side in ("home", "away"):
                    doc[side] = {"players": [{"player": st.people[x["player"]], "jerseyNumber": x["jerseyNumber"],
                                              "substitute": x["substitute"]} for x in e["lineups"][side]]}
            else:
                if st.now < e["startTimestamp"]:
                    return 404, None
                doc = {"incidents": event_state(st, e)[2]}
            return 200, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        if parts == ["seasons"]:
            q = parse_qs(url.query)
            per = int(q.get("per_page", q.get("limit", ["10"]))[0])
            if "offset" in q:
                first = int(q["offset"][0])
            else:
                first = (int(q.get("page", q.get("cursor", ["1"]))[0]) - 1) * per
            items = st.seasons[first: first + per]
            doc = {"page": first // per + 1, "seasons": items}
            if first + per < len(st.seasons):
                doc["next"] = str(first // per + 2)
            return 200, json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        return 404, None

    def send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        st = self.server.state
        url = urlparse(self.path)
        if url.path == "/_control/advance":
            days = float(parse_qs(url.query).get("days", ["1"])[0])
            with st.lock:
                st.now += int(days * 86400)
            self.send(200, json.dumps({"now": st.now}).encode())
            return
        self.send(404, b'{"error":"not found"}')

    def do_GET(self):
        st = self.server.state
        url = urlparse(self.path)
        fault = st.fault_for(url.path)
        entry = {"t": round(time.time(), 4), "path": url.path, "query": url.query, "fault": fault,
                 "auth": bool(self.headers.get("X-Api-Key") or "key=" in url.query),
                 "conditional": bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))}
        if fault == "reset":
            entry["status"] = 0
            st.write_log(entry)
            # Close with RST: no answer at all.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.close_connection = True
            self.connection.close()
            return
        if fault == "slow":
            time.sleep(st.args.slow)
        if fault in ("429", "500", "503") or (fault.isdigit() and fault != "200"):
            status = int(fault)
            entry["status"] = status
            st.write_log(entry)
            headers = [("Content-Type", "application/json")]
            if status in (429, 503):
                headers.append(("Retry-After", str(st.args.retry_after)))
            self.send(status, b'{"error":"injected"}', headers)
            return
        if st.args.require_key and not entry["auth"]:
            entry["status"] = 401
            st.write_log(entry)
            self.send(401, b'{"error":"no key"}')
            return
        status, body = self.body_for(url)
        if body is None:
            entry["status"] = status
            st.write_log(entry)
            self.send(status, b'{"error":"not found"}')
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        last_modified = formatdate(st.modified, usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = (inm is not None and inm == etag) or (inm is None and ims is not None and
                                                             parsedate_to_datetime(ims).timestamp() >= st.modified)
        if not_modified and fault == "ok":
            entry["status"] = 304
            st.write_log(entry)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = [("Content-Type", "application/json"), ("ETag", etag), ("Last-Modified", last_modified)]
        if fault in ("truncate", "stall"):
            entry["status"] = 200
            st.write_log(entry)
            self.send_response(200)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            if fault == "stall":
                time.sleep(st.args.slow)
            self.close_connection = True
            return
        if fault == "invalid":
            body = body[: len(body) // 2]
        elif fault == "nokey":
            body = b'{"unexpected":true}'
        entry["status"] = 200
        entry["sha256"] = hashlib.sha256(body).hexdigest()
        entry["complete"] = fault in ("ok", "slow")
        st.write_log(entry)
        self.send(200, body, headers)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log")
    p.add_argument("--files", default="data/samples/football")
    p.add_argument("--script")
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate-limit", type=int, default=0)
    p.add_argument("--retry-after", default="1")
    p.add_argument("--slow", type=float, default=3.0)
    p.add_argument("--always", default="")
    p.add_argument("--die-after", type=int, default=0)
    p.add_argument("--events", default="data/samples/events/season.json.gz", help="the generated season (scripts/gen_events.py)")
    p.add_argument("--now", default="2024-12-31T23:59:59Z", help="the server's clock for the events (ISO 8601)")
    p.add_argument("--plant-goal-mismatch", type=int, default=0, metavar="ID")
    p.add_argument("--require-key", action="store_true")
    p.add_argument("--modified", default="1735689600", help="Last-Modified of every body, epoch seconds")
    args = p.parse_args()
    # A parent may have left SIGTERM ignored or blocked (both survive exec; test runners do it): take it back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"fixture_api: serving on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
