#!/usr/bin/env python3
"""Seeded synthetic horse-racing data in the style of rpscrape.

Standard library only and fully deterministic: the same --seed and arguments give
byte-identical output on any machine (all randomness comes from random.Random
instances seeded with ints or strings, string seeds are hashed with SHA-512 by
Python itself, and no dict/set iteration order is relied upon).

Usage:
    python3 scripts/gen_racing.py runners --rows N --seed S --out PATH   # '-' = stdout
    python3 scripts/gen_racing.py races   --rows N --seed S --out PATH
    python3 scripts/gen_racing.py tree --root DIR --months N --start YYYY-MM --seed S
                                       [--runners-per-month N] [--inject-bad K] [--planted FILE]

Structure (so that a landing-tree writer can be added later):
    * World      - pools of courses, people and horses, each seeded independently
                   (horses per region and foal year), built lazily.
    * day_slots  - the race card of one day: meetings, courses, off times. Seeded by
                   (seed, date) only, so any month can be generated on its own.
    * make_race  - race-level attributes (class, distance, going, prize, field size)
                   from an RNG seeded by (seed, race_key).
    * make_runners - the result rows of one race, from an RNG seeded by
                   (seed, race_key, 'runners').
    * iter_races - walks the calendar from --start and yields races in file order.
    * write_tree - a landing tree: iter_races() output grouped by (region, code, YYYY-MM)
                   into {region}/{code}/{YYYY-MM}/races_{code}_{YYYY-MM}.csv and
                   runners_{code}_{YYYY-MM}.csv, with a manifest.json per folder.

The tree:
    --runners-per-month N keeps whole races (picked by a seeded shuffle, written in calendar
    order) until the month has at most N runners; without it every race of the month is kept.
    Every race's runner rows in runners_*.csv number exactly its `ran`. Distances in the
    tree's races files use the half furlong (`2m4\u00bdf`) as rpscrape does.
    --inject-bad K replaces one value in each of K distinct runner rows with a value that
    cannot be parsed (dec `5/0`, pos `XX`, lbs `9-15`, time `1:75.20`, in turn) and lists
    them, one JSON object a line, {"file", "line", "field", "value", "race_key", "num"},
    on stdout (or in --planted FILE). `file` is relative to --root and `line` is the
    physical line in it (the header is line 1). manifest.json describes the files as
    written (with the bad values).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import sys

RUNNER_COLUMNS = [
    "race_key", "num", "pos", "draw", "ovr_btn", "btn", "horse", "age", "sex", "lbs",
    "hg", "time", "secs", "dec", "jockey", "trainer", "prize", "prize_raw", "or", "rpr",
    "sire", "dam", "damsire", "owner", "comment",
]

RACE_COLUMNS = [
    "race_key", "date", "region", "course", "code", "off", "race_name", "type", "class",
    "pattern", "age_band", "rating_band", "dist", "dist_y", "going", "surface", "ran",
    "prize", "prize_raw", "currency",
]

# --------------------------------------------------------------------------- data

# (slug, display name, codes) -- codes: F = flat only, J = jumps only, B = both,
# A = all-weather flat (racing all year).
GB_COURSES = [
    ("aintree", "Aintree", "J"), ("ascot", "Ascot", "B"), ("ayr", "Ayr", "B"),
    ("bath", "Bath", "F"), ("beverley", "Beverley", "F"), ("brighton", "Brighton", "F"),
    ("carlisle", "Carlisle", "B"), ("cartmel", "Cartmel", "J"),
    ("catterick", "Catterick", "B"), ("chelmsford-city", "Chelmsford City", "A"),
    ("cheltenham", "Cheltenham", "J"), ("chepstow", "Chepstow", "B"),
    ("chester", "Chester", "F"), ("doncaster", "Doncaster", "B"),
    ("epsom", "Epsom", "F"), ("exeter", "Exeter", "J"), ("fakenham", "Fakenham", "J"),
    ("ffos-las", "Ffos Las", "B"), ("fontwell", "Fontwell", "J"),
    ("goodwood", "Goodwood", "F"), ("hamilton", "Hamilton", "F"),
    ("haydock", "Haydock", "B"), ("hereford", "Hereford", "J"), ("hexham", "Hexham", "J"),
    ("huntingdon", "Huntingdon", "J"), ("kelso", "Kelso", "J"),
    ("kempton", "Kempton", "J"), ("kempton-aw", "Kempton (AW)", "A"),
    ("leicester", "Leicester", "B"), ("lingfield", "Lingfield", "J"),
    ("lingfield-aw", "Lingfield (AW)", "A"), ("ludlow", "Ludlow", "J"),
    ("market-rasen", "Market Rasen", "J"), ("musselburgh", "Musselburgh", "B"),
    ("newbury", "Newbury", "B"), ("newcastle-aw", "Newcastle (AW)", "A"),
    ("newmarket", "Newmarket", "F"), ("newton-abbot", "Newton Abbot", "J"),
    ("nottingham", "Nottingham", "F"), ("perth", "Perth", "J"),
    ("plumpton", "Plumpton", "J"), ("pontefract", "Pontefract", "F"),
    ("redcar", "Redcar", "F"), ("ripon", "Ripon", "F"), ("salisbury", "Salisbury", "F"),
    ("sandown", "Sandown", "B"), ("sedgefield", "Sedgefield", "J"),
    ("southwell-aw", "Southwell (AW)", "A"), ("stratford", "Stratford", "J"),
    ("taunton", "Taunton", "J"), ("thirsk", "Thirsk", "F"),
    ("uttoxeter", "Uttoxeter", "J"), ("warwick", "Warwick", "J"),
    ("wetherby", "Wetherby", "B"), ("wincanton", "Wincanton", "J"),
    ("windsor", "Windsor", "F"), ("wolverhampton-aw", "Wolverhampton (AW)", "A"),
    ("worcester", "Worcester", "J"), ("yarmouth", "Yarmouth", "F"), ("york", "York", "F"),
]
IRE_COURSES = [
    ("ballinrobe", "Ballinrobe", "B"), ("bellewstown", "Bellewstown", "B"),
    ("clonmel", "Clonmel", "B"), ("cork", "Cork", "B"), ("curragh", "Curragh", "F"),
    ("down-royal", "Down Royal", "B"), ("downpatrick", "Downpatrick", "J"),
    ("dundalk-aw", "Dundalk (AW)", "A"), ("fairyhouse", "Fairyhouse", "B"),
    ("galway", "Galway", "B"), ("gowran-park", "Gowran Park", "B"),
    ("kilbeggan", "Kilbeggan", "J"), ("killarney", "Killarney", "B"),
    ("leopardstown", "Leopardstown", "B"), ("limerick", "Limerick", "B"),
    ("listowel", "Listowel", "B"), ("naas", "Naas", "B"), ("navan", "Navan", "B"),
    ("punchestown", "Punchestown", "J"), ("roscommon", "Roscommon", "B"),
    ("sligo", "Sligo", "B"), ("thurles", "Thurles", "B"), ("tipperary", "Tipperary", "B"),
    ("tramore", "Tramore", "B"), ("wexford", "Wexford", "B"),
]
REGIONS = [("gb", GB_COURSES, "£"), ("ire", IRE_COURSES, "€")]
MEETINGS_SCALE = 1  # set by tree --meetings-scale

FIRST_NAMES = [
    "Adam", "Aidan", "Alan", "Archie", "Ben", "Billy", "Brian", "Callum", "Cathal",
    "Charlie", "Ciaran", "Colin", "Conor", "Dan", "Daniel", "Danny", "David", "Declan",
    "Denis", "Donal", "Eoin", "Emma", "Finley", "Gavin", "Gary", "Gordon", "Harry",
    "Hollie", "Hughie", "Jack", "James", "Jamie", "Jane", "Jason", "Jessica", "Joe",
    "Jonjo", "Joseph", "Kevin", "Kieran", "Lucy", "Luke", "Mark", "Megan", "Mick",
    "Micheal", "Niall", "Nicky", "Oisin", "Oliver", "Paddy", "Paul", "Philip",
    "Rachael", "Rhys", "Richard", "Rob", "Rossa", "Ryan", "Saffie", "Sam", "Sean",
    "Shane", "Sophie", "Tom", "Tony", "William", "Willie",
]
SURNAMES = [
    "O'Brien", "O'Neill", "O'Keeffe", "O'Connor", "O'Sullivan", "O'Donoghue", "D'Arcy",
    "McManus", "McCoy", "McLernon", "Moore", "Murphy", "Walsh", "Blackmore", "Townend",
    "Geraghty", "Kennedy", "Doyle", "Spencer", "Buick", "Kingscote", "Hughes",
    "Fanning", "Mullins", "Elliott", "Henderson", "Nicholls", "Skelton",
    "Twiston-Davies", "Fahey", "Johnston", "Haggas", "Varian", "Balding", "Hannon",
    "Dunlop", "Tizzard", "King", "Pauling", "Russell", "Harrington", "de Bromhead",
    "Meade", "Weld", "Bolger", "Prendergast", "Lynch", "Heffernan", "Cleary", "Foley",
    "Power", "Ryan", "Smith", "Jones", "Williams", "Brown", "Taylor", "Davies",
    "Evans", "Thomas", "Roberts", "Johnson", "Wilson", "Wright", "Robinson",
    "Thompson", "Walker", "White", "Hall", "Green", "Wood", "Clarke", "Jackson",
    "Turner", "Hill", "Cook", "Fitzgerald", "Gallagher", "Keane", "Brennan",
]
WORDS_A = [
    "Golden", "Silver", "Royal", "Dancing", "Flying", "Silent", "Noble", "Wild",
    "Crimson", "Midnight", "Lucky", "Brave", "Northern", "Western", "Secret", "Sweet",
    "Bold", "Grand", "Little", "Big", "Lady", "Captain", "Desert", "Ocean", "Mystic",
    "Magic", "Rapid", "Electric", "Amber", "Scarlet", "Velvet", "Iron", "Diamond",
    "Emerald", "Misty", "Frosty", "Sunny", "Happy", "Quiet", "Shadow", "Highland",
    "Stormy", "Blue", "Red", "Black", "White", "Ruby", "Celtic", "Gallant", "Jazzy",
    "Cosmic", "Urban", "Rebel", "Tiny", "Mighty", "Cool", "Dark", "Early", "Lunar",
]
WORDS_N = [
    "Star", "Stars", "Dream", "Prince", "Princess", "King", "Queen", "Knight",
    "Arrow", "Storm", "Thunder", "Legend", "Spirit", "Glory", "River", "Harbour",
    "Valley", "Mountain", "Falcon", "Eagle", "Hawk", "Tiger", "Lion", "Wolf", "Fox",
    "Rose", "Lily", "Jewel", "Crown", "Sword", "Shield", "Empire", "Legacy",
    "Destiny", "Fortune", "Echo", "Melody", "Rhythm", "Whisper", "Horizon", "Voyage",
    "Rocket", "Comet", "Blaze", "Flame", "Breeze", "Tide", "Wave", "Sea", "Moon",
    "Sun", "Dawn", "Dusk", "Lady", "Boy", "Girl", "Gold", "Affair", "Approach",
    "Choice", "Mission", "Quest", "Power", "Force", "Nation", "Chance", "Song",
]
COINED = [
    "Galileo", "Frankel", "Dubawi", "Kingman", "Sadlers", "Dansili", "Oasis",
    "Invincible", "Lope", "Siyouni", "Camelot", "Nathaniel", "Shamardal", "Zoffany",
    "Kodiac", "Acclamation", "Lawman", "Mastercraftsman", "Authorized", "Milan",
    "Presenting", "Yeats", "Mahler", "Kayf", "Flemensfirth", "Getaway", "Walk",
    "Montjeu", "Danehill", "Cape", "Sinndar", "Azamour", "Elusive", "Footstepsinthesand",
    "Iffraaj", "Exceed", "Showcasing", "Equiano", "Havana", "Sixties", "Saint",
    "Zarak", "Ulysses", "Tamarkuz", "Bobby", "Kalanisi", "Soldier", "Jeremy",
]
COUNTRIES_GB = [("GB", 60), ("IRE", 25), ("FR", 8), ("USA", 3), ("GER", 2), ("JPN", 1), ("ITY", 1)]
COUNTRIES_IRE = [("IRE", 75), ("GB", 15), ("FR", 7), ("USA", 2), ("GER", 1)]
OWNER_PLACES = [
    "Ballydoyle", "Kildare", "Cheveley", "Highclere", "Newsells", "Lambourn",
    "Whitsbury", "Middleham", "Malton", "Epsom", "Tipperary", "Limerick", "Meath",
    "Cotswold", "Exmoor", "Dartmoor", "Pennine", "Wessex", "Mendip",
]
OWNER_NOUNS = [
    "Partnership", "Syndicate", "Racing Club", "Racing", "Bloodstock Ltd", "Stud",
    "Thoroughbreds", "Racing Partnership", "Racing Syndicate", "Friends",
]

GOINGS_FLAT = [("Good", 30), ("Good To Firm", 22), ("Good To Soft", 15), ("Soft", 8),
               ("Firm", 4), ("Heavy", 3), ("Yielding", 2)]
GOINGS_AW = [("Standard", 80), ("Standard To Slow", 15), ("Slow", 3), ("Standard To Fast", 2)]
GOINGS_JUMPS = [("Good", 20), ("Good To Soft", 25), ("Soft", 25), ("Heavy", 12),
                ("Good To Firm", 8), ("Yielding", 4), ("Yielding To Soft", 3), ("Soft To Heavy", 3)]
FLAT_DIST_Y = [1100, 1100, 1320, 1320, 1540, 1540, 1760, 1760, 1870, 1980, 2090, 2310,
               2420, 2640, 2860, 3080, 3520, 3740, 4400]
JUMPS_DIST_Y = [3520, 3520, 3630, 3740, 3960, 4180, 4290, 4400, 4400, 4620, 4840, 5280,
                5390, 5500, 5720, 5940, 6600, 7040, 7480]

LADDER = [
    "1/5", "1/4", "2/7", "1/3", "2/5", "4/9", "1/2", "4/7", "8/13", "4/6", "8/11",
    "4/5", "5/6", "10/11", "Evs", "11/10", "6/5", "5/4", "11/8", "6/4", "13/8", "7/4",
    "15/8", "2/1", "9/4", "5/2", "11/4", "3/1", "10/3", "7/2", "4/1", "9/2", "5/1",
    "11/2", "6/1", "13/2", "7/1", "15/2", "8/1", "17/2", "9/1", "10/1", "11/1", "12/1",
    "14/1", "16/1", "18/1", "20/1", "22/1", "25/1", "28/1", "33/1", "40/1", "50/1",
    "66/1", "80/1", "100/1", "125/1", "150/1", "200/1", "250/1",
]
EVENS_IDX = LADDER.index("Evs")

# Beaten-distance steps in lengths (nse, shd, hd, nk, then lengths).
BTN_STEPS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75,
             3, 3.25, 3.5, 3.75, 4, 4.5, 5, 5.5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
             17, 19, 22, 25, 30, 40, 55, 99]
BTN_WEIGHTS = [3, 4, 6, 7, 8, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3,
               3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 0.5, 0.5, 0.3, 0.2, 0.1, 0.1]

NONFIN_FLAT = [("UR", 3), ("RR", 2), ("PU", 2), ("SU", 1), ("DSQ", 1), ("REF", 1)]
NONFIN_JUMPS = [("PU", 40), ("F", 22), ("UR", 18), ("BD", 4), ("RO", 3), ("SU", 3),
                ("REF", 3), ("RR", 2), ("DSQ", 1)]

HEADGEAR = [("", 62), ("t", 8), ("p", 7), ("h", 6), ("b", 5), ("v", 2), ("tp", 3),
            ("ht", 2), ("bt", 1), ("p1", 2), ("b1", 1), ("t1", 1)]

RUN_START = [
    "Led", "Made most", "Prominent", "Tracked leaders", "Tracked leader", "Chased leaders",
    "In touch", "Midfield", "Held up", "Held up in rear", "Behind", "Slowly away",
    "Dwelt", "Raced keenly", "Close up", "Steadied start", "Mid-division",
    "Towards rear", "Handy", "Raced wide",
]
RUN_MID = [
    "pushed along {f}f out", "ridden {f}f out", "headway {f}f out", "ridden over {f}f out",
    "headway over {f}f out", "not clear run {f}f out", "switched left {f}f out",
    "switched right over {f}f out", "effort over {f}f out", "lost place {f}f out",
    "outpaced {f}f out", "headed {f}f out", "led {f}f out", "shaken up {f}f out",
    "hung left {f}f out", "hung right over {f}f out", "niggled along halfway",
    "mistake {o} out", "jumped left", "blundered {o} last", "not fluent {o} out",
]
RUN_END_WIN = [
    "led inside final furlong, ran on well", "kept on well to lead close home",
    "ran on strongly", "led final 100yds, driven out", "stayed on well",
    "quickened clear, easily", "held on gamely", "always holding rivals",
]
RUN_END_PLACE = [
    "kept on", "kept on same pace", "ran on", "stayed on", "one pace",
    "kept on final furlong", "every chance, not quicken", "ran on, not reach winner",
]
RUN_END_BACK = [
    "no extra", "weakened", "weakened final furlong", "soon beaten", "never on terms",
    "never dangerous", "tailed off", "faded", "one pace final 2f", "no impression",
]
QUOTED = [
    '"no extra"', '"never travelling"', '"hung right"', '"lost action"',
    '"ran too freely"', '"did not stay"', '"moved poorly"', '"one paced"',
]
NONFIN_COMMENT = {
    "PU": ["Behind, pulled up before {o} out", "Tailed off when pulled up before last",
           "In touch, weakened {f}f out, pulled up", "Always behind, pulled up before {o} out"],
    "F": ["Fell {o}", "Chased leaders, fell {o}", "Held up, fell {o}", "Prominent, fell {o} out"],
    "UR": ["Unseated rider {o}", "Mistake and unseated rider {o}", "Blundered, unseated rider {o}"],
    "BD": ["Brought down {o}", "In touch, brought down {o}"],
    "RO": ["Ran out {o}", "Led, ran out {o}"],
    "SU": ["Slipped up bend after {o}", "Slipped up on bend"],
    "REF": ["Refused {o}", "Refused to jump {o}"],
    "RR": ["Refused to race", "Reluctant, refused to race"],
    "DSQ": ["Disqualified, placing revised", "Finished, disqualified (prohibited substance)"],
}


def _weighted(items):
    return [v for v, _ in items], [w for _, w in items]


def _cum(weights):
    out, t = [], 0
    for w in weights:
        t += w
        out.append(t)
    return out


def fmt_num(x: float) -> str:
    """0 -> '0', 1.5 -> '1.5', 12.75 -> '12.75' (at most 2 decimals)."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"


