"""The member side's Tornado routes: module-level handlers given what they use through ``initialize``.

The server's event loop never waits on the ledger. Pages are prepared and records are written in
worker threads (two small pools, so phones sending forms while the ledger is locked cannot hold up
the pages other phones are reading), and a record waits for the ledger's lock only a few seconds:
then the phone is told the workbook is busy, with its words given back to send again.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from markupsafe import Markup
from tornado.ioloop import IOLoop
from tornado.log import app_log
from tornado.web import Finish, HTTPError, RequestHandler

from .. import guard, holds, i18n, levels, storage
from ..errors import AlreadyRecorded, LedgerBusy, LedgerError, LedgerFileError, LedgerFull, LedgerReadOnly
from ..rules import CheckIn
from ..i18n import N_
from ..seasons import phone as retro_phone
from ..values import name_key
from . import standing, views
from .codes import MemberCodes, WrongCodes

MEMBER_COOKIE = "ms_member"  # the join code this browser was let in with
WHO_COOKIE = "ms_who"  # the member this browser speaks for
PHONE_COOKIE = "ms_phone"  # this browser's own id: the name it chose is held for it (``holds``)
LANGUAGE_COOKIE = "ms_lang"  # the language chosen on this phone (else its browser's, else the facilitator's)
COOKIE_DAYS = 1  # a gathering, not a lifetime

# How long a phone's record waits for another process's write to finish: a few seconds, then "busy".
WRITE_PATIENCE = 3.0

# Worker threads: pages (reading the ledger, scoring, drawing) and records (waiting for the lock).
PAGES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="member-pages")
RECORDS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="member-records")

ALREADY_SENT = N_("Already sent: this was recorded the first time you sent it, so nothing was added.")
GARBLED = N_("Some of what this form carried is not text the workbook can read (the phone sent characters "
             "in an encoding other than UTF-8), so nothing was recorded. What could be read is below; "
             "type it again if anything looks wrong, and send it from the workbook's own page.")
# Tornado reads at most 1,000 fields of a form (its default); ours have a dozen at most.
CROWDED = N_("This form carried more than 1,000 answers, far more than any of the workbook's forms has, "
             "so nothing was recorded. Send it again from the workbook's own page.")
UNREADABLE = N_("This form could not be read, so nothing was recorded. Send it again from the workbook's own page.")
OTHER_SITE = N_("This form can only be sent from the workbook's own page.")


def said_to_phone(exc: LedgerError, w: i18n.Words | None = None) -> str:
    """Why a ledger refused, in words for a member: a file's trouble is named without its path (that
    is the facilitator's to know), a rule's refusal as the rules said it (in the phone's language: the
    record thread speaks it, see ``recorded``)."""
    w = w or i18n.words()
    if isinstance(exc, LedgerBusy):
        return w._("The workbook is busy saving something else just now.")
    if isinstance(exc, LedgerReadOnly):
        return w._("The workbook's ledger is read-only on the facilitator's laptop, so nothing can be recorded "
                   "until they make it writable. Tell the facilitator.")
    if isinstance(exc, LedgerFull):
        return w._("The disk of the facilitator's laptop is full, so nothing can be recorded until they free "
                   "some space. Tell the facilitator.")
    if isinstance(exc, LedgerFileError):
        return w._("The workbook's ledger cannot be used just now. Tell the facilitator.")
    return str(exc)


def phone_words(handler: RequestHandler) -> i18n.Words:
    """The language a phone reads: one chosen on it (``?lang=``, then kept in a cookie), else its
    browser's ``Accept-Language``, else the facilitator's. Each request carries its own: phones and
    the facilitator may read different languages at the same moment."""
    chosen = i18n.known(handler.get_query_argument("lang", None))
    if chosen:
        handler.set_cookie(LANGUAGE_COOKIE, chosen, expires_days=365, httponly=True, samesite="Lax")
    lang = (chosen or i18n.known(handler.get_cookie(LANGUAGE_COOKIE))
            or i18n.negotiate(handler.request.headers.get("Accept-Language")))
    return i18n.words(lang)


class MemberHandler(RequestHandler):
    """Member pages: a valid join code in a signed cookie, else a short page asking for one."""

    def initialize(self, codes: MemberCodes, base_url: str, ledger: Callable = standing._ledger,
                   pages: ThreadPoolExecutor = PAGES, records: ThreadPoolExecutor = RECORDS,
                   patience: float = WRITE_PATIENCE, wrong_codes: WrongCodes = WrongCodes()):
        self.codes, self.base_url, self.ledger = codes, base_url, ledger
        self.pages, self.records, self.patience, self.wrong_codes = pages, records, patience, wrong_codes
        self.garbled = False  # a field of the request that was not UTF-8
        self.w = i18n.words()  # the phone's language, once ``prepare`` has read it

    def set_default_headers(self):
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                   "form-action 'self'; frame-ancestors 'none'")

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        # Tornado answers bytes that are not UTF-8 with a bare 400; read what can be read, and let
        # the form say so in words (see ``refuse_unreadable``).
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            self.garbled = True
            return value.decode("utf-8", "replace")

    def prepare(self):
        self.w = phone_words(self)
        if not guard.host_allowed(self):
            self.send_error(403)
            return
        code = self.get_signed_cookie(MEMBER_COOKIE, max_age_days=COOKIE_DAYS)
        if not self.codes.valid(code.decode() if code else None):
            # e.g. a phone that slept while the code was renewed or the server restarted
            self.set_status(403)
            self.finish(views.ask_for_code(self.unsent(), w=self.w))
            return
        self.form()  # reading it notes any field that is not text
        if self.garbled:
            self.set_status(400)
            self.finish(self.refusal(self.w._("Not sent"), self.w._(GARBLED), self.kept()))

    def form(self) -> dict[str, list[str]]:
        """The fields of the form this request carried, as text (none for a GET).

        When Tornado refused to read the body (more fields than it takes), the fields a member types
        are read from it here, so that they can be shown back."""
        if self.request.method != "POST":
            return {}
        fields = self.request.body_arguments
        if not fields and self.request.body:
            # As Tornado reads a form: bytes kept as they came, to be decoded field by field.
            raw = urllib.parse.parse_qs(self.request.body.decode("latin1"), keep_blank_values=True)
            fields = {k: [v.encode("latin1") for v in values] for k, values in raw.items() if k in views.typed()}
        return {k: [self.decode_argument(v) for v in values] for k, values in fields.items()}

    def log_exception(self, typ, value, tb):
        if isinstance(value, LedgerError):  # said to the phone in words; one line for the terminal
            app_log.warning("A member page could not read the ledger: %s", value)
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code, **kwargs):
        # Whatever a page failed on (a ledger busy, damaged or gone), the phone gets words, never
        # Tornado's bare error page; what was typed comes back with them.
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, HTTPError) and (exc.log_message or "").startswith("Invalid body"):
            why = CROWDED if "Max number of fields" in exc.log_message else UNREADABLE
            return self.finish(self.refusal(self.w._("Not sent"), self.w._(why), self.kept()))
        if exc is None or isinstance(exc, HTTPError):  # no ledger involved
            why = (self.w._("This address does not lead to the workbook's pages.") if status_code == 403 else
                   self.w._("There is nothing here. Open the members' page the facilitator gave you."))
            return self.finish(views.page(self.w._("Not here"), "", why, w=self.w))
        if isinstance(exc, LedgerBusy) and self.request.method == "POST":
            return self.busy()
        why = (said_to_phone(exc, self.w) if isinstance(exc, LedgerError)
               else self.w._("Something went wrong on the facilitator's laptop."))
        if not isinstance(exc, LedgerFileError):  # those say all there is to say, and that nothing is recorded
            # A form that failed before its record says so; a page that failed to show only asks again.
            then = (self.w._("Nothing was recorded; try again in a moment, or tell the facilitator.")
                    if self.request.method == "POST" else self.w._("Try again in a moment, or tell the facilitator."))
            why = f"{why} {then}"
        self.finish(self.refusal(self.w._("The workbook cannot answer just now"), why, self.kept()))

    def refusal(self, title: str, why: str, body: str = "") -> str:
        return views.page(title, body, why, refused=True, w=self.w)

    def kept(self, **kwargs) -> Markup:
        return views.kept(self.unsent(), w=self.w, **kwargs)

    def unsent(self) -> dict[str, list[str]]:
        """What the member typed into the form this request carried, by field (none for a GET)."""
        return {k: values for k, values in self.form().items() if k in views.typed() and values}

    def check_xsrf_cookie(self):
        # A phone's browser may drop the form's cookie while it sleeps; say so, keeping what was typed,
        # instead of Tornado's bare "403: Forbidden".
        try:
            super().check_xsrf_cookie()
        except HTTPError:
            self.set_status(403)
            self.finish(self.refusal(self.w._("Please send it again"),
                                     self.w._("This page was open too long to send its form safely."),
                                     self.kept(back=self.base_url)))
            raise Finish() from None

    def who(self) -> str | None:
        value = self.get_signed_cookie(WHO_COOKIE, max_age_days=COOKIE_DAYS)
        return value.decode() if value else None

    def phone(self) -> str | None:
        value = self.get_signed_cookie(PHONE_COOKIE, max_age_days=COOKIE_DAYS)
        return value.decode() if value else None

    def own_phone(self) -> str:
        """This browser's id, given to it now if it has none yet."""
        phone = self.phone()
        if phone is None:
            phone = holds.new_phone()
            self.set_signed_cookie(PHONE_COOKIE, phone, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
        return phone

    def speaks_for(self, who: str | None) -> bool:
        """Whether this phone holds ``who`` now: not once the facilitator freed the name, nor after a new code."""
        return who is not None and self.codes.holds.holds(who, self.phone())

    def same_origin(self) -> bool:
        return guard.cross_origin(self.request) is None

    def xsrf(self) -> str:
        return self.xsrf_form_html()

    async def shown(self, view, *args, **kwargs):
        """``view(ledger, *args)`` worked out in a page thread: reading and scoring never hold up the loop."""
        kwargs.setdefault("w", self.w)

        def show():
            with i18n.speaking(self.w.lang):  # the model's words (a chart, a refusal) in the phone's language
                return view(self.ledger(), *args, **kwargs)

        return await IOLoop.current().run_in_executor(self.pages, show)

    async def recorded(self, action):
        """``action(ledger)`` in a record thread, waiting for the ledger's lock ``patience`` seconds
        at most (from now: time spent queueing for a thread counts). It raises ``LedgerBusy`` when the
        lock did not come, and has then recorded nothing; it is never left running after that."""
        deadline = time.monotonic() + self.patience

        def attempt():
            # A rule's refusal is said in the phone's language: the thread does not inherit the request's context.
            with storage.patience(deadline), i18n.speaking(self.w.lang):
                return action(self.ledger())

        return await IOLoop.current().run_in_executor(self.records, attempt)

    def busy(self, unsent: dict[str, list[str]] | None = None):
        """The answer to a form the ledger's lock kept out: busy, the words kept, one button to send again."""
        self.set_status(503)
        self.set_header("Retry-After", "5")
        fields = [(k, v) for k, values in self.form().items() if k != "_xsrf" for v in values]
        again = {"action": self.request.path, "xsrf": Markup(self.xsrf()), "fields": fields}
        return self.finish(self.refusal(
            self.w._("Busy just now"),
            self.w._("The workbook is busy saving something else just now, so this was not sent. Your words "
                     "are kept: send them again in a moment."),
            views.kept(self.unsent() if unsent is None else unsent, again, w=self.w,
                       intro=self.w._("Your words are kept here; nothing was recorded yet:"))))


class JoinHandler(MemberHandler):
    """A join address: the right code lets this browser in; tries with wrong codes are counted per client."""

    def prepare(self):
        self.w = phone_words(self)
        if not guard.host_allowed(self):
            self.send_error(403)

    def get(self, code):
        client = self.request.remote_ip or "?"
        if self.wrong_codes.throttled(client):
            self.summary_due()
            self.set_status(429)
            self.set_header("Retry-After", str(int(WrongCodes.WINDOW)))
            return self.finish(views.page(self.w._("Too many tries"), "", self.w._(
                "This phone tried many join addresses that were not the workbook's in a short time. Wait a "
                "minute, then open the address or QR code the facilitator shows; ask them if it does not work."),
                refused=True, w=self.w))
        if not self.codes.valid(code):
            self.wrong_codes.note(client)
            self.summary_due()
            self.set_status(403)
            return self.finish(views.ask_for_code(w=self.w))
        self.set_signed_cookie(MEMBER_COOKIE, code, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
        self.redirect(url_path_join(self.base_url, "m/"))

    def summary_due(self):
        # The first try of a minute schedules that minute's one line.
        if self.wrong_codes.pending == 1:
            IOLoop.current().call_later(WrongCodes.WINDOW, summarise_wrong_codes, self.wrong_codes)


class HomeHandler(MemberHandler):
    async def get(self):
        if self.get_query_argument("lang", None):
            # The language is now the phone's (``prepare``); the page's own address again, without it.
            return self.redirect(url_path_join(self.base_url, "m/") + ("?choose=1" if self.get_argument("choose", None) else ""))
        who = self.who()
        if who is None or self.get_argument("choose", None):
            return self.finish(await self.shown(views.chooser, self.base_url, self.xsrf()))
        if not self.speaks_for(who):
            return self.finish(await self.shown(views.chooser, self.base_url, self.xsrf(), again(who, self.w)))
        return self.finish(await self.shown(member_page, self.base_url, who, self.xsrf()))


def again(who: str, w: i18n.Words) -> str:
    return w._("Choose your name again: %(name)s is no longer chosen on this phone (the facilitator freed the "
               "name, or gave members a new code).", name=who)


def taken(name: str, w: i18n.Words) -> str:
    return w._("%(name)s is already chosen on another phone, so nothing was changed. If you are %(name)s, ask "
               "the facilitator to free your name, then choose it again.", name=name)


def member_page(ledger, prefix: str, who: str, xsrf: str, status: str = "", refused: bool = False,
                w: i18n.Words | None = None) -> str:
    return views.member_page(prefix, who, xsrf, status, refused, ledger=ledger, w=w)


class FormHandler(MemberHandler):
    """A form's address: opened by itself (a reload after a refusal, a bookmark), it leads to the page."""

    def get(self):
        self.redirect(url_path_join(self.base_url, "m/"))


class MemberRecord(FormHandler):
    """A form by which a member records something of their own (``event``), through the same rules
    as any record; then the page again, by GET, so reloading it does not send the form twice."""

    failed = N_("Not recorded")

    def event(self, who: str):
        raise NotImplementedError

    async def post(self):
        self.check_xsrf_cookie()
        who = self.who()
        if not self.same_origin() or who is None:
            self.set_status(403)
            return self.finish(self.refusal(self.w._("Refused"),
                                            self.w._("Open the workbook's member page and choose your name first.")))
        if not self.speaks_for(who):
            self.set_status(403)
            return self.finish(self.refusal(self.w._("Choose your name again"),
                                            self.w._("Not sent. %(why)s", why=again(who, self.w)),
                                            self.kept(back=self.base_url)))
        key = self.get_body_argument("once", "")
        try:
            with i18n.speaking(self.w.lang):  # an event refused as it is built (a form's bad field) in its words
                event = self.event(who)
            await self.recorded(lambda ledger: ledger.record(event, key=key))
        except LedgerBusy:
            return self.busy()
        except AlreadyRecorded:  # a second tap, or the same form sent again: calm, it stood the first time
            return self.finish(await self.shown(member_page, self.base_url, who, self.xsrf(), self.w._(ALREADY_SENT)))
        except LedgerFileError:
            raise  # said by write_error, with the words kept
        except LedgerError as exc:
            # The page again with the reason, where the member is: nothing is lost without a word.
            self.set_status(400)
            return self.finish(await self.shown(member_page, self.base_url, who, self.xsrf(),
                                               f"{self.w._(self.failed)}: {said_to_phone(exc, self.w)}", refused=True))
        self.redirect(url_path_join(self.base_url, "m/"))


class CheckInHandler(MemberRecord):
    """A member checks in for today from their phone."""

    failed = N_("Not checked in")

    def event(self, who: str):
        return CheckIn(self.get_body_argument("group", ""), dt.date.today(), who)


class LevelFormHandler(MemberRecord):
    """A phone form (``levels.PhoneForm``: a level's, or the retrospective's): the event it makes of what
    the member sent."""

    def initialize(self, form, **deps):
        super().initialize(**deps)
        self.form_of_level, self.failed = form, form.failed

    def event(self, who: str):
        return self.form_of_level.event(who, lambda name: self.get_body_argument(name, ""))


class WhoHandler(FormHandler):
    async def post(self):
        self.check_xsrf_cookie()
        if not self.same_origin():
            self.set_status(403)
            return self.finish(self.refusal(self.w._("Refused"), self.w._(OTHER_SITE)))
        wanted = self.get_body_argument("who", "")
        names = (await self.shown(lambda ledger, w: standing.now(ledger).names())) if wanted.strip() else {}
        name = names.get(name_key(wanted)) if wanted.strip() else None
        if name is None:
            self.set_status(400)
            return self.finish(await self.shown(views.chooser, self.base_url, self.xsrf(),
                                               self.w._("Choose your name from the list; nothing was changed."),
                                               refused=True))
        if not self.codes.holds.take(name, self.own_phone()):
            self.set_status(409)
            return self.finish(await self.shown(views.chooser, self.base_url, self.xsrf(), taken(name, self.w),
                                               refused=True))
        self.set_signed_cookie(WHO_COOKIE, name, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
        self.redirect(url_path_join(self.base_url, "m/"))


class PoolHandler(MemberHandler):
    """A newcomer adds themselves to a congregation's pool from their phone, through the same API
    (and checks) as the hosts' page; their answers stay private to the hosts."""

    async def get(self):
        return self.finish(await self.shown(views.pool_form, self.base_url, self.xsrf(), self.get_argument("c", "")))

    async def post(self):
        from ..congregation import Congregation

        self.check_xsrf_cookie()
        congregation = self.get_body_argument("congregation", "")
        said = {k: self.get_body_argument(k, "").strip() for k in views.POOL_FIELDS}
        said["slots"] = self.get_body_arguments("slots")
        if not self.same_origin():
            self.set_status(403)
            return self.finish(self.refusal(self.w._("Refused"), self.w._(OTHER_SITE)))
        answers = {"work": said["work"], "slots": said["slots"], "region": said["region"] or None,
                   "size": said["size"] or None, "knows": said["knows"]}
        phone, key = self.own_phone(), self.get_body_argument("once", "")
        if said["name"] and self.codes.holds.taken(said["name"], phone):
            self.set_status(409)
            return self.finish(await self.shown(views.pool_form, self.base_url, self.xsrf(), congregation, said,
                                               self.w._("Not added: %(why)s", why=taken(said["name"], self.w)),
                                               refused=True))

        def join(ledger) -> str:
            pool = Congregation(ledger, congregation)
            if said["invited_by"]:
                pool.invite(said["invited_by"], said["name"], answers=answers, key=key)
            else:
                pool.add_person(said["name"], answers=answers, key=key)
            return standing.spelled(ledger, said["name"])

        status = ""
        try:
            name = await self.recorded(join)
        except LedgerBusy:
            return self.busy()
        except AlreadyRecorded:  # the form sent twice: they joined the first time
            name = await self.shown(lambda ledger, w: standing.spelled(ledger, said["name"]))
            status = self.w._(ALREADY_SENT)
        except LedgerFileError:
            raise  # said by write_error, with the words kept
        except LedgerError as exc:
            self.set_status(400)
            return self.finish(await self.shown(views.pool_form, self.base_url, self.xsrf(), congregation, said,
                                               self.w._("Not added: %(why)s", why=said_to_phone(exc, self.w)),
                                               refused=True))
        # The phone now speaks for the newcomer (as the ledger spells them) and holds the name, and their
        # page says they are in the pool.
        if not self.codes.holds.take(name, phone):  # another phone chose the new name in between
            return self.finish(await self.shown(views.chooser, self.base_url, self.xsrf(), taken(name, self.w),
                                               refused=True))
        self.set_signed_cookie(WHO_COOKIE, name, expires_days=COOKIE_DAYS, httponly=True, samesite="Lax")
        if status:
            return self.finish(await self.shown(member_page, self.base_url, name, self.xsrf(), status))
        self.redirect(url_path_join(self.base_url, "m/"))


class RenewHandler(JupyterHandler):
    """The facilitator replaces the join code (from the landing page): old join addresses stop working."""

    def initialize(self, codes: MemberCodes, base_url: str):
        self.codes, self.base_url_ = codes, base_url

    def check_xsrf_cookie(self):
        pass  # the same-origin check below stands in: Voilà's server has no XSRF cookies

    def post(self):
        if not self.current_user or guard.cross_origin(self.request) or \
                self.request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            self.set_status(403)
            w = i18n.words()  # the facilitator's language
            return self.finish(views.page(w._("Refused"), "", w._("Only the facilitator's own landing page can renew the code."),
                                          refused=True, w=w))
        self.codes.renew()
        self.redirect(url_path_join(self.base_url_, "") + "#members")


class NamesHandler(JupyterHandler):
    """The facilitator's list of the names phones hold, each with a button that frees it (for a phone
    that chose the wrong name, or a person who changed phones). The crew page links here."""

    def initialize(self, codes: MemberCodes, base_url: str):
        self.codes, self.base_url_ = codes, base_url

    def check_xsrf_cookie(self):
        pass  # the same-origin check in ``post`` stands in, as for the renewal

    def facilitator(self) -> bool:
        # Signed in, and from the workbook's own pages: another site opening the list in the facilitator's
        # browser is refused as a stranger is.
        if self.current_user and not guard.cross_origin(self.request):
            return True
        self.set_status(403)
        w = i18n.words()
        self.finish(views.page(w._("Refused"), "", w._("Only the facilitator can see and free the names phones hold."),
                               refused=True, w=w))
        return False

    def get(self):
        if self.facilitator():
            self.finish(views.names_page(self.codes.holds, self.base_url_, self.request.path))

    def post(self):
        if not self.facilitator():
            return
        if guard.cross_origin(self.request) or self.request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            self.set_status(403)
            w = i18n.words()
            return self.finish(views.page(w._("Refused"), "", w._("Names are freed from the facilitator's own page only."),
                                          refused=True, w=w))
        name = self.get_body_argument("name", "")
        freed = self.codes.holds.release(name)
        w = i18n.words()
        said = (w._("Freed %(name)s: the next phone to choose %(name)s holds the name.", name=name) if freed else
                w._("%(name)s was not held by any phone (it may have been freed already).", name=name))
        self.finish(views.names_page(self.codes.holds, self.base_url_, self.request.path, said))


class LoginHandler(RequestHandler):
    """Instead of Jupyter's login page (which talks of servers and passwords): who to ask."""

    def get(self):
        self.set_status(403)
        self.set_header("Cache-Control", "no-store")
        self.finish(views.ask_for_code(w=phone_words(self)))

    post = get


def summarise_wrong_codes(wrong_codes: WrongCodes) -> None:
    """A minute after the first wrong join code, one line for all those tried in that minute."""
    line = wrong_codes.summary()
    if line:
        app_log.warning(line)


def handlers(base_url: str, codes: MemberCodes, **given) -> list[tuple]:
    """Tornado routes of the member side (and the plain pages that replace Jupyter's login).

    ``given``: what ``MemberHandler.initialize`` takes beyond the codes (a ledger opener, thread
    pools, patience), for tests."""
    deps = {"codes": codes, "base_url": base_url, "wrong_codes": WrongCodes(), **given}
    return [
        (url_path_join(base_url, r"join/([^/]+)"), JoinHandler, deps),
        (url_path_join(base_url, r"m/"), HomeHandler, deps),
        (url_path_join(base_url, r"m/who"), WhoHandler, deps),
        (url_path_join(base_url, r"m/checkin"), CheckInHandler, deps),
        *((url_path_join(base_url, f"m/{lv.phone.route}"), LevelFormHandler, {**deps, "form": lv.phone})
          for lv in levels.phone_forms()),
        # A crew's retrospective: reflections and votes from the members' phones (seasons/phone.py).
        *((url_path_join(base_url, f"m/{form.route}"), LevelFormHandler, {**deps, "form": form})
          for form in retro_phone.FORMS),
        (url_path_join(base_url, r"m/pool"), PoolHandler, deps),
        (url_path_join(base_url, r"microsolidarity/members/renew"), RenewHandler, {"codes": codes, "base_url": base_url}),
        (url_path_join(base_url, holds.ROUTE), NamesHandler, {"codes": codes, "base_url": base_url}),
        (url_path_join(base_url, r"login"), LoginHandler),
    ]
