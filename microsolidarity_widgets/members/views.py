"""The member pages as HTML: Jinja2 templates (``templates/``) with autoescaping, so whatever a
person typed reaches the page escaped, and pages that carry no script at all.

The functions that take a ledger read it (through ``standing``) and run in the server's worker
threads; ``page``, ``kept`` and ``ask_for_code`` read nothing.
"""

from __future__ import annotations

import datetime as dt
import functools

import jinja2
from markupsafe import Markup

from .. import formation, guard, i18n, levels, room
from ..seasons import phone as retro_phone
from ..i18n import N_
from ..holds import NameHolds, told_apart
from ..values import MAX_NAME, name_key, new_once_key
from . import standing
from .codes import MemberCodes

PHONE_STYLE = guard.PLAIN_STYLE + """
  main { padding-top: 1.2rem; }
  h2 { font-size: 1.3rem; margin: 1.6rem 0 0.6rem; }
  label { display: block; font-weight: 600; margin: 0.6rem 0 0.3rem; }
  h3 { font-size: 1.1rem; margin: 1rem 0 0.4rem; }
  select, input, textarea, button, .button { font: inherit; font-size: 1rem; min-height: 48px; border-radius: 0.4rem; }
  textarea { min-height: 6rem; padding: 0.4rem 0.6rem; }
  select, input, textarea { width: 100%; box-sizing: border-box; padding: 0 0.6rem; border: 2px solid #6b7785; background: #fff; color: var(--ink); }
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
  nav.languages { margin-top: 2rem; border-top: 1px solid var(--line); }
  nav.languages ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0 1.2rem; }
  nav.languages b { display: inline-block; line-height: 44px; }
"""

XSRF_SLOT = "\x00xsrf\x00"  # where each browser's own form token goes into a body shared by all of them
ONCE_SLOT = "\x00once\x00"  # where each form's one-time key goes, afresh each time the page is shown

# What a phone's forms ask, by field, as the answers are shown back when a form cannot be taken.
TYPED = {"text": N_("What you wrote"), "name": N_("Your name"),
         "invited_by": N_("Invited by"), "work": N_("Meaningful work"), "slots": N_("When you can meet"),
         "region": N_("Region or time zone"), "size": N_("Crew size"), "knows": N_("Whom you know well")}

POOL_FIELDS = ("name", "invited_by", "work", "region", "size", "knows")

# The parts of a day a pool answer names (kept as they are in the form) as a phone says them.
PARTS = {"morning": N_("morning"), "afternoon": N_("afternoon"), "evening": N_("evening")}


def typed() -> dict[str, str]:
    """``TYPED`` and what the levels' and the retrospective's phone forms ask (each names its own fields)."""
    return TYPED | {k: v for lv in levels.phone_forms() for k, v in lv.phone.typed.items()} | {
        k: v for form in retro_phone.FORMS for k, v in form.typed.items()}


@functools.cache
def templates(lang: str) -> jinja2.Environment:
    """The templates in ``lang``: one environment per language (each compiles its templates once), so
    two phones reading different languages at the same moment never share a translation."""
    # The member pages' own templates, and each level's phone form from its folder ("level/2/phone.html").
    # The plain page they extend is the package's own (templates/plain.html), as the server's refusals are.
    loader = jinja2.ChoiceLoader([jinja2.PackageLoader(__package__, "templates"),
                                  jinja2.PackageLoader("microsolidarity_widgets", "templates"),
                                  jinja2.FunctionLoader(levels.phone_template)])
    env = jinja2.Environment(loader=loader, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
                             extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True  # a message's line breaks in the template are not part of it
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)
    env.globals.update(w=i18n.words(lang), languages=i18n.LANGUAGES)
    return env


def render(template: str, w: i18n.Words, **values) -> Markup:
    return Markup(templates(w.lang).get_template(template).render(**values))