def fmt_money(sym: str, amount: float) -> str:
    return f"{sym}{amount:,.2f}"


def fmt_dist(yards: int, half: bool = False) -> str:
    """1m2f110y; with half=True a remainder of 110 yards is written as half a furlong (2m4\u00bdf)."""
    m, rest = divmod(yards, 1760)
    f, y = divmod(rest, 220)
    if half and y == 110:
        return (f"{m}m" if m else "") + f"{f if f else ''}\u00bdf"
    return (f"{m}m" if m else "") + (f"{f}f" if f else "") + (f"{y}y" if y else "")


def fmt_time(secs: float, plain: bool) -> str:
    if plain:
        return f"{secs:.2f}"
    m, s = divmod(secs, 60)
    return f"{int(m)}:{s:05.2f}"


# --------------------------------------------------------------------------- world

class World:
    """Pools of people and horses. Every pool has its own seed, so that building one
    never shifts another, and horses are built lazily per (region, foal year)."""

    HORSES_PER_YEAR = {"gb": 3000, "ire": 1600}

    def __init__(self, seed: int):
        self.seed = seed
        self._horses: dict = {}
        rng = random.Random(f"{seed}/people")
        self.jockeys = {r: self._jockeys(rng, 260) for r, _, _ in REGIONS}
        self.trainers = {r: self._trainers(rng, 320) for r, _, _ in REGIONS}
        self.owners = [self._owner(rng) for _ in range(4000)]
        rng = random.Random(f"{seed}/sires")
        self.sires = self._unique_names(rng, 450, COUNTRIES_GB)
        self.damsires = self.sires[:300] + self._unique_names(rng, 200, COUNTRIES_GB)
        # Jockey choice skewed to the top riders (Zipf-like weights).
        self.jockey_cum = _cum([1.0 / (i + 8) for i in range(260)])
        self.trainer_cum = _cum([1.0 / (i + 5) for i in range(320)])
        self.sire_cum = _cum([1.0 / (i + 10) for i in range(len(self.sires))])

    @staticmethod
    def _person(rng: random.Random) -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"

    def _jockeys(self, rng, n):
        out = []
        for _ in range(n):
            name = self._person(rng)
            r = rng.random()
            if r < 0.10:
                name += f" ({rng.choice((3, 3, 5, 5, 7, 7, 10))})"
            out.append(name)
        return out

    def _trainers(self, rng, n):
        out = []
        for _ in range(n):
            r = rng.random()
            if r < 0.08:
                out.append(f"Mrs {rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}")
            elif r < 0.12:
                out.append(f"{rng.choice('ABCDGJMPRSTW')} & {rng.choice('ABCDGJMPRSTW')} {rng.choice(SURNAMES)}")
            elif r < 0.15:
                out.append(f"Dr {rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}")
            else:
                out.append(self._person(rng))
        return out

    @staticmethod
    def _owner(rng: random.Random) -> str:
        ini = "ABCDEFGHJKLMNPRSTW"
        r = rng.random()
        if r < 0.25:
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        if r < 0.40:
            return f"{rng.choice(('Mr', 'Mrs', 'Ms'))} {rng.choice(ini)}. {rng.choice(SURNAMES)}"
        if r < 0.50:
            return f"Mr & Mrs {rng.choice(ini)}. {rng.choice(SURNAMES)}"
        if r < 0.60:
            return f"Mr & Mrs {rng.choice(ini)}. {rng.choice(SURNAMES)}, Partners"
        if r < 0.70:
            return f"{rng.choice(SURNAMES)}, {rng.choice(SURNAMES)} & {rng.choice(SURNAMES)}"
        if r < 0.76:
            return (f"Mr {rng.choice(ini)}. {rng.choice(SURNAMES)}, Mr {rng.choice(ini)}. "
                    f"{rng.choice(SURNAMES)} & Mrs {rng.choice(ini)}. {rng.choice(SURNAMES)}")
        if r < 0.86:
            return f"The {rng.choice(WORDS_A)} {rng.choice(WORDS_N)} {rng.choice(OWNER_NOUNS)}"
        if r < 0.94:
            return f"{rng.choice(OWNER_PLACES)} {rng.choice(OWNER_NOUNS)}"
        return f"{rng.choice(SURNAMES)} {rng.choice(OWNER_NOUNS)}"

    @staticmethod
    def _base_name(rng: random.Random) -> str:
        while True:
            r = rng.random()
            if r < 0.34:
                s = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_N)}"
            elif r < 0.44:
                s = f"{rng.choice(COINED)} {rng.choice(WORDS_N)}"
            elif r < 0.52:
                s = f"{rng.choice(WORDS_N)} The {rng.choice(WORDS_N)}"
            elif r < 0.60:
                s = f"The {rng.choice(WORDS_A)} {rng.choice(WORDS_N)}"
            elif r < 0.68:
                s = f"{rng.choice(FIRST_NAMES)}'s {rng.choice(WORDS_N)}"
            elif r < 0.76:
                s = f"{rng.choice(('Mister', 'Miss', 'Lord', 'Sir', 'Lady'))} {rng.choice(COINED)}"
            elif r < 0.86:
                s = rng.choice(COINED) + rng.choice(WORDS_N).lower()
            elif r < 0.93:
                s = f"{rng.choice(WORDS_N)} Of {rng.choice(OWNER_PLACES)}"
            else:
                s = f"{rng.choice(WORDS_A)}{rng.choice(WORDS_N).lower()}"
            if len(s) <= 18:          # racing names are at most 18 characters
                return s

    def _unique_names(self, rng, n, countries):
        vals, wts = _weighted(countries)
        cum = _cum(wts)
        seen, out = set(), []
        while len(out) < n:
            base = self._base_name(rng)
            if base in seen:
                continue
            seen.add(base)
            out.append(f"{base} ({rng.choices(vals, cum_weights=cum)[0]})")
        return out

    def horses(self, region: str, foal_year: int) -> list:
        key = (region, foal_year)
        pool = self._horses.get(key)
        if pool is None:
            pool = self._build_horses(region, foal_year)
            self._horses[key] = pool
        return pool

    def _build_horses(self, region, foal_year):
        rng = random.Random(f"{self.seed}/horses/{region}/{foal_year}")
        n = self.HORSES_PER_YEAR[region]
        countries = COUNTRIES_GB if region == "gb" else COUNTRIES_IRE
        names = self._unique_names(rng, n, countries)
        sires, sire_cum = self.sires, self.sire_cum
        ntr = len(self.trainers[region])
        out = []
        for name in names:
            female = rng.random() < 0.42
            gelded = (not female) and rng.random() < 0.6
            sire = rng.choices(sires, cum_weights=sire_cum)[0]
            dam = self._base_name(rng) + f" ({rng.choice(('GB', 'IRE', 'IRE', 'FR', 'USA'))})"
            damsire = rng.choice(self.damsires)
            trainer = rng.choices(range(ntr), cum_weights=self.trainer_cum)[0]
            owner = rng.randrange(len(self.owners))
            ability = rng.gauss(0.0, 1.0)
            hg = rng.choices(*_weighted(HEADGEAR))[0]
            out.append((name, female, gelded, sire, dam, damsire, trainer, owner, ability, hg))
        return out


