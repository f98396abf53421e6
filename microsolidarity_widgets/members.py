"""The member side of a shared workbook: members join from their own phones with a code.

Two roles. The facilitator holds the server's token (the address printed as ``Facilitator:``) and
gets the Voilà pages. Members get a join address (``Members join at:``, also shown as a QR code in
the terminal and on the facilitator's landing page) holding a join code; it leads to the member
pages only. The join code is not the token: a member's browser never holds the token, so no Voilà
page, ``/api`` or ``/files`` route lets it in, and the facilitator can replace the code (revoking
it) without a restart.

Why this is cheap: member pages are plain HTML forms rendered by Tornado handlers in the server's
own process, straight from the Ledger API. A member costs a few requests, not a Python kernel of
about 150 MB as a Voilà page does, and the pages carry no script at all, so a phone that slept
simply shows the page again when it wakes.

Everything a person typed is escaped before it reaches HTML.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import urllib.parse
import secrets
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from . import charts, export, formation, guard, levels, room
from .rules import OFFER_KINDS
from .values import MAX_NAME, clean_name, name_key

MEMBER_COOKIE = "ms_member"  # the join code this browser was let in with
WHO_COOKIE = "ms_who"  # the member this browser speaks for
COOKIE_DAYS = 1  # a gathering, not a lifetime
PHONE_CHART_WIDTH = 300  # px of plot: with its axis and legend, the picture fits a phone held upright

PHONE_STYLE = guard.PLAIN_STYLE + """
  main { padding-top: 1.2rem; }
  h2 { font-size: 1.3rem; margin: 1.6rem 0 0.6rem; }
  label { display: block; font-weight: 600; margin: 0.6rem 0 0.3rem; }
  h3 { font-size: 1.1rem; margin: 1rem 0 0.4rem; }
  select, input, button, .button { font: inherit; font-size: 1rem; min-height: 48px; border-radius: 0.4rem; }
  select, input { width: 100%; box-sizing: border-box; padding: 0 0.6rem; border: 2px solid #6b7785; background: #fff; color: var(--ink); }
  button, .button { display: inline-block; margin-top: 0.8rem; padding: 0 1.2rem; border: 0; background: var(--accent);
                    color: #fff; font-weight: 700; text-decoration: none; line-height: 48px; cursor: pointer; }
  button:focus-visible, select:focus-visible, input:focus-visible, a:focus-visible, summary:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.5rem 0.3rem; border-bottom: 1px solid var(--line); }
  td.num, th.num { text-align: right; }
  details { border: 1px solid var(--line); border-radius: 0.4rem; background: #fff; margin: 0 0 0.6rem; }
  summary { min-height: 48px; box-sizing: border-box; line-height: 1.4; padding: 0.7rem 0.8rem; font-weight: 600; cursor: pointer; }
  details > div { padding: 0 0.9rem 0.6rem; }
  .muted { color: var(--muted); }
  fieldset.slots { border: 1px solid var(--line); border-radius: 0.4rem; margin: 0 0 0.5rem; padding: 0.2rem 0.8rem; }
  fieldset.slots legend { font-weight: 600; }
  label.tick { display: inline-flex; align-items: center; gap: 0.4rem; min-height: 44px; margin: 0 1rem 0 0; font-weight: 400; }
  label.tick input { width: 24px; height: 24px; min-height: 0; }
  .now { padding: 0.4rem 0.9rem; border-radius: 0.4rem; background: #fff; border-left: 6px solid var(--accent); margin: 0 0 0.6rem; }
  .now ul { padding-left: 1.2rem; margin: 0.3rem 0; }
  .now li { margin: 0.3rem 0; }
  .qr svg { width: 100%; max-width: 16rem; height: auto; }
  figure { margin: 0.8rem 0; }
  figure svg { width: 100%; height: auto; }
  a { display: inline-block; min-height: 44px; line-height: 44px; }
"""


@dataclass
class MemberCodes:
    """The current join code; replacing it revokes the old one at once (every member must join again)."""

    base_url: str  # e.g. http://192.168.1.5:8866/
    on_change: Callable[["MemberCodes"], None] = lambda codes: None
    code: str = field(default_factory=lambda: secrets.token_urlsafe(6))

    @property
    def join_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/join/{self.code}"

    def valid(self, code: str | None) -> bool:
        return bool(code) and secrets.compare_digest(code, self.code)

    def renew(self) -> str:
        self.code = secrets.token_urlsafe(6)
        self.on_change(self)
        return self.code

    def terminal_lines(self) -> list[str]:
        """``Members join at: <url>`` and the QR code of that address, drawn with text blocks."""
        return [f"Members join at: {self.join_url}", qr_text(self.join_url)]

    def qr_svg(self) -> str:
        import segno

        return segno.make(self.join_url, error="m").svg_inline(scale=6, title="QR code of the members' join address")


def qr_text(url: str) -> str:
    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue().rstrip("\n")


@functools.cache
def _ledger():
    from .ledger import Ledger

    return Ledger.open()


def page(title: str, body: str, status: str = "", refused: bool = False) -> str:
    """A member page: phone first, no script, every message in a live region (a refusal as an alert,
    marked by more than its colour: its own heading word and border)."""
    if refused:
        live = f'<p class="status refused" role="alert"><b>Not done.</b> {html.escape(status)}</p>'
    elif status:
        live = f'<p class="status" role="status" aria-live="polite">{html.escape(status)}</p>'
    else:
        live = '<div role="status" aria-live="polite"></div>'
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)} · Reciprocity Workbook</title><link rel="icon" href="data:,">'
            f"<style>{PHONE_STYLE}</style></head><body><main><h1>{html.escape(title)}</h1>{live}{body}</main></body></html>")


def ask_for_code(unsent: dict[str, str] | None = None) -> str:
    return guard.plain_page("Ask the facilitator for the code",
                            "This is the Reciprocity Workbook of the people in the room. To take part from your "
                            "phone, ask the facilitator for the members' join address or QR code, then open it.",
                            "Codes change from time to time; an old one no longer works.", extra=kept(unsent or {}))


# What a phone's forms ask, by field, as the answers are shown back when a form cannot be taken.
TYPED = {"text": "What you wrote", "offer_kind": "Kind of offer", "name": "Your name", "invited_by": "Invited by",
         "work": "Meaningful work", "slots": "When you can meet", "region": "Region or time zone",
         "size": "Crew size", "knows": "Whom you know well"}


def kept(unsent: dict[str, str]) -> str:
    """What a member typed into a form that could not be taken, shown back to them (and to nobody
    else: it is the answer to their own request), so that no answer is lost without a word."""
    rows = "".join(f"<dt>{TYPED[k]}</dt><dd>{html.escape(v)}</dd>" for k, v in unsent.items() if v.strip())
    if not rows:
        return ""
    return (f'<p class="status" role="status">Nothing was sent. What you wrote, to send again once you are back in:</p>'
            f'<dl class="kept">{rows}</dl>')


@dataclass(frozen=True)
class Standing:
    """What member pages show of the ledger at one revision."""

    points: pd.DataFrame                    # by member, group and level
    roster: list[tuple[str, list[str]]]     # (group, members) for every group, in the ledger's order
    pools: list[tuple[str, list[str]]]      # (congregation, the people of its pool) for every congregation

    def names(self) -> dict[str, str]:
        """Everyone a phone may speak for, by name key: crews' members and pools' people."""
        return {name_key(m): m for _, people in self.roster + self.pools for m in people}


def now() -> Standing:
    return standing(_ledger().revision())


@functools.lru_cache(maxsize=2)
def standing(revision: tuple[int, int]) -> Standing:
    """Everyone's points, the rosters and the pools as the ledger is at ``revision``: worked out once
    however many phones ask (scoring the whole history takes far longer than a page), and again after
    anything is recorded."""
    from .congregation import Congregation

    ledger = _ledger()
    points = ledger.points().groupby(["member", "group", "level"], as_index=False)["points"].sum()
    groups = ledger.groups()
    pools = [(c, list(Congregation(ledger, c).pool()["name"])) for c in Congregation.names(ledger)]
    return Standing(points, [(g, list(m)) for g, m in zip(groups["group"], groups["members"])], pools)


def _options(names) -> str:
    return "".join(f'<option value="{html.escape(m)}">{html.escape(m)}</option>' for m in names)


def chooser(prefix: str, xsrf: str, status: str = "", refused: bool = False) -> str:
    known = now()
    crewed = {name_key(m) for _, members in known.roster for m in members}
    # People of a pool who are in no crew yet are listed under their pool; the others under their crews.
    lists = known.roster + [(f"Pool of {c}", [p for p in people if name_key(p) not in crewed]) for c, people in known.pools]
    options = "".join(f'<optgroup label="{html.escape(g)}">{_options(people)}</optgroup>' for g, people in lists if people)
    joins = "".join(f'<p><a class="button" href="{prefix}m/pool?c={html.escape(urllib.parse.quote(c), quote=True)}">New here? Join the pool of '
                    f'{html.escape(c)}</a></p>' for c, _ in known.pools)
    if not options:
        return page("Welcome", joins + '<p>No crew has been set up yet. The facilitator will start one; then reload '
                    f'this page.</p><p><a href="{prefix}m/">Reload</a></p>', status, refused)
    body = (f'<p>Choose your name to see your points and your crews.</p>'
            f'<form method="post" action="{prefix}m/who">{xsrf}'
            f'<label for="who">Who are you?</label><select id="who" name="who" required>'
            f'<option value="">Choose your name</option>{options}</select>'
            f'<button type="submit">That is me</button></form>' + joins)
    return page("Welcome", body, status, refused)


POOL_FIELDS = ("name", "invited_by", "work", "region", "size", "knows")


def spelled(name: str) -> str:
    """A name as the ledger holds it (a person already known keeps their spelling)."""
    typed = clean_name(name, "person's name")
    return _ledger().member_name(typed) or typed


def pool_form(prefix: str, xsrf: str, congregation: str, said: dict | None = None, status: str = "",
              refused: bool = False) -> str:
    """A newcomer at a gathering adds themselves to the congregation's pool, with their answers.
    After a refusal the form comes back as they filled it in, so nothing typed is lost."""
    pools = dict(now().pools)
    if congregation not in pools:
        return page("Join the pool", f'<p>There is no congregation called “{html.escape(congregation)}” here. '
                    f'<a href="{prefix}m/">Back to the first page</a></p>', status, refused)
    said = said or {}
    value = {k: html.escape(str(said.get(k) or ""), quote=True) for k in POOL_FIELDS}
    ticked = set(said.get("slots") or ())
    inviters = "".join(f'<option value="{html.escape(p, quote=True)}"{" selected" if p == said.get("invited_by") else ""}>'
                       f'{html.escape(p)}</option>' for p in pools[congregation])
    sizes = "".join(f'<option value="{n}"{" selected" if str(n) == str(said.get("size")) else ""}>{n} people</option>'
                    for n in range(formation.CREW_RANGE[0], formation.CREW_RANGE[1] + 1))
    days = "".join(
        f'<fieldset class="slots"><legend>{day}</legend>' + "".join(
            f'<label class="tick"><input type="checkbox" name="slots" value="{slot}"{" checked" if slot in ticked else ""}>'
            f' {slot.split()[1]}</label>' for slot in formation.SLOTS if slot.startswith(day[:3])) + "</fieldset>"
        for day in formation.DAY_NAMES)
    body = (f'<p>Say a little about yourself so the hosts can help form crews. Only the hosts see your answers; '
            f'everyone at the gathering sees your name.</p>'
            f'<form method="post" action="{prefix}m/pool">{xsrf}'
            f'<input type="hidden" name="congregation" value="{html.escape(congregation, quote=True)}">'
            f'<label for="name">Your name</label><input id="name" name="name" required maxlength="{MAX_NAME}" '
            f'value="{value["name"]}" autocomplete="name">'
            f'<label for="invited_by">Who invited you?</label><select id="invited_by" name="invited_by">'
            f'<option value="">The hosts</option>{inviters}</select>'
            f'<label for="work">What work is meaningful to you? (a few words, separated by commas)</label>'
            f'<input id="work" name="work" value="{value["work"]}" placeholder="e.g. gardening, co-ops">'
            f'<h2>When can you meet, most weeks?</h2>{days}'
            f'<label for="region">Region or time zone (optional)</label><input id="region" name="region" value="{value["region"]}">'
            f'<label for="size">Crew size you would like (optional)</label><select id="size" name="size">'
            f'<option value="">No preference</option>{sizes}</select>'
            f'<label for="knows">Who here do you already know well? (names, separated by commas; optional)</label>'
            f'<input id="knows" name="knows" value="{value["knows"]}">'
            f'<button type="submit">Join the pool of {html.escape(congregation)}</button></form>')
    return page(f"Join the pool of {congregation}", body, status, refused)


ANSWERS = {"waiting": "waiting for the facilitator", "accepted": "accepted into the round",
           "declined": "declined by the facilitator"}


@functools.lru_cache(maxsize=64)
def group_today(group: str, revision: tuple[int, int], today: dt.date) -> tuple[list[str], pd.DataFrame]:
    """Who checked in for ``group`` today and what its members sent from their phones, as the ledger
    is at ``revision``: read once for all the group's phones."""
    return _ledger().check_ins(group, today), _ledger().proposals(group, today)


def today_forms(prefix: str, xsrf: str, who: str, groups: list[str], revision: tuple[int, int], today: dt.date,
                playing: dict[str, int]) -> str:
    """For each of the member's groups: what it is playing now, checking in for today, sending an
    offer to the speaker or an ask as the speaker, and what became of what they sent today (their own
    only)."""
    parts = []
    for n, group in enumerate(groups):
        name, value = html.escape(group), html.escape(group, quote=True)
        hidden = f'{xsrf}<input type="hidden" name="group" value="{value}">'
        parts.append(f'<h3>{name}</h3>')
        if group in playing:
            parts.append(now_playing(levels.get(playing[group])))
        came, sent = group_today(group, revision, today)
        if who in came:
            parts.append(f'<p>You are checked in for {name} today.</p>')
        else:
            parts.append(f'<form method="post" action="{prefix}m/checkin">{hidden}'
                         f'<button type="submit">Check in for {name} today</button></form>')
        kinds = "".join(f'<option value="{k}">{k}</option>' for k in OFFER_KINDS)
        parts.append(
            f'<details><summary>Offer something to the speaker in {name}</summary><div>'
            f'<form method="post" action="{prefix}m/propose">{hidden}<input type="hidden" name="what" value="offer">'
            f'<label for="kind-{n}">Kind of offer</label><select id="kind-{n}" name="offer_kind">{kinds}</select>'
            f'<label for="note-{n}">Note (optional)</label><input id="note-{n}" name="text" maxlength="500">'
            f'<button type="submit">Send offer to {name}</button></form></div></details>'
            f'<details><summary>Speaking in {name} today? Ask for something</summary><div>'
            f'<form method="post" action="{prefix}m/propose">{hidden}<input type="hidden" name="what" value="ask">'
            f'<label for="ask-{n}">What would help you?</label><input id="ask-{n}" name="text" required maxlength="500">'
            f'<button type="submit">Send ask to {name}</button></form></div></details>')
        sent = sent[sent["member"] == who]
        if len(sent):
            # Kinds and answers only, never the words: anyone holding the join code can choose a name, and
            # an ask or an offer's note is as private as the money round's own texts.
            items = "".join(
                f"<li>Your {html.escape(r.what)}" + (f" ({html.escape(r.offer_kind)})" if r.what == "offer" else "") +
                f" sent at {r.sent}: {ANSWERS[r.answer]}</li>" for r in sent.itertuples())
            parts.append(f'<ul aria-label="Sent to {value} today">{items}</ul>')
    return "<h2>Today</h2>" + "".join(parts) if parts else ""


def now_playing(level: levels.Level) -> str:
    """The level the facilitator has open for a group, with what its round asks of each person."""
    prompts = "".join(f"<li>{html.escape(p)}</li>" for p in level.prompts)
    return (f'<section class="now" aria-label="Now playing"><p><b>Now: Level {level.number}, {html.escape(level.name)}.</b> '
            f'{html.escape(level.about)}</p>' + (f"<ul>{prompts}</ul>" if prompts else "") + "</section>")


@functools.lru_cache(maxsize=2)
def trust_at(revision: tuple[int, int]) -> pd.DataFrame:
    """Every group's trust over time as the ledger is at ``revision``, scored once for all crews."""
    return _ledger().trust_over_time()


def crew_chart(group: str, revision: tuple[int, int]) -> str:
    """The group's trust over time as a picture for a phone (SVG drawn in the server, no script).

    Drawn again only when the group's figures change: a check-in or another crew's round changes the
    ledger's revision but not this picture, and drawing takes about a tenth of a second."""
    trust = trust_at(revision)
    return _drawn(group, Figures.of(trust[trust["group"] == group].reset_index(drop=True)))


@dataclass(frozen=True)
class Figures:
    """A table that is equal to (and hashes as) any other with the same contents."""

    digest: str
    frame: pd.DataFrame = field(compare=False)

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "Figures":
        return cls(hashlib.sha256(pd.util.hash_pandas_object(frame).to_numpy().tobytes()).hexdigest(), frame)


@functools.lru_cache(maxsize=64)
def _drawn(group: str, figures: Figures) -> str:
    chart = charts.trust_chart(figures.frame, title=f"Trust in {group} over time")
    svg = export.chart_svg(chart, width=PHONE_CHART_WIDTH).decode("utf-8")
    # The figures are in the table under it, so the picture is described rather than read out.
    return (f'<figure role="img" aria-label="Line chart: each member\'s points so far in {html.escape(group, quote=True)}; '
            f'the table below gives the figures">{svg}</figure>')


def prepare() -> None:
    """Score the ledger and draw every crew's chart as it is now, before the phones ask.

    The server calls this in a worker thread each time the ledger changes: after a record every phone
    in the room reloads at once, and the first of a crew would otherwise wait for its chart (drawing
    leaves the interpreter free, so the server goes on answering meanwhile)."""
    ready_at(_ledger().revision())


@functools.lru_cache(maxsize=1)
def ready_at(revision: tuple[int, int]) -> None:
    # Once per revision: the server asks every second, and an unchanged ledger needs nothing new.
    for group, _ in standing(revision).roster:
        crew_chart(group, revision)


XSRF_SLOT = "\x00xsrf\x00"  # where each browser's own form token goes into a body shared by all of them


def member_page(prefix: str, who: str, xsrf: str, status: str = "", refused: bool = False) -> str:
    today, revision = dt.date.today(), _ledger().revision()
    playing = room.playing(today)
    # What their own groups play is part of the page; another group's page opening elsewhere is not.
    mine = tuple((g, playing[g]) for g, people in standing(revision).roster if who in people and g in playing)
    body = member_body(prefix, who, revision, today, mine)
    return page(f"Hello, {who}", body.replace(XSRF_SLOT, xsrf), status, refused)


@functools.lru_cache(maxsize=128)
def member_body(prefix: str, who: str, revision: tuple[int, int], today: dt.date,
                playing: tuple[tuple[str, int], ...]) -> str:
    """A member's page as the ledger is at ``revision``: built once per member and change, since a
    room's phones all reload at the same moments (after each record)."""
    known = standing(revision)
    points, groups = known.points, known.roster
    mine = points[points["member"] == who]
    by_level = mine.groupby("level")["points"].sum()
    rows = "".join(f'<tr><td>Level {lvl}</td><td class="num">{int(by_level.get(lvl, 0))}</td></tr>' for lvl in levels.numbers())
    total = int(mine["points"].sum())
    own = (f'<h2>Your points</h2><table><caption class="muted">By level, in all your groups</caption>'
           f'<thead><tr><th scope="col">Level</th><th scope="col" class="num">Points</th></tr></thead>'
           f'<tbody>{rows}</tbody><tfoot><tr><td>Total</td><td class="num">{total}</td></tr></tfoot></table>')
    crews, mine_groups = [], []
    for group, members in groups:
        if who not in members:
            continue
        mine_groups.append(group)
        here = points[points["group"] == group].groupby("member")["points"].sum()
        chart = crew_chart(group, revision)
        lines = "".join(f'<tr><td>{html.escape(m)}</td><td class="num">{int(here.get(m, 0))}</td></tr>' for m in members)
        crews.append(f'<h2>{html.escape(group)}</h2>{chart}<table><thead><tr><th scope="col">Member</th>'
                     f'<th scope="col" class="num">Points</th></tr></thead><tbody>{lines}</tbody>'
                     f'<tfoot><tr><td>{html.escape(group)} in all</td><td class="num">{int(here.sum())}</td></tr></tfoot></table>')
    prompts = "".join(
        f"<details><summary>Level {level.number}: {level.name}</summary><div>{level.scoring}</div></details>"
        for level in levels.all_levels())
    # No script, so nothing moves by itself (a half-typed offer is never wiped): a link brings the news.
    pooled = "".join(f"<p>You are in the pool of {html.escape(c)}. The hosts form crews from it at a gathering; "
                     f"once you are in one, your crew shows here.</p>"
                     for c, people in known.pools if who in people and not mine_groups)
    body = (f'<p><a href="{prefix}m/">Refresh: what is happening now</a></p>' + pooled +
            today_forms(prefix, XSRF_SLOT, who, mine_groups, revision, today, dict(playing)) + own + "".join(crews) +
            "<h2>How each level works</h2>" + prompts +
            f'<p><a href="{prefix}m/?choose=1">Not {html.escape(who)}? Choose your name again</a></p>')
    return body


def handlers(base_url: str, codes: MemberCodes) -> list[tuple]:
    """Tornado routes of the member side (and the plain pages that replace Jupyter's login)."""
    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado.log import app_log
    from tornado.web import Finish, HTTPError, RequestHandler

    from .congregation import Congregation
    from .errors import LedgerError
    from .events import CheckIn, Proposal

    class MemberHandler(RequestHandler):
        """Member pages: a valid join code in a signed cookie, else a short page asking for one."""

        def set_default_headers(self):
            self.set_header("Cache-Control", "no-store")
            self.set_header("X-Frame-Options", "DENY")
            self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                       "form-action 'self'; frame-ancestors 'none'")

        def prepare(self):
            if not guard.host_allowed(self):
                self.send_error(403)
                return
            code = self.get_signed_cookie(MEMBER_COOKIE, max_age_days=COOKIE_DAYS)
            if not codes.valid(code.decode() if code else None):
                # e.g. a phone that slept while the code was renewed or the server restarted
                self.set_status(403)
                self.finish(ask_for_code(self.unsent()))

        def log_exception(self, typ, value, tb):
            if isinstance(value, LedgerError):  # said to the phone in words; one line for the terminal
                app_log.warning("A member page could not read the ledger: %s", value)
            else:
                super().log_exception(typ, value, tb)

        def write_error(self, status_code, **kwargs):
            # Whatever a page failed on (a ledger busy, damaged or gone), the phone gets words, never
            # Tornado's bare error page; what was typed comes back with them.
            exc = kwargs.get("exc_info", (None, None, None))[1]
            if exc is None or isinstance(exc, HTTPError):  # no ledger involved
                why = ("This address does not lead to the workbook's pages." if status_code == 403 else
                       "There is nothing here. Open the members' page the facilitator gave you.")
                return self.finish(guard.plain_page("Not here", why))
            why = str(exc) if isinstance(exc, LedgerError) else "Something went wrong on the facilitator's laptop."
            # A form that failed before its record says so; a page that failed to show only asks again.
            nothing = " Nothing was recorded;" if self.request.method == "POST" else ""
            self.finish(page("The workbook cannot answer just now", kept(self.unsent()),
                             f"{why}{nothing} try again in a moment, or tell the facilitator.", refused=True))

        def unsent(self) -> dict[str, str]:
            """What the member typed into the form this request carried, by field (none for a GET)."""
            if self.request.method != "POST":
                return {}
            return {k: ", ".join(self.get_body_arguments(k)) for k in TYPED if self.get_body_arguments(k)}

        def check_xsrf_cookie(self):
            # A phone's browser may drop the form's cookie while it sleeps; say so, keeping what was typed,
            # instead of Tornado's bare "403: Forbidden".
            try:
                super().check_xsrf_cookie()
            except HTTPError:
                self.set_status(403)
                self.finish(page("Please send it again", f'<p><a href="{base_url}m/">Back to your page</a></p>' +
                                 kept(self.unsent()), "This page was open too long to send its form safely.", refused=True))
                raise Finish() from None

        def who(self) -> str | None:
            value = self.get_signed_cookie(WHO_COOKIE, max_age_days=COOKIE_DAYS)
            return value.decode() if value else None

        def same_origin(self) -> bool:
            return guard.cross_origin(self.request) is None

        def xsrf(self) -> str:
            return self.xsrf_form_html()

    class JoinHandler(MemberHandler):
        def prepare(self):
            if not guard.host_allowed(self):
                self.send_error(403)

        def get(self, code):
            if not codes.valid(code):
                self.set_status(403)
                return self.finish(ask_for_code())
            self.set_signed_cookie(MEMBER_COOKIE, code, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
            self.redirect(url_path_join(base_url, "m/"))

    class HomeHandler(MemberHandler):
        def get(self):
            who = self.who()
            if who is None or self.get_argument("choose", None):
                return self.finish(chooser(base_url, self.xsrf()))
            return self.finish(member_page(base_url, who, self.xsrf()))

    class FormHandler(MemberHandler):
        """A form's address: opened by itself (a reload after a refusal, a bookmark), it leads to the page."""

        def get(self):
            self.redirect(url_path_join(base_url, "m/"))

    class MemberRecord(FormHandler):
        """A form by which a member records something of their own (``event``), through the same rules
        as any record; then the page again, by GET, so reloading it does not send the form twice."""

        failed = "Not recorded"

        def event(self, who: str):
            raise NotImplementedError

        def post(self):
            self.check_xsrf_cookie()
            who = self.who()
            if not self.same_origin() or who is None:
                self.set_status(403)
                return self.finish(page("Refused", "", "Open the workbook's member page and choose your name first.", refused=True))
            try:
                _ledger().record(self.event(who))
            except LedgerError as exc:
                # The page again with the reason, where the member is: nothing is lost without a word.
                self.set_status(400)
                return self.finish(member_page(base_url, who, self.xsrf(), f"{self.failed}: {exc}", refused=True))
            self.redirect(url_path_join(base_url, "m/"))

    class CheckInHandler(MemberRecord):
        """A member checks in for today from their phone."""

        failed = "Not checked in"

        def event(self, who: str):
            return CheckIn(self.get_body_argument("group", ""), dt.date.today(), who)

    class ProposeHandler(MemberRecord):
        """An offer to the speaker, or the speaker's ask, from a phone: it waits for the facilitator."""

        failed = "Not sent"

        def event(self, who: str):
            said = {k: self.get_body_argument(k, "") or None for k in ("group", "what", "text", "offer_kind")}
            return Proposal(said["group"] or "", dt.date.today(), who, said["what"] or "", said["text"], said["offer_kind"])

    class WhoHandler(FormHandler):
        def post(self):
            self.check_xsrf_cookie()
            if not self.same_origin():
                self.set_status(403)
                return self.finish(page("Refused", "", "This form can only be sent from the workbook's own page.", refused=True))
            wanted = self.get_body_argument("who", "")
            name = now().names().get(name_key(wanted)) if wanted.strip() else None
            if name is None:
                self.set_status(400)
                return self.finish(chooser(base_url, self.xsrf(), "Choose your name from the list; nothing was changed.", refused=True))
            self.set_signed_cookie(WHO_COOKIE, name, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
            self.redirect(url_path_join(base_url, "m/"))

    class PoolHandler(MemberHandler):
        """A newcomer adds themselves to a congregation's pool from their phone, through the same API
        (and checks) as the hosts' page; their answers stay private to the hosts."""

        def get(self):
            return self.finish(pool_form(base_url, self.xsrf(), self.get_argument("c", "")))

        def post(self):
            self.check_xsrf_cookie()
            congregation = self.get_body_argument("congregation", "")
            said = {k: self.get_body_argument(k, "").strip() for k in POOL_FIELDS}
            said["slots"] = self.get_body_arguments("slots")
            if not self.same_origin():
                self.set_status(403)
                return self.finish(page("Refused", "", "This form can only be sent from the workbook's own page.", refused=True))
            answers = {"work": said["work"], "slots": said["slots"], "region": said["region"] or None,
                       "size": said["size"] or None, "knows": said["knows"]}
            try:
                pool = Congregation(_ledger(), congregation)
                if said["invited_by"]:
                    pool.invite(said["invited_by"], said["name"], answers=answers)
                else:
                    pool.add_person(said["name"], answers=answers)
            except LedgerError as exc:
                self.set_status(400)
                return self.finish(pool_form(base_url, self.xsrf(), congregation, said, f"Not added: {exc}", refused=True))
            # The phone now speaks for the newcomer (as the ledger spells them), and their page says they are
            # in the pool. Recorded already: whatever fails after this is the page's, not the record's.
            self.set_signed_cookie(WHO_COOKIE, spelled(said["name"]), expires_days=COOKIE_DAYS, httponly=True,
                                   samesite="Lax")
            self.redirect(url_path_join(base_url, "m/"))

    class RenewHandler(JupyterHandler):
        """The facilitator replaces the join code (from the landing page): old join addresses stop working."""

        def check_xsrf_cookie(self):
            pass  # the same-origin check below stands in: Voilà's server has no XSRF cookies

        def post(self):
            if not self.current_user or guard.cross_origin(self.request) or \
                    self.request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
                self.set_status(403)
                return self.finish(guard.plain_page("Refused", "Only the facilitator's own landing page can renew the code."))
            codes.renew()
            self.redirect(url_path_join(base_url, "") + "#members")

    class LoginHandler(RequestHandler):
        """Instead of Jupyter's login page (which talks of servers and passwords): who to ask."""

        def get(self):
            self.set_status(403)
            self.set_header("Cache-Control", "no-store")
            self.finish(ask_for_code())

        post = get

    return [
        (url_path_join(base_url, r"join/([^/]+)"), JoinHandler),
        (url_path_join(base_url, r"m/"), HomeHandler),
        (url_path_join(base_url, r"m/who"), WhoHandler),
        (url_path_join(base_url, r"m/checkin"), CheckInHandler),
        (url_path_join(base_url, r"m/propose"), ProposeHandler),
        (url_path_join(base_url, r"m/pool"), PoolHandler),
        (url_path_join(base_url, r"microsolidarity/members/renew"), RenewHandler),
        (url_path_join(base_url, r"login"), LoginHandler),
    ]


def landing(codes: MemberCodes | None, base_url: str):
    """The members' part of the facilitator's landing page: the join address, its QR code and renewal."""
    from markupsafe import Markup

    if codes is None:
        return Markup("")
    url = html.escape(codes.join_url)
    return Markup(f'<section id="members" class="members"><h2>Members join from their phones</h2>'
            f'<p>Show this code to the room, or read out the address: <a href="{url}">{url}</a></p>'
            f'<div class="qr">{codes.qr_svg()}</div>'
            f'<form method="post" action="{html.escape(base_url)}microsolidarity/members/renew">'
            f'<button type="submit">Give members a new code</button></form>'
            f'<p class="hint">A new code stops the old address from working; everyone joins again with the new one.</p>'
            f"</section>")
