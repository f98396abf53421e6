"""A congregation in the ledger: its pool of people, who invited whom, gatherings, and crews formed.

Plain Python and pandas, no widgets. Everything is an event in the same append-only ledger as the
crews' rounds (SQLite or PostgreSQL), so it is backed up, copied, voided and forgotten the same way:

- ``congregation_created``: name (the group row, kind "congregation"), region (title), purpose (note);
- its agreements are the ordinary ``agreements`` event of the congregation;
- ``pool_joined`` (someone the hosts invite) and ``invitation`` (an inviter brings an invitee): each puts
  one person in the pool; every invitation is its own event;
- ``pool_answers``: what a person says about themselves (meaningful work, weekly slots, region,
  preferred crew size, whom they know well), a private text like money notes: out of exports unless asked;
- ``gathering``: a gathering and who came;
- ``formation``: a formation round's crews. Lasting crews are created with it in one transaction (one
  ``group_created`` per crew, referring to the formation), and undone with it as a whole; temporary
  crews for one gathering are recorded on the formation only.

A person of the pool becomes a member (of a crew) when a crew is formed with them.

    >>> cong = Congregation.create(ledger, "Lisbon circle", region="Lisbon", purpose="more meaningful work")
    >>> cong.add_person("Ama", answers={"work": ["gardening"], "slots": ["Tue evening"]})
    >>> cong.invite("Ama", "Bo")
    >>> cong.form_crews(cong.suggest_crews())
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from . import formation, levels, rules
from . import storage as st
from .errors import LedgerError
from .i18n import N_, _, words
from .ledger import Ledger
from .rules import POOL_KINDS, POOL_ROLES, Entry, Part, State, given
from .seasons import closed_crews
from .values import MAX_NAME, clean_date, clean_name, clean_text, day_words, name_key

KIND = "congregation"
KINDS = ("congregation_created", *POOL_KINDS, "pool_answers", "gathering", "formation")
CSV_COLUMNS = ("name", "work", "slots")
CSV_OPTIONAL = ("invited_by", "region", "size", "knows")
MAX_TAGS, MAX_TAG = 12, 40


@dataclass(frozen=True)
class Answers:
    """A person's pool answers, checked. Lists in a form's export come as text separated by ; or ,."""

    work: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    region: str | None = None
    size: int | None = None
    knows: tuple[str, ...] = ()

    @classmethod
    def clean(cls, answers: "Answers | dict | None", who: str = "") -> "Answers":
        if answers is None:
            return cls()
        if isinstance(answers, Answers):
            answers = answers.as_dict()
        if not isinstance(answers, dict):
            raise LedgerError(_("Give the pool answers as a dict (work, slots, region, size, knows)."))
        unknown = set(answers) - {"work", "slots", "region", "size", "knows"}
        if unknown:
            raise LedgerError(_("Pool answers have no “%(key)s”; they are: work, slots, region, size, knows.",
                                key=sorted(unknown)[0]))
        # Whole sentences with and without the person's name: languages place "for Ama" differently.
        work = _words(answers.get("work"), N_("meaningful work tag"))
        if len(work) > MAX_TAGS:
            raise LedgerError(_("Keep the meaningful work of %(name)s to %(most)s tags; there are %(count)s.",
                                name=who, most=MAX_TAGS, count=len(work)) if who else
                              _("Keep the meaningful work to %(most)s tags; there are %(count)s.",
                                most=MAX_TAGS, count=len(work)))
        for w in work:
            if len(w) > MAX_TAG:
                raise LedgerError(_("The tag “%(tag)s…” of %(name)s is long; keep each tag under %(most)s characters.",
                                    tag=w[:30], name=who, most=MAX_TAG) if who else
                                  _("The tag “%(tag)s…” is long; keep each tag under %(most)s characters.",
                                    tag=w[:30], most=MAX_TAG))
        region = answers.get("region")
        region = clean_name(region, N_("region or time zone")) if region not in (None, "") and not (
            isinstance(region, str) and not region.strip()) else None
        size = answers.get("size")
        if isinstance(size, str):
            size = size.strip() or None
            if size is not None:
                try:
                    size = int(size)
                except ValueError:
                    raise LedgerError(_("“%(size)s”, the crew size of %(name)s, is not a number; give one from 3 to 8.",
                                        size=size[:20], name=who) if who else
                                      _("“%(size)s” is not a crew size; give a number from 3 to 8.",
                                        size=size[:20])) from None
        if size is not None and (isinstance(size, bool) or not isinstance(size, int)
                                 or not formation.CREW_RANGE[0] <= size <= formation.CREW_RANGE[1]):
            raise LedgerError(_("The preferred crew size of %(name)s is a number from 3 to 8, not %(size)s.",
                                name=who, size=size) if who else
                              _("A preferred crew size is a number from 3 to 8, not %(size)s.", size=size))
        knows = _words(answers.get("knows"), N_("person they know well"))
        if who and any(name_key(k) == name_key(who) for k in knows):
            raise LedgerError(_("%(name)s lists themselves among the people they know well.", name=who))
        return cls(work, formation.parse_slots(answers.get("slots")), region, size, knows)

    def as_dict(self) -> dict:
        return {"work": list(self.work), "slots": list(self.slots), "region": self.region, "size": self.size,
                "knows": list(self.knows)}


def _words(value, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value.replace("\n", ";").split(";") if isinstance(value, str) else value
    if isinstance(value, str) and ";" not in value:
        items = value.split(",")
    if isinstance(items, dict) or not hasattr(items, "__iter__"):
        raise LedgerError(_("Give each %(what)s in a list.", what=_(what)))
    out: dict[str, str] = {}
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        word = clean_name(item, what)
        out.setdefault(name_key(word), word)
    return tuple(out.values())


class Congregation:
    """One congregation of a ledger: the API the congregation page uses, and yours."""

    def __init__(self, ledger: Ledger, name: str):
        self.ledger = ledger
        with ledger.store.read() as con:
            row = _congregation(State(con), name)
        self.name, self.id = row.name, row.id

    def __repr__(self) -> str:
        return f"Congregation({self.name!r})"

    # --- writing ------------------------------------------------------------------------------

    @classmethod
    def create(cls, ledger: Ledger, name, region=None, purpose=None, on=None) -> "Congregation":
        """Start a congregation: a name, its region and the purpose its first gathering agreed."""
        def build(state: State, add):
            cname = clean_name(name, N_("congregation name"))
            if state.con.execute(sa.select(st.groups.c.id).where(st.groups.c.name_key == name_key(cname))).first():
                raise LedgerError(_("There is already a group or congregation called “%(name)s”.", name=cname))
            where = clean_name(region, N_("region")) if region is not None and str(region).strip() else None
            started = clean_date(on) if on is not None else dt.date.today()
            add(Entry("congregation_created", started, group=cname, new_group_kind=KIND, data=given(region=where),
                      texts=given(purpose=clean_text(purpose, "purpose"))))
        with ledger.batch() as batch:
            build(batch.state, batch.add)
        return cls(ledger, name)

    @staticmethod
    def names(ledger: Ledger) -> list[str]:
        """Every congregation of the ledger, by name."""
        with ledger.store.read() as con:
            g = st.groups.c
            return sorted(con.execute(sa.select(g.name).where(g.kind == KIND)).scalars(), key=str.casefold)

    def add_person(self, name, on=None, answers=None, key: str | None = None) -> int:
        """Put someone the hosts invited in the pool (optionally with their answers). ``key``: the
        one-time key of the form that asks for it, as ``Ledger.record`` takes it."""
        return self._write(lambda state, add: self._join(state, add, name, None, self._dated(state, on), answers),
                           key=key)

    def invite(self, inviter, invitee, on=None, answers=None, key: str | None = None) -> int:
        """Record that ``inviter`` (in the pool) brought ``invitee`` (not yet in it) into the pool."""
        return self._write(lambda state, add: self._join(state, add, invitee, inviter, self._dated(state, on), answers),
                           key=key)

    def record_answers(self, name, answers, on=None) -> int:
        """A person's pool answers; a later record replaces the earlier (both stay in the history)."""
        def build(state, add):
            person = self._in_pool(state, name)
            cleaned = Answers.clean(answers, person)
            self._known_in_pool(state, person, cleaned.knows)
            return add(_answers_entry(self.name, person, cleaned, self._dated(state, on)))
        return self._write(build)

    def record_gathering(self, title, on, came) -> int:
        """A gathering of the congregation and who of the pool came."""
        def build(state, add):
            names = _unique([self._in_pool(state, n) for n in _list(came, N_("person who came"))])
            if not names:
                raise LedgerError(_("Tick at least one person who came to the gathering."))
            return add(Entry("gathering", self._dated(state, on, today_if_none=False), group=self.name,
                             data={"name": clean_name(title, "gathering name")},
                             parts=[Part(n, "came") for n in names]))
        return self._write(build)

    def import_csv(self, data: bytes | str, on=None, key: str | None = None) -> list[str]:
        """Put everyone of a CSV (a form's export) in the pool with their answers, all or nothing.

        Columns: name, work, slots (required) and invited_by, region, size, knows; lists inside a cell
        are separated by ; (or , when there is no ;). A file with ; between its columns is read too. Returns
        the names added, in the order recorded: inviters before those they invited.
        """
        rows = read_csv(data)

        def build(state, add):
            when = self._dated(state, on)
            pool = self._pool_keys(state)
            seen: dict[str, int] = {}
            for n, row in enumerate(rows, 2):
                key = name_key(row["name"])
                if key in seen:
                    raise LedgerError(_("Line %(line)s: %(name)s is listed twice (on line %(other)s too).",
                                        line=n, name=row["name"], other=seen[key]))
                if key in pool:
                    raise LedgerError(_("Line %(line)s: %(name)s is already in the pool.", line=n, name=row["name"]))
                seen[key] = n
            order = _invitation_order(rows, pool)
            for row in order:
                self._join(state, add, row["name"], row.get("invited_by") or None, when, row["answers"],
                           line=row["line"], later={name_key(r["name"]) for r in rows})
            return [r["name"] for r in order]
        return self._write(build, key=key)

    def form_crews(self, suggestion: "formation.Suggestion | list[list[str]]", on=None, names=None,
                   temporary_for: int | None = None, label: str | None = None) -> int:
        """Create the suggested crews in one step (one transaction), or record them as temporary crews
        of one gathering (``temporary_for`` = the gathering's event id). Returns the formation's id.

        Every hard rule is checked again against the ledger as it is now: a person still in the pool,
        crews within 3–8 people, no one in two crews, and a lasting crew's name still free.
        """
        crews = formation.solution(suggestion) if isinstance(suggestion, formation.Suggestion) else suggestion
        explained = ([c.why for c in suggestion.crews] if isinstance(suggestion, formation.Suggestion)
                     else [""] * len(crews))

        def build(state, add):
            when = self._dated(state, on)
            if not isinstance(crews, list) or not crews:
                raise LedgerError(_("There are no crews to create: run a formation round first."))
            placed: dict[str, int] = {}
            cleaned = []
            for i, crew in enumerate(crews, 1):
                members = [self._in_pool(state, n) for n in _list(crew, N_("crew member"))]
                low, high = formation.CREW_RANGE
                if not low <= len(members) <= high:
                    raise LedgerError(_("Crew %(number)s has %(count)s people; a crew has %(low)s to %(high)s.",
                                        number=i, count=len(members), low=low, high=high))
                for m in members:
                    if name_key(m) in placed:
                        raise LedgerError(_("%(name)s is in two crews (crew %(first)s and crew %(second)s).",
                                            name=m, first=placed[name_key(m)], second=i))
                    placed[name_key(m)] = i
                cleaned.append(members)
            crew_names = self._crew_names(state, names, len(cleaned), temporary_for is not None)
            gathering = None
            if temporary_for is not None:
                gathering = state.event(temporary_for)
                if gathering.kind != "gathering" or gathering.group_id != self.id or state.void_of(gathering.id):
                    raise LedgerError(_("Event %(id)s is not a gathering of %(congregation)s.",
                                        id=gathering.id, congregation=self.name))
            # Private: why a crew fits repeats what its people answered.
            formed = [{"crew": n, "members": m, "why": w} for n, m, w in zip(crew_names, cleaned, explained)]
            fid = add(Entry("formation", when, group=self.name,
                            data=given(name=clean_name(label, N_("round name")) if label else None),
                            outcome="temporary" if gathering else "lasting", ref_id=gathering.id if gathering else None,
                            texts={"crews": formed}, private=True,
                            parts=[Part(m, "placed", data={"crew": cn}) for cn, ms in zip(crew_names, cleaned) for m in ms]))
            if gathering is None:
                for cn, ms in zip(crew_names, cleaned):
                    add(Entry("group_created", when, group=cn, new_group_kind="crew", data={"group_kind": "crew"},
                              ref_id=fid,
                              parts=[Part(m, "member") for m in ms]))
            return fid
        return self._write(build)

    def undo_formation(self, formation_id, reason, on=None) -> int:
        """Undo a formation as a whole: the formation and every crew it created are voided together.

        Refused once any of those crews has recorded something (a round, a meeting, a member joining):
        undo that first, or keep the crews.
        """
        def build(state, add):
            target = state.event(formation_id)
            if target.kind != "formation" or target.group_id != self.id:
                raise LedgerError(_("Event %(id)s is not a crew formation of %(congregation)s.",
                                    id=target.id, congregation=self.name))
            if state.void_of(target.id):
                raise LedgerError(_("The formation of %(date)s is already undone.", date=day_words(target.on_date)))
            why = clean_text(reason, N_("reason"), required=True)
            when = rules.correction_date(target, on)
            e = st.events.c
            created = state.con.execute(sa.select(e.id, e.group_id).where(
                e.kind == "group_created", e.ref_id == target.id)).all()
            for row in created:
                later = state.con.execute(sa.select(e.kind, e.on_date).where(
                    e.group_id == row.group_id, e.id != row.id, e.id.not_in(st.voided_ids())).limit(1)).first()
                if later is not None:
                    crew = state.group_name(row.group_id)
                    # The kind is named by the ledger's own word for it, not spelled out in English.
                    raise LedgerError(_("%(crew)s has recorded something (%(kind)s) on %(date)s since it formed: undo "
                                        "that first, or keep the crews.", crew=crew, kind=later.kind,
                                        date=day_words(later.on_date)))
            vid = add(Entry(st.VOID, when, ref_id=target.id, texts={"reason": why}))
            for row in created:
                add(Entry(st.VOID, when, ref_id=row.id, texts={"reason": why}))
            return vid
        return self._write(build)

    # --- reading ----------------------------------------------------------------------------------

    def details(self) -> dict:
        """name, region, purpose (None when not given), started (date), agreements (latest, public ones)."""
        ev = self._events()
        created = ev[ev["kind"] == "congregation_created"].iloc[0]
        # A region or purpose nobody gave is absent from the named fields (and an empty set is NULL).
        return {"name": self.name, "region": (created["data"] or {}).get("region"),
                "purpose": (created["texts"] or {}).get("purpose"), "started": created["date"],
                "agreements": self.ledger.agreements(self.name)}

    def pool(self, include_private: bool = False) -> pd.DataFrame:
        """One row per person of the pool: name, invited_by, joined, answered, member (in a crew today).

        Their answers (work, slots, region, size, knows) are personal: columns only with ``include_private``.
        """
        ev = self._events()
        parts = self._parts(ev)
        joins = ev[ev["kind"].isin(POOL_KINDS)]
        rows = []
        answers = self._answers(ev, parts) if include_private else {}
        answered = set(parts.loc[parts["role"] == "answers", "key"])
        # A crew that closed (seasons) gives its people back to the pool.
        crews = self.ledger.groups().query("kind == 'crew'")
        crewed = {name_key(m) for ms in crews.loc[~crews["group"].isin(closed_crews(self.ledger)), "members"] for m in ms}
        # Who joined and who invited them, per event, in one pass (not one scan of every part per person).
        joined = {i: n for i, n, r in zip(parts["event_id"], parts["name"], parts["role"]) if r in ("pool", "invitee")}
        inviters = {i: n for i, n, r in zip(parts["event_id"], parts["name"], parts["role"]) if r == "inviter"}
        joins = joins.sort_values(["date", "id"])
        for event, day in zip(joins["id"], joins["date"]):
            person = joined[event]
            row = {"name": person, "invited_by": inviters.get(event), "joined": day,
                   "answered": name_key(person) in answered, "member": name_key(person) in crewed}
            if include_private:
                a = answers.get(name_key(person), Answers())
                row.update(work=list(a.work), slots=list(a.slots), region=a.region, size=a.size, knows=list(a.knows))
            rows.append(row)
        cols = ["name", "invited_by", "joined", "answered", "member"]
        return pd.DataFrame(rows, columns=cols + (["work", "slots", "region", "size", "knows"] if include_private else []))

    def invitations(self) -> pd.DataFrame:
        """Who brought whom: inviter (None for people the hosts invited), invitee, date, generation
        (1 for the hosts' invitees, 2 for theirs, …)."""
        pool = self.pool()
        inviter = {n: i for n, i in zip(pool["name"], pool["invited_by"]) if isinstance(i, str)}

        def generation(n, depth=0):  # depth: a guard, though the ledger never holds a cycle
            return 1 if n not in inviter or depth > len(inviter) else 1 + generation(inviter[n], depth + 1)

        return pd.DataFrame({"inviter": pool["invited_by"], "invitee": pool["name"], "date": pool["joined"],
                             "generation": [generation(n) for n in pool["name"]]})

    def invitation_tree(self) -> pd.DataFrame:
        """The invitations laid out as a tree for drawing: name, inviter, generation (0: the hosts),
        x, y (position) and parent_x, parent_y (the inviter's position; none for the hosts)."""
        inv = self.invitations()
        children: dict[str | None, list[str]] = {}
        for inviter, invitee in zip(inv["inviter"], inv["invitee"]):
            children.setdefault(inviter if isinstance(inviter, str) else None, []).append(invitee)
        rows, leaf = [], [0]

        def place(name, parent, depth):  # leaves one row apart, a parent in the middle of its children
            kids = children.get(name if depth else None, [])
            ys = [place(k, name, depth + 1) for k in kids]
            y = sum(ys) / len(ys) if ys else float(leaf[0])
            if not ys:
                leaf[0] += 1
            rows.append({"name": name, "inviter": parent, "generation": depth, "x": float(depth), "y": y})
            return y

        place("Hosts", None, 0)
        tree = pd.DataFrame(rows, columns=["name", "inviter", "generation", "x", "y"])
        at = {(r["name"], r["generation"]): (r["x"], r["y"]) for _, r in tree.iterrows()}
        parent = [at.get((p, g - 1)) if g else None for p, g in zip(tree["inviter"], tree["generation"])]
        parent = [at[("Hosts", 0)] if g == 1 else p for p, g in zip(parent, tree["generation"])]
        tree["parent_x"] = [p[0] if p else None for p in parent]
        tree["parent_y"] = [p[1] if p else None for p in parent]
        return tree.sort_values(["generation", "y"]).reset_index(drop=True)

    def availability(self) -> pd.DataFrame:
        """How many people of the pool can meet in each weekly slot: day, part, people (counts only;
        ``attrs["without"]`` counts those who gave no slot)."""
        pool = self.pool(include_private=True)
        counts = {s: 0 for s in formation.SLOTS}
        for slots in pool["slots"]:
            for s in slots:
                counts[s] += 1
        out = pd.DataFrame([{"day": s.split()[0], "part": s.split()[1], "people": n} for s, n in counts.items()])
        out.attrs["without"] = int(sum(1 for s in pool["slots"] if not s))
        return out

    def compare_crews(self) -> pd.DataFrame:
        """The lasting crews this congregation formed (still standing), with their points since forming:
        crew, formed, level, level_name, points (one row per crew and level; levels with no points left out,
        a crew with none at all kept with 0 points)."""
        lasting = self.formations()
        lasting = lasting[lasting["kind"] == "lasting"]
        formed = {crew: day for day, crews in zip(lasting["date"], lasting["crews"]) for crew in crews}
        standing = set(self.ledger.groups()["group"])
        formed = {c: d for c, d in formed.items() if c in standing}
        points = self.ledger.points()
        points = points[points["group"].isin(list(formed))]
        per = points.groupby(["group", "level"], as_index=False)["points"].sum()
        names = levels.labels()
        rows = [{"crew": g, "formed": formed[g], "level": int(lv), "level_name": names[int(lv)], "points": int(p)}
                for g, lv, p in zip(per["group"], per["level"], per["points"])]
        rows += [{"crew": c, "formed": d, "level": 1, "level_name": names[1], "points": 0}
                 for c, d in formed.items() if c not in set(per["group"])]
        return pd.DataFrame(rows, columns=["crew", "formed", "level", "level_name", "points"])

    def gatherings(self) -> pd.DataFrame:
        """id, title, date, came (list of names), count."""
        ev = self._events()
        parts = self._parts(ev)
        g = ev[ev["kind"] == "gathering"].sort_values(["date", "id"])
        came = [sorted(parts.loc[parts["event_id"] == i, "name"], key=str.casefold) for i in g["id"]]
        return pd.DataFrame({"id": g["id"].to_numpy(), "title": g["data"].str["name"].to_numpy(), "date": g["date"].to_numpy(),
                             "came": came, "count": [len(c) for c in came]})

    def formations(self, include_private: bool = False) -> pd.DataFrame:
        """id, date, kind (lasting/temporary), gathering, crews ({crew: members}); with
        ``include_private`` the explanations too (they repeat people's answers)."""
        ev = self._events()
        parts = self._parts(ev)
        f = ev[ev["kind"] == "formation"].sort_values(["date", "id"])
        rows = []
        for _, r in f.iterrows():
            placed = parts[parts["event_id"] == r["id"]]
            crews: dict[str, list[str]] = {}
            for name, data in zip(placed["name"], placed["data"]):
                crews.setdefault(data["crew"], []).append(name)
            row = {"id": r["id"], "date": r["date"], "kind": r["outcome"], "gathering": r["ref_id"], "crews": crews}
            if include_private:
                row["why"] = {c["crew"]: c["why"] for c in (r["texts"] or {}).get("crews", [])}
            rows.append(row)
        return pd.DataFrame(rows, columns=["id", "date", "kind", "gathering", "crews"] + (["why"] if include_private else []))

    def people(self, names=None, free: bool = False) -> list[formation.Person]:
        """The pool as the formation round sees it (answers included: the round runs on them); ``names``,
        each once and each in the pool, choose some of it; ``free``: only those not yet in a crew."""
        pool = self.pool(include_private=True)
        if free:
            pool = pool[~pool["member"]]
        if names is not None:
            # Checked, not filtered: someone left out of the round without a word would be neither placed
            # nor given a reason.
            chosen = {name_key(n): n for n in _unique([clean_name(n, N_("person's name"))
                                                       for n in _list(names, N_("person of the round"))])}
            keys = pool["name"].map(name_key)
            missing = [n for key, n in chosen.items() if key not in set(keys)]
            if missing:
                raise self._not_in_pool(missing[0])
            pool = pool[keys.isin(list(chosen))]
        return [formation.Person(r["name"], tuple(r["work"]), tuple(r["slots"]),
                                 r["region"] if isinstance(r["region"], str) else None,
                                 None if pd.isna(r["size"]) else int(r["size"]), tuple(r["knows"]))
                for _, r in pool.iterrows()]

    def last_season(self) -> tuple[tuple[str, ...], ...]:
        """Last season's crews, each as everyone who was in it: every crew of the workbook open on or after
        this congregation's latest lasting formation round (all crews before the first round), whether it
        continues or closed since, with whoever was a member on that day or joined later (dated joins and
        departures). A crew that closed before that round belongs to an earlier season."""
        ev = self._events()
        rounds = ev.loc[(ev["kind"] == "formation") & (ev["outcome"] == "lasting"), "date"]
        since = pd.Timestamp(rounds.max()) if len(rounds) else None
        closed = closed_crews(self.ledger)
        groups = self.ledger.groups()
        kinds = dict(zip(groups["group"], groups["kind"]))
        # Each member's changes in date order (founders first), read in one pass: 90 people's crews in
        # a few milliseconds, within the page's time budget. A crew whose creation was undone has none.
        was_in: dict[str, dict[str, list]] = {}
        changes = self.ledger.memberships()
        for crew, member, date, change in zip(changes["group"], changes["member"], changes["date"], changes["change"]):
            if kinds.get(crew) != "crew" or (since is not None and crew in closed and closed[crew] < since):
                continue
            seen = was_in.setdefault(crew, {}).setdefault(name_key(member), [member, False, False])
            seen[0] = member
            if since is None or change == "founded" or date <= since:  # in on that day (ever, before any round)
                seen[1] = change != "left" or (since is None and seen[1])
            elif change != "left":  # joined after it
                seen[2] = True
        out = []
        for crew in sorted(was_in, key=str.casefold):
            names = tuple(sorted((m for m, on_day, later in was_in[crew].values() if on_day or later), key=str.casefold))
            if len(names) >= 2:
                out.append(names)
        return tuple(out)

    def suggest_crews(self, names=None, **settings) -> formation.Suggestion:
        """A formation round over ``names`` (default: everyone in the pool not yet in a crew, those whose
        crew closed included).

        ``settings`` are those of ``formation.Round``: size, min_size, max_size, together, apart, seed,
        history, keep_apart, …; last season's crews are read from the ledger unless given.
        """
        settings.setdefault("last_season", self.last_season())
        return formation.suggest(self.people(names, free=names is None), formation.Round(**settings))

    # --- inside -----------------------------------------------------------------------------------

    def _write(self, build, key: str | None = None):
        """Run ``build(state, add)`` as one batch of the ledger: ``add(entry)`` writes an entry and returns
        its id; everything lands or nothing does, and a request sent again with its one-time ``key``
        records nothing (``AlreadyRecorded``).

        Writes to a congregation may be dated in the past (someone joined the pool last month), so its
        whole history is replayed with them in place, as a dated join to a crew is: nothing before the
        congregation started, nobody taking part before they were in the pool."""
        with self.ledger.batch(key=key) as batch:
            batch.check_history(self.id)
            return build(batch.state, batch.add)

    def _events(self) -> pd.DataFrame:
        ev = self.ledger.events(include_private=True)
        ev = ev[(ev["group"] == self.name) & ~ev["voided"]]
        return ev

    def _parts(self, ev: pd.DataFrame) -> pd.DataFrame:
        parts = self.ledger.participants()
        parts = parts[parts["event_id"].isin(ev["id"])].rename(columns={"member": "name"})
        return parts.assign(key=parts["name"].map(name_key))

    def _answers(self, ev: pd.DataFrame, parts: pd.DataFrame) -> dict[str, Answers]:
        rows = ev[ev["kind"] == "pool_answers"].sort_values(["date", "id"])
        who = dict(zip(parts["event_id"], parts["key"]))
        out = {}
        for i, texts in zip(rows["id"], rows["texts"]):
            if texts is not None:  # None once the person was forgotten
                a = texts["answers"]
                out[who[i]] = Answers(tuple(a["work"]), tuple(a["slots"]), a["region"], a["size"], tuple(a["knows"]))
        return out

    def _dated(self, state: State, on, today_if_none: bool = True) -> dt.date:
        """A day on which the congregation already existed (today when not given, as the API defaults)."""
        row = state.con.execute(sa.select(st.groups).where(st.groups.c.id == self.id)).one()
        return rules.dated(state, row, on, today_if_none=today_if_none)

    def _pool_keys(self, state: State) -> dict[str, str]:
        e, p, m = st.events.c, st.participants.c, st.members.c
        q = (sa.select(m.name_key, m.name).select_from(
            st.events.join(st.participants, p.event_id == e.id).join(st.members, m.id == p.member_id))
            .where(e.group_id == self.id, e.kind.in_(POOL_KINDS), p.role.in_(POOL_ROLES),
                   e.id.not_in(st.voided_ids())))
        return dict(state.con.execute(q).all())

    def _in_pool(self, state: State, name) -> str:
        person = clean_name(name, "person's name")
        pool = self._pool_keys(state)
        if name_key(person) not in pool:
            raise self._not_in_pool(person)
        return pool[name_key(person)]

    def _not_in_pool(self, person: str) -> LedgerError:
        return LedgerError(_("%(name)s is not in the pool of %(congregation)s: add them to the pool first.", name=person,
                             congregation=self.name))

    def _known_in_pool(self, state: State, person: str, knows, line: str = "", later=frozenset()) -> None:
        pool = self._pool_keys(state)
        for k in knows:
            if name_key(k) not in pool and name_key(k) not in later:
                raise LedgerError(line + _("%(name)s knows %(other)s well, but %(other)s is not in the pool; add them first.",
                                         name=person, other=k))

    def _join(self, state: State, add, name, inviter, on, answers, line=None, later=frozenset()) -> int:
        at = _("Line %(line)s: ", line=line) if line else ""
        person = clean_name(name, N_("person's name"))
        pool = self._pool_keys(state)
        if name_key(person) in pool:
            raise LedgerError(at + _("%(name)s is already in the pool of %(congregation)s.", name=pool[name_key(person)],
                                    congregation=self.name))
        existing = state.member(person)
        person = existing.name if existing else person
        cleaned = Answers.clean(answers, person) if answers is not None else None
        parts = [Part(person, "pool" if inviter is None else "invitee")]
        if inviter is not None:
            inviter = clean_name(inviter, N_("inviter's name"))
            if name_key(inviter) == name_key(person):
                raise LedgerError(at + _("%(name)s cannot invite themselves.", name=person))
            if name_key(inviter) not in pool:
                raise LedgerError(at + _("%(inviter)s, who invited %(name)s, is not in the pool of %(congregation)s.",
                                        inviter=inviter, name=person, congregation=self.name))
            parts.append(Part(pool[name_key(inviter)], "inviter"))
        kind = "pool_joined" if inviter is None else "invitation"
        event_id = add(Entry(kind, on, group=self.name, parts=parts))
        if cleaned is not None:
            self._known_in_pool(state, person, cleaned.knows, at, later)
            add(_answers_entry(self.name, person, cleaned, on))
        return event_id

    def _crew_names(self, state: State, names, count: int, temporary: bool = False) -> list[str]:
        # Temporary crews get no group of their own, so only lasting crews' names must be free.
        taken = set() if temporary else set(state.con.execute(sa.select(st.groups.c.name_key)).scalars())
        if names is not None:
            names = [clean_name(n, N_("crew name")) for n in _list(names, N_("crew name"))]
            if len(names) != count:
                raise LedgerError(_("Give one name for each of the %(count)s crews.", count=count))
            if len({name_key(n) for n in names}) != len(names):
                raise LedgerError(_("Two crews would have the same name."))
            clash = [n for n in names if name_key(n) in taken]
            if clash:
                raise LedgerError(_("There is already a group called “%(name)s”.", name=clash[0]))
            return names
        out, k = [], 1
        base = self.name[: MAX_NAME - 20]  # room for the word "crew" or "table" in any language
        while len(out) < count:
            # A name, given once in the facilitator's language, then kept as any name is.
            candidate = (_("%(congregation)s table %(number)s", congregation=base, number=k) if temporary
                         else _("%(congregation)s crew %(number)s", congregation=base, number=k))
            if name_key(candidate) not in taken:
                out.append(candidate)
            k += 1
        return out