# --------------------------------------------------------------------------- races

class Race:
    __slots__ = ("key", "date", "region", "course", "course_name", "code", "off",
                 "race_name", "type", "race_class", "pattern", "age_band", "rating_band",
                 "dist_y", "going", "surface", "ran", "prize", "currency", "plain_time",
                 "handicap")

    def race_row(self, half: bool = False):
        return [self.key, self.date.isoformat(), self.region, self.course_name, self.code,
                self.off, self.race_name, self.type, self.race_class, self.pattern,
                self.age_band, self.rating_band, fmt_dist(self.dist_y, half), self.dist_y,
                self.going, self.surface, self.ran, f"{self.prize:.2f}",
                fmt_money(self.currency, self.prize), "GBP" if self.currency == "£" else "EUR"]


def day_slots(seed: int, date: dt.date):
    """The card of one day: (region, slug, name, code, 'HH:MM') in file order."""
    rng = random.Random(f"{seed}/day/{date.isoformat()}")
    winter = date.month in (11, 12, 1, 2, 3)
    summer = date.month in (5, 6, 7, 8, 9)
    slots = []
    for region, courses, _ in REGIONS:
        if region == "gb":
            n_meet = rng.choice((3, 4, 4, 5, 5, 6)) if date.weekday() >= 5 else rng.choice((2, 3, 3, 4, 4, 5))
        else:
            n_meet = rng.choice((1, 1, 2, 2, 3))
        # --meetings-scale: more meetings a day (bigger volumes for benchmarks); 1 keeps the real pace.
        n_meet = min(len(courses), n_meet * MEETINGS_SCALE)
        chosen = sorted(rng.sample(range(len(courses)), n_meet))
        for i in chosen:
            slug, name, kinds = courses[i]
            if kinds in ("F", "A"):
                code = "flat"
            elif kinds == "J":
                code = "jumps"
            else:
                p_jumps = 0.85 if winter else (0.2 if summer else 0.55)
                code = "jumps" if rng.random() < p_jumps else "flat"
            evening = summer and rng.random() < 0.35
            start = (17 * 60 + rng.choice((0, 15, 30, 45, 60))) if evening else \
                (12 * 60 + rng.choice((0, 15, 20, 30, 45, 50, 60, 90, 105, 120)))
            gap = rng.choice((30, 30, 35, 35, 40))
            for k in range(rng.choice((6, 7, 7, 7, 8))):
                t = start + k * gap
                slots.append((region, slug, name, kinds, code, f"{t // 60:02d}{t % 60:02d}"))
    return slots