def page(title: str, body: str = "", status: str = "", refused: bool = False, switch: str = "",
         w: i18n.Words | None = None) -> str:
    """A member page around ``body`` (markup: a template's output), with ``status`` said in words; with
    ``switch`` (the member page's address), links to read it in another language. ``w``: the reader's
    language (each view takes one; the facilitator's by default)."""
    w = w or i18n.words()
    return render("page.html", w, title=title, body=Markup(body), status=status, refused=refused,
                  style=Markup(PHONE_STYLE), switch=switch)


def kept(unsent: dict[str, list[str]], resend: dict | None = None, intro: str = "", back: str = "",
         w: i18n.Words | None = None) -> Markup:
    """What a member typed into a form that could not be taken, shown back to them (each field's
    answers as a list in their language). With ``resend`` (``action``, ``xsrf`` and the form's
    ``fields``), a button sends the same form again; with ``back`` (the server's base address), a link
    leads back to the member's page."""
    w = w or i18n.words()
    named = typed()
    rows = [(w._(named[k]), w.list(map(functools.partial(slot_words, w), values) if k == "slots" else values))
            for k, values in unsent.items() if k in named and any(v.strip() for v in values)]
    intro = intro or w._("Nothing was sent. What you wrote, to send again once you are back in:")
    return render("kept.html", w, rows=rows, intro=intro, resend=resend, back=back)


def slot_words(w: i18n.Words, slot: str) -> str:
    """A slot as the ledger keeps it ("Mon evening") in the reader's words ("lunes, noche"); anything
    else as it came."""
    day, _, part = slot.partition(" ")
    if day not in formation.DAYS or part not in PARTS:
        return slot
    return w._("%(day)s %(part)s", day=w.day_names()[formation.DAYS.index(day)], part=w._(PARTS[part]))


def ask_for_code(unsent: dict[str, list[str]] | None = None, w: i18n.Words | None = None) -> str:
    w = w or i18n.words()
    body = render("code.html", w) + kept(unsent or {}, w=w)
    return page(w._("Ask the facilitator for the code"), body, w=w)


def chooser(ledger, prefix: str, xsrf: str, status: str = "", refused: bool = False,
            w: i18n.Words | None = None) -> str:
    w = w or i18n.words()
    known = standing.now(ledger)
    crewed = {name_key(m) for _, members in known.roster for m in members}
    # People of a pool who are in no crew yet are listed under their pool; the others under their crews.
    lists = known.roster + [(w._("Pool of %(congregation)s", congregation=c),
                             [p for p in people if name_key(p) not in crewed]) for c, people in known.pools]
    lists = [(label, people) for label, people in lists if people]
    # Names that pass for each other ("Zoe" and "Zoë", a Cyrillic "А") say what tells them apart.
    marks = told_apart(list(dict.fromkeys(p for _, people in lists for p in people)))
    body = render("chooser.html", w, prefix=prefix, xsrf=Markup(xsrf), pools=[c for c, _ in known.pools],
                  lists=lists, marks=marks)
    return page(w._("Welcome"), body, status, refused, switch=f"{prefix}m/", w=w)


def pool_form(ledger, prefix: str, xsrf: str, congregation: str, said: dict | None = None, status: str = "",
              refused: bool = False, w: i18n.Words | None = None) -> str:
    """The form by which a newcomer joins ``congregation``'s pool, filled in with ``said``."""
    w = w or i18n.words()
    pools = dict(standing.now(ledger).pools)
    said = {k: str((said or {}).get(k) or "") for k in POOL_FIELDS} | {"slots": set((said or {}).get("slots") or ())}
    # Days named by Babel in the reader's language; the slots' values stay the ledger's ("Mon evening").
    days = [(name, [(s, w._(PARTS[s.split()[1]])) for s in formation.SLOTS if s.startswith(day[:3])])
            for day, name in zip(formation.DAY_NAMES, w.day_names())]
    body = render("pool.html", w, prefix=prefix, xsrf=Markup(xsrf), once=new_once_key(), congregation=congregation,
                  pools=pools, said=said,
                  max_name=MAX_NAME, days=days, sizes=range(formation.CREW_RANGE[0], formation.CREW_RANGE[1] + 1))
    title = (w._("Join the pool of %(congregation)s", congregation=congregation) if congregation in pools
             else w._("Join the pool"))
    return page(title, body, status, refused, w=w)