# --- CSV ------------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """The delimiter of a pool CSV, as ``csv.Sniffer`` reads its header line (the only line with no
    lists inside its cells): ; or , (a single column has none, and reads as ,)."""
    try:
        return csv.Sniffer().sniff(text.lstrip().split("\n", 1)[0], delimiters=";,").delimiter
    except csv.Error:
        return ","


def read_csv(data: bytes | str) -> list[dict]:
    """The rows of a pool CSV, checked, or ``LedgerError`` saying what is wrong and where."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LedgerError(_("The file is not UTF-8 text (byte 0x%(byte)s at position %(position)s is not valid): "
                                "save it again as “CSV UTF-8” and import that. Nothing was recorded.",
                                byte=f"{data[exc.start]:02x}", position=exc.start)) from None
    elif isinstance(data, str):
        text = data.removeprefix("\ufeff")
    else:
        raise LedgerError(_("Give the CSV as text or bytes."))
    if "\ufffd" in text:
        line = text[: text.index("\ufffd")].count("\n") + 1
        raise LedgerError(_("Line %(line)s holds a “%(mark)s”: the file was saved in another encoding and converted "
                            "badly. Export it again as “CSV UTF-8”. Nothing was recorded.", line=line, mark="\ufffd"))
    if not text.strip():
        raise LedgerError(_("The file is empty."))
    try:
        # A spreadsheet set to a language that writes decimal commas saves its CSV with ; between columns
        # (lists inside a cell then take ,). Strict: a quote left open swallowed the rest of the file as one name.
        reader = csv.DictReader(io.StringIO(text), skipinitialspace=True, strict=True, delimiter=_delimiter(text))
        header = [h.strip().lower().replace(" ", "_") for h in (reader.fieldnames or [])]
        missing = [c for c in CSV_COLUMNS if c not in header]
        if missing:
            # Column names are the file's own words (a header row is machine-read), so they stay as they are.
            said = words()
            raise LedgerError(_("The CSV has no column %(missing)s; it needs %(needed)s (and may have %(optional)s). "
                                "Nothing was recorded.", missing=said.list(missing), needed=said.list(CSV_COLUMNS),
                                optional=said.list(CSV_OPTIONAL)))
        rows = []
        for n, raw in enumerate(reader, 2):
            if None in raw:
                raise LedgerError(_("Line %(line)s has more cells than the header has columns.", line=n))
            row = {h: (v or "").strip() for h, v in zip(header, raw.values())}
            if not any(row.values()):
                continue
            try:
                name = clean_name(row["name"], N_("name"))
                answers = Answers.clean({k: row.get(k) or None for k in ("work", "slots", "region", "size", "knows")}, name)
                inviter = clean_name(row["invited_by"], N_("inviter's name")) if row.get("invited_by") else None
            except LedgerError as exc:
                raise LedgerError(_("Line %(line)s: %(problem)s", line=n, problem=exc)) from None
            rows.append({"line": n, "name": name, "invited_by": inviter, "answers": answers})
    except csv.Error as exc:
        # csv's own explanation is Python's English; the sentence around it says what to do.
        raise LedgerError(_("The file cannot be read as CSV (%(problem)s): a quote mark left open or a stray one is "
                            "the usual cause. Nothing was recorded.", problem=exc)) from None
    if not rows:
        raise LedgerError(_("The CSV has a header but nobody in it."))
    return rows