def make_race(seed: int, date: dt.date, slot) -> Race:
    region, slug, name, kinds, code, hhmm = slot
    key = f"{date.isoformat()}_{slug}_{hhmm}"
    rng = random.Random(f"{seed}/race/{key}")
    r = Race()
    r.key, r.date, r.region, r.course, r.course_name, r.code = key, date, region, slug, name, code
    r.off = f"{hhmm[:2]}:{hhmm[2:]}"
    r.currency = "£" if region == "gb" else "€"
    aw = kinds == "A"
    r.surface = "AW" if aw else "Turf"
    if code == "flat":
        r.type = "Flat"
        r.dist_y = rng.choice(FLAT_DIST_Y) + rng.choice((0, 0, 0, 0, 10, 20, 35, 50, 70, 110))
        r.going = rng.choices(*_weighted(GOINGS_AW if aw else GOINGS_FLAT))[0]
        ab = rng.random()
        r.age_band = "2yo" if ab < 0.18 else ("3yo" if ab < 0.35 else ("3yo+" if ab < 0.75 else "4yo+"))
    else:
        r.type = rng.choices(("Hurdle", "Chase", "NH Flat"), (50, 40, 10))[0]
        longest = {"Hurdle": 5940, "Chase": 7480, "NH Flat": 4620}[r.type]
        r.dist_y = rng.choice([d for d in JUMPS_DIST_Y if d <= longest]) + \
            rng.choice((0, 0, 0, 0, 20, 50, 70, 110))
        r.going = rng.choices(*_weighted(GOINGS_JUMPS))[0]
        r.age_band = rng.choice(("4yo+", "4yo+", "5yo+", "5yo+", "4yo", "6yo+"))
    cls = rng.choices((1, 2, 3, 4, 5, 6, 7), (4, 8, 14, 22, 26, 18, 8))[0]
    if code == "jumps" and cls == 7:
        cls = 5
    r.handicap = rng.random() < (0.15 if r.age_band == "2yo" else 0.6)
    r.pattern = ""
    if cls == 1:
        r.pattern = rng.choice(("Group 1", "Group 2", "Group 3", "Listed", "Listed")) if code == "flat" \
            else rng.choice(("Grade 1", "Grade 2", "Grade 3", "Listed"))
        r.handicap = r.handicap and r.pattern in ("Listed", "Grade 3")
    r.race_class = f"Class {cls}" if region == "gb" else ""
    top = {1: 0, 2: 110, 3: 95, 4: 85, 5: 75, 6: 65, 7: 55}[cls]
    r.rating_band = f"0-{top}" if (r.handicap and top) else ""
    kind = "Handicap" if r.handicap else rng.choice(("Maiden Stakes", "Novice Stakes", "Stakes",
                                                     "Conditions Stakes", "Claiming Stakes"))
    if code == "jumps":
        kind = ("Handicap " if r.handicap else rng.choice(("Novices' ", "Maiden ", "Mares' ", ""))) + r.type
    sponsor = rng.choice(("Sky Bet", "Racing TV", "British Stallion Studs EBF", "Coral", "Betfair",
                          "At The Races", "Download The App") if region == "gb" else
                         ("Irish Stallion Farms EBF", "Tote.ie", "BoyleSports", "Paddy Power",
                          "Irish Field", "Racing Post"))
    r.race_name = f"{sponsor} {kind}" + (f" ({r.pattern})" if r.pattern else "") + \
        (f" (Class {cls})" if region == "gb" else "")
    base_fund = {1: 60000, 2: 25000, 3: 12000, 4: 7000, 5: 5000, 6: 3800, 7: 3000}[cls]
    r.prize = round(base_fund * rng.uniform(0.6, 1.8) * (3.0 if r.pattern.endswith("1") else 1.0) / 5) * 5
    lo, hi = (5, 14) if code == "flat" else (5, 16)
    if r.pattern or rng.random() < 0.12:
        hi = 20
    r.ran = min(20, max(5, int(rng.triangular(lo, hi + 1, lo + 3))))
    r.plain_time = rng.random() < 0.06
    return r