def member_page(prefix: str, who: str, xsrf: str, status: str = "", refused: bool = False, ledger=None,
                w: i18n.Words | None = None) -> str:
    w = w or i18n.words()
    ledger = ledger or standing._ledger()
    today, revision = dt.date.today(), ledger.revision()
    playing = room.playing(today)
    # What their own groups play is part of the page; another group's page opening elsewhere is not.
    mine = tuple((g, playing[g]) for g, people in standing.standing(ledger, revision).roster
                 if who in people and g in playing)
    body = member_body(ledger, prefix, who, revision, today, mine, w)
    first, *rest = body.split(ONCE_SLOT)
    body = first + "".join(new_once_key() + after for after in rest)
    return page(w._("Hello, %(name)s", name=who), body.replace(XSRF_SLOT, xsrf), status, refused,
                switch=f"{prefix}m/", w=w)


@functools.lru_cache(maxsize=128)
def member_body(ledger, prefix: str, who: str, revision: tuple[int, int], today: dt.date,
                playing: tuple[tuple[str, int], ...], w: i18n.Words) -> str:
    """A member's page as the ledger is at ``revision``, in ``w``'s language: built once per member,
    language and change, since a room's phones all reload at the same moments (after each record)."""
    known = standing.standing(ledger, revision)
    registered = {lv.number: lv for lv in levels.all_levels()}
    points = known.points
    mine = points[points["member"] == who]
    by_level = mine.groupby("level")["points"].sum()
    groups = [group for group, members in known.roster if who in members]
    crews = []
    for group, members in known.roster:
        if who in members:
            here = points[points["group"] == group].groupby("member")["points"].sum()
            crews.append({"name": group, "chart": Markup(standing.crew_chart(ledger, group, revision, w)),
                          "rows": [(m, int(here.get(m, 0))) for m in members], "total": int(here.sum())})
    # A level the server does not know (a crew's own, registered only in its page's kernel) is shown as
    # nothing being played, rather than failing the member's whole page.
    playing = {group: known_level for group, number in playing if (known_level := registered.get(number))}
    today_groups = []
    for group in groups:
        came, sent = standing.group_today(ledger, group, revision, today)
        today_groups.append({"name": group, "level": playing.get(group),
                             "checked_in": who in came,
                             # what they sent from phones today, told by the form it came from
                             "sent": list(sent[sent["member"] == who].itertuples()),
                             # the crew's retrospective today, as this member may see it (their own words only)
                             "retro": retro_phone.of(ledger, group, who, today, w)})
    return str(render(
        "member.html", w, prefix=prefix, who=who, xsrf=Markup(XSRF_SLOT), once=ONCE_SLOT, today=today_groups,
        phone_forms=[{"template": f"level/{lv.number}/{lv.phone.template}", "action": f"{prefix}m/{lv.phone.route}",
                      **lv.phone.values} for lv in levels.phone_forms()],
        pooled=[c for c, people in known.pools if who in people and not groups],
        by_level=[(lvl, int(by_level.get(lvl, 0))) for lvl in levels.numbers()], total=int(mine["points"].sum()),
        crews=crews, levels=[{"number": lv.number, "name": w._(lv.name), "scoring": Markup(lv.scoring_in(w))}
                             for lv in levels.all_levels()]))


def names_page(held: NameHolds, prefix: str, action: str, status: str = "", w: i18n.Words | None = None) -> str:
    """The facilitator's page of the names phones hold, each with a button that frees it (in the
    facilitator's language)."""
    w = w or i18n.words()
    holds = held.held()
    body = render("names.html", w, holds=holds, marks=told_apart([h.name for h in holds]), action=action, prefix=prefix)
    return page(w._("Names chosen on phones"), body, status, w=w)


def landing(codes: MemberCodes | None, base_url: str):
    """The members' part of the facilitator's landing page: the join address, its QR code and renewal."""
    from ..templating import render

    if codes is None:
        return Markup("")
    return render("members.html", url=codes.join_url, qr=Markup(codes.qr_svg()), base_url=base_url)