def _invitation_order(rows: list[dict], pool: dict[str, str]) -> list[dict]:
    """Rows ordered so that each inviter joins before those they invited; a cycle is refused."""
    by = {name_key(r["name"]): r for r in rows}
    done: set[str] = set()
    order: list[dict] = []

    def visit(row, path):
        key = name_key(row["name"])
        if key in done:
            return
        if key in path:
            cycle = [by[k]["name"] for k in path[path.index(key):]] + [row["name"]]
            # Each link said as a whole phrase: "Ama, invited by Bo" reads in every language.
            links = [_("%(name)s, invited by %(inviter)s", name=a, inviter=b) for a, b in zip(cycle, cycle[1:])]
            raise LedgerError(_("The invitations go round in a circle (%(links)s): someone in it must have been "
                                "invited by a host or by someone already in the pool.", links="; ".join(links)))
        inviter = row.get("invited_by")
        if inviter and name_key(inviter) in by and name_key(inviter) not in pool:
            visit(by[name_key(inviter)], path + [key])
        done.add(key)
        order.append(row)

    for row in rows:
        visit(row, [])
    return order


# --- shared pieces ----------------------------------------------------------------------------------


def _congregation(state: State, name) -> sa.Row:
    cname = clean_name(name, N_("congregation name"))
    g = st.groups.c
    row = state.con.execute(sa.select(st.groups).where(g.name_key == name_key(cname), g.kind == KIND)).first()
    if row is None:
        known = state.con.execute(sa.select(g.name).where(g.kind == KIND).order_by(g.name)).scalars().all()
        if known:
            raise LedgerError(_("There is no congregation called “%(name)s”. Known congregations: %(known)s.",
                                name=cname, known=words().list(known)))
        raise LedgerError(_("There is no congregation called “%(name)s”. Start one first.", name=cname))
    return row


def _answers_entry(congregation: str, person: str, answers: Answers, on: dt.date) -> Entry:
    return Entry("pool_answers", on, group=congregation, private=True,
                 texts={"answers": answers.as_dict()}, parts=[Part(person, "answers")])


def _list(values, what: str) -> list:
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise LedgerError(_("Give each %(what)s in a list.", what=_(what)))
    return list(values)


def _unique(names: list[str]) -> list[str]:
    seen = {}
    for n in names:
        if name_key(n) in seen:
            raise LedgerError(_("“%(name)s” is listed twice.", name=n))
        seen[name_key(n)] = n
    return names