def iter_races(seed: int, start: dt.date, end: dt.date | None = None):
    day = start
    one = dt.timedelta(days=1)
    while end is None or day <= end:
        if not (day.month == 12 and day.day in (24, 25)):    # no racing on Christmas Eve/Day
            for slot in day_slots(seed, day):
                yield make_race(seed, day, slot)
        day += one


# --------------------------------------------------------------------------- runners

NONFIN_F = _weighted(NONFIN_FLAT)
NONFIN_J = _weighted(NONFIN_JUMPS)
BTN_CUM = _cum(BTN_WEIGHTS)


RUN_MID_FLAT = [m for m in RUN_MID if "{o}" not in m and "jumped" not in m]


def _comment(rng: random.Random, place: int, n: int, code: str) -> str:
    """Racing Post style in-running comment, 30-120 characters."""
    f = rng.choice((1, 2, 2, 3, 3, 4))
    o = rng.choice(("2", "3", "4", "5th", "6th", "7th", "9th"))
    mids = RUN_MID_FLAT if code == "flat" else RUN_MID
    parts = [rng.choice(RUN_START)]
    parts += [m.format(f=f, o=o) for m in rng.sample(mids, rng.choice((1, 2, 2, 3, 3, 3)))]
    if place == 1:
        parts.append(rng.choice(RUN_END_WIN))
    elif place <= 3:
        parts.append(rng.choice(RUN_END_PLACE))
    else:
        end = rng.choice(RUN_END_BACK)
        if rng.random() < 0.07:
            end = rng.choice(QUOTED) if rng.random() < 0.5 else \
                f"{end} (jockey said {rng.choice(('gelding', 'filly', 'colt', 'mare'))} {rng.choice(QUOTED)})"
        parts.append(end)
    s = ", ".join(parts)
    if rng.random() < 0.2:
        s += f" ({rng.choice(('op', 'tchd'))} {rng.choice(LADDER[10:50])})"
    while len(s) > 120 and len(parts) > 2:
        parts.pop(-2)
        s = ", ".join(parts)
    if len(s) < 30:
        s = f"{parts[0]}, in touch, {', '.join(parts[1:])}"
    return s[:120]


def make_runners(seed: int, world: World, race: Race, n: int | None = None):
    """Result rows of one race (n overrides the field size, e.g. to stop at --rows)."""
    rng = random.Random(f"{seed}/runners/{race.key}")
    n = race.ran if n is None else n
    year = race.date.year
    flat = race.code == "flat"
    band = race.age_band
    fixed_age = int(band[0]) if band.endswith("yo") else None
    min_age = int(band[0])
    if flat:
        age_w = [(a, w) for a, w in ((2, 0), (3, 30), (4, 25), (5, 18), (6, 12), (7, 8), (8, 4), (9, 2), (10, 1))]
    else:
        age_w = [(a, w) for a, w in ((4, 8), (5, 18), (6, 22), (7, 20), (8, 15), (9, 9), (10, 5), (11, 2), (12, 1))]
    ages_v = [a for a, w in age_w if a >= min_age]
    ages_c = _cum([w for a, w in age_w if a >= min_age])

    # --- choose horses
    field, used = [], set()
    while len(field) < n:
        age = fixed_age if fixed_age else rng.choices(ages_v, cum_weights=ages_c)[0]
        pool = world.horses(race.region, year - age)
        idx = rng.randrange(len(pool))
        if (age, idx) in used:
            continue
        used.add((age, idx))
        field.append((age, pool[idx]))

    # --- market and result
    form = [h[8] + rng.gauss(0, 0.6) for _, h in field]           # ability on the day
    market = [f + rng.gauss(0, 0.7) for f in form]
    by_market = sorted(range(n), key=lambda i: -market[i])
    idx_odds = [0] * n
    lvl = rng.randint(EVENS_IDX - 6, EVENS_IDX + 14) if n < 9 else rng.randint(EVENS_IDX + 3, EVENS_IDX + 20)
    for rank, i in enumerate(by_market):
        idx_odds[i] = min(len(LADDER) - 1, lvl)
        lvl += rng.choice((0, 1, 1, 2, 2, 3, 3, 4)) + (1 if rank >= 6 else 0)
    fav_idx = min(idx_odds)
    n_fav = idx_odds.count(fav_idx)

    nf_vals, nf_wts = NONFIN_F if flat else NONFIN_J
    p_nonfin = 0.015 if flat else 0.11
    order = sorted(range(n), key=lambda i: -(form[i] + rng.gauss(0, 0.8)))
    finishers = [i for i in order if rng.random() >= p_nonfin] or order[:1]
    fin_set = set(finishers)
    nonfin = [i for i in order if i not in fin_set]

    nums = list(range(1, n + 1))
    rng.shuffle(nums)
    draws = list(range(1, n + 1))
    rng.shuffle(draws)
    has_draw = flat and rng.random() < 0.97

    yps = (rng.uniform(17.2, 19.2) if flat else rng.uniform(14.8, 16.4))
    yps *= {"Heavy": 0.9, "Soft": 0.94, "Soft To Heavy": 0.92, "Good To Soft": 0.97,
            "Firm": 1.02, "Good To Firm": 1.01}.get(race.going, 1.0)
    win_secs = race.dist_y / yps
    spl = 0.2 if flat else 0.25                                   # seconds per length

    sym = race.currency
    fund = race.prize
    places = 4 if n < 8 else (5 if n < 12 else 6)
    shares = [0.57, 0.22, 0.11, 0.06, 0.03, 0.01][:places]
    is_hcap = race.handicap
    or_base = 70 if flat else 110
    rows = []
    cum_btn = 0.0
    pos = 0
    last_pos = 0
    for k, i in enumerate(finishers):
        age, h = field[i]
        if k == 0:
            btn = 0.0
            pos = 1
        else:
            if rng.random() < 0.006:                  # dead heat with the horse ahead
                btn = 0.0
                pos = last_pos
            else:
                btn = rng.choices(BTN_STEPS, cum_weights=BTN_CUM)[0]
                pos = k + 1
        cum_btn += btn
        last_pos = pos
        rows.append(_runner_row(rng, world, race, h, age, nums[i], str(pos),
                                draws[i] if has_draw else "", cum_btn, btn,
                                win_secs + cum_btn * spl, idx_odds[i], fav_idx, n_fav,
                                fund * shares[pos - 1] if pos <= places else None,
                                sym, is_hcap, or_base, pos, n, flat))
    if rows and rng.random() < 0.004:              # a disqualified finisher
        j = rng.randrange(len(rows))
        old = rows[j][2]
        rows[j][2] = "DSQ"
        # The placings are revised: unless a dead heat keeps the place, the horses behind move up one
        # (a disqualified winner leaves the second as the winner).
        if old.isdigit() and not any(r[2] == old for r in rows):
            for r in rows[j + 1:]:
                if r[2].isdigit():
                    r[2] = str(int(r[2]) - 1)
    for i in nonfin:
        age, h = field[i]
        code = rng.choices(nf_vals, nf_wts)[0]
        rows.append(_runner_row(rng, world, race, h, age, nums[i], code,
                                draws[i] if has_draw else "", None, None, None,
                                idx_odds[i], fav_idx, n_fav, None, sym, is_hcap, or_base,
                                99, n, flat))
    return rows


def _runner_row(rng, world, race, h, age, num, pos, draw, ovr, btn, secs, oi, fav_idx,
                n_fav, prize, sym, is_hcap, or_base, place, n, flat):
    name, female, gelded, sire, dam, damsire, trainer, owner, ability, hg = h
    if female:
        sex = "f" if age <= 4 else "m"
    elif gelded:
        sex = "g"
    else:
        sex = "c" if age <= 4 else "h"
    if flat:
        lbs = 126 + int(ability * 6) + rng.randint(-6, 6) if not is_hcap else rng.randint(113, 140)
    else:
        lbs = rng.randint(138, 166) if is_hcap else 150 + rng.randint(-6, 12)
    lbs = max(100, min(170, lbs))
    odds = LADDER[oi]
    if oi == fav_idx:
        if odds == "Evs":
            odds = "EvensF" if n_fav == 1 else "EvensJF"
        else:
            odds += "F" if n_fav == 1 else ("JF" if n_fav == 2 else "CF")
    if rng.random() < 0.9:
        rating = or_base + int(ability * 14) + rng.randint(-4, 4)
        orr = str(rating) if (is_hcap or rng.random() < 0.6) else "-"
    else:
        rating = or_base + int(ability * 14)
        orr = "-" if rng.random() < 0.8 else ""
    if ovr is not None:
        rpr = str(max(1, rating - int(min(ovr, 50) * 0.8) + rng.randint(-6, 6)))
        t = round(secs, 2)
        time_s, secs_s, ovr_s, btn_s = fmt_time(t, race.plain_time), f"{t:.2f}", fmt_num(ovr), fmt_num(btn)
    else:
        rpr = "-" if rng.random() < 0.85 else ""
        time_s = secs_s = ovr_s = btn_s = ""
    this_hg = hg if rng.random() < 0.85 else ""
    if prize is not None:
        amt = round(prize * 20) / 20
        prize_s, prize_raw = f"{amt:.2f}", fmt_money(sym, amt)
    else:
        prize_s = prize_raw = ""
    jockey = world.jockeys[race.region][rng.choices(range(260), cum_weights=world.jockey_cum)[0]]
    if pos.isdigit() or pos == "DSQ":
        comment = _comment(rng, place, n, race.code)
    else:
        f = rng.choice((2, 3, 4, 5))
        comment = rng.choice(NONFIN_COMMENT[pos]).format(f=f, o=rng.choice(("2nd", "3rd", "4th", "5th", "7th", "9th", "11th", "3", "4")))
        if len(comment) < 30:
            lead = rng.choice(("In touch", "Chased leaders", "Prominent", "Held up", "Midfield"))
            mid = rng.choice(("not fluent early", "jumped left", "mistake 2nd", "niggled along halfway",
                              "jumped slowly 1st", "raced keenly", "went left at start"))
            comment = f"{lead}, {mid}, {comment[0].lower()}{comment[1:]}"
    return [race.key, num, pos, draw, ovr_s, btn_s, name, age, sex, lbs, this_hg, time_s,
            secs_s, odds, jockey, world.trainers[race.region][trainer], prize_s, prize_raw,
            orr, rpr, sire, dam, damsire, world.owners[owner], comment]


# --------------------------------------------------------------------------- output

class _Out:
    """Writes to PATH atomically (PATH.tmp then rename), or to stdout for '-'."""

    def __init__(self, path: str):
        self.path = path
        if path == "-":
            self.f = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="",
                                      write_through=False)
        else:
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            self.tmp = f"{path}.tmp.{os.getpid()}"
            self.f = open(self.tmp, "w", encoding="utf-8", newline="", buffering=1 << 20)

    def __enter__(self):
        return self.f

    def __exit__(self, exc_type, exc, tb):
        if self.path == "-":
            self.f.flush()
            self.f.detach()
            return False
        self.f.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
        return False


def writer(f):
    return csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def write_runners(seed: int, rows: int, start: dt.date, out: str) -> int:
    world = World(seed)
    written = 0
    with _Out(out) as f:
        w = writer(f)
        w.writerow(RUNNER_COLUMNS)
        if rows <= 0:
            return 0
        for race in iter_races(seed, start):
            left = rows - written
            runners = make_runners(seed, world, race, min(race.ran, left))
            w.writerows(runners)
            written += len(runners)
            if written >= rows:
                break
    return written


def write_races(seed: int, rows: int, start: dt.date, out: str) -> int:
    written = 0
    with _Out(out) as f:
        w = writer(f)
        w.writerow(RACE_COLUMNS)
        if rows <= 0:
            return 0
        for race in iter_races(seed, start):
            w.writerow(race.race_row())
            written += 1
            if written >= rows:
                break
    return written


# --------------------------------------------------------------------------- tree

# Planted faults, in turn: (runner column, bad value). Each value fails the column's parser.
BAD_VALUES = [("dec", "5/0"), ("pos", "XX"), ("lbs", "9-15"), ("time", "1:75.20")]


def _csv_bytes(header, rows) -> bytes:
    buf = io.StringIO(newline="")
    w = writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _write_bytes(path: str, data: bytes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _months(start: str, n: int):
    y, m = (int(x) for x in start.split("-"))
    for _ in range(n):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def write_tree(seed: int, root: str, start: str, months: int, per_month: int | None,
               inject_bad: int, planted_out: str) -> dict:
    """Writes the landing tree; returns counts. See the module docstring."""
    world = World(seed)
    folders = {}                   # (region, code, 'YYYY-MM') -> [races rows, runner rows]
    order = []
    for y, m in _months(start, months):
        first = dt.date(y, m, 1)
        last = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
        races = list(iter_races(seed, first, last))
        if per_month is not None:
            idx = list(range(len(races)))
            random.Random(f"{seed}/tree/{y:04d}-{m:02d}").shuffle(idx)
            keep, total = set(), 0
            for i in idx:
                if total + races[i].ran > per_month:
                    continue
                keep.add(i)
                total += races[i].ran
            races = [r for i, r in enumerate(races) if i in keep]
        ym = f"{y:04d}-{m:02d}"
        for race in races:
            key = (race.region, race.code, ym)
            if key not in folders:
                folders[key] = [[], []]
                order.append(key)
            folders[key][0].append(race.race_row(half=True))
            runners = make_runners(seed, world, race)
            assert len(runners) == race.ran
            folders[key][1].extend(runners)
    order.sort()

    # Planted faults: K distinct runner rows across the tree, chosen by a seeded RNG.
    planted = []
    if inject_bad > 0:
        slots = [(k, i) for k in order for i in range(len(folders[k][1]))]
        if inject_bad > len(slots):
            raise SystemExit(f"gen_racing: --inject-bad {inject_bad} is more than the {len(slots)} runner rows")
        picks = random.Random(f"{seed}/inject").sample(slots, inject_bad)
        picks.sort(key=lambda p: (order.index(p[0]), p[1]))
        for n, (key, i) in enumerate(picks):
            col, bad = BAD_VALUES[n % len(BAD_VALUES)]
            row = folders[key][1][i]
            row[RUNNER_COLUMNS.index(col)] = bad
            region, code, ym = key
            planted.append({"file": f"{region}/{code}/{ym}/runners_{code}_{ym}.csv", "line": i + 2,
                            "field": col, "value": bad, "race_key": row[0], "num": row[1]})

    n_races = n_runners = 0
    for key in order:
        region, code, ym = key
        folder = os.path.join(root, region, code, ym)
        races_rows, runner_rows = folders[key]
        entries = []
        for name, header, rows in ((f"races_{code}_{ym}.csv", RACE_COLUMNS, races_rows),
                                   (f"runners_{code}_{ym}.csv", RUNNER_COLUMNS, runner_rows)):
            data = _csv_bytes(header, rows)
            _write_bytes(os.path.join(folder, name), data)
            entries.append({"name": name, "rows": len(rows), "bytes": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {"region": region, "code": code, "month": ym, "seed": seed, "files": entries}
        _write_bytes(os.path.join(folder, "manifest.json"),
                     (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        n_races += len(races_rows)
        n_runners += len(runner_rows)

    with _Out(planted_out) as f:
        for p in planted:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    return {"folders": len(order), "races": n_races, "runners": n_runners, "planted": len(planted)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, help_ in (("runners", "runner rows (rpscrape columns), grouped by race"),
                        ("races", "one row per race (card and result summary)")):
        s = sub.add_parser(name, help=help_)
        s.add_argument("--rows", type=int, required=True, help="number of data rows")
        s.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        s.add_argument("--start", default="2015-01-01", help="first race date, YYYY-MM-DD")
        s.add_argument("--out", default="-", help="output path, '-' for stdout")
    t = sub.add_parser("tree", help="a landing tree {region}/{code}/{YYYY-MM}/ of races and runners "
                                    "CSV files with a manifest.json per folder")
    t.add_argument("--root", required=True, help="folder to write the tree into")
    t.add_argument("--months", type=int, required=True, help="number of months")
    t.add_argument("--start", required=True, help="first month, YYYY-MM")
    t.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    t.add_argument("--meetings-scale", type=int, default=1, metavar="F",
                   help="F times the meetings a day, at most every course (default 1: the real pace; 4 gives about 1.1M runners in 24 months)")
    t.add_argument("--runners-per-month", type=int, default=None,
                   help="at most N runners a month, in whole races (default: every race)")
    t.add_argument("--inject-bad", type=int, default=0, metavar="K",
                   help="plant K unparseable runner values and list them (default 0)")
    t.add_argument("--planted", default="-", metavar="FILE",
                   help="where to list the planted values, NDJSON ('-' = stdout, the default)")
    a = p.parse_args(argv)
    if a.cmd == "tree":
        if a.months < 1 or a.inject_bad < 0 or (a.runners_per_month is not None and a.runners_per_month < 1):
            p.error("--months and --runners-per-month must be at least 1, --inject-bad at least 0")
        try:
            dt.date.fromisoformat(a.start + "-01")
        except ValueError:
            p.error(f"--start must be YYYY-MM, not '{a.start}'")
        if a.meetings_scale < 1:
            p.error("--meetings-scale must be at least 1")
        global MEETINGS_SCALE
        MEETINGS_SCALE = a.meetings_scale
        c = write_tree(a.seed, a.root, a.start, a.months, a.runners_per_month, a.inject_bad, a.planted)
        print(f"gen_racing: {c['folders']} folders, {c['races']} races, {c['runners']} runners, "
              f"{c['planted']} planted", file=sys.stderr)
        return 0
    start = dt.date.fromisoformat(a.start)
    if a.cmd == "runners":
        write_runners(a.seed, a.rows, start, a.out)
    else:
        write_races(a.seed, a.rows, start, a.out)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # e.g. `gen_racing.py runners ... | head`: exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
