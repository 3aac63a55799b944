"""The spam checks, each alone and together: the honeypot, the blocklist, the cap on a guest's links, and
Akismet, talked to over HTTP as its documentation says, through a real local double (tests/moderation/
akismet_double.py) that can also be slow or fail. No test reaches the internet: every filter here is pointed
at the double.

Time is never asserted: the slow cases run with a 0.2 s check timeout under a pytest timeout that fails them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from porch.moderation.spam import (
    AKISMET_URL,
    HONEYPOT_FIELD,
    Candidate,
    Decision,
    SpamFilter,
    Verdict,
)
from porch.schemas import NEW_COMMENT, validate
from porch.settings import Settings
from tests.conftest import make_settings
from tests.moderation.akismet_double import KEY, SPAM_EMAIL, SPAM_MARKER, AkismetDouble

FAST = 0.2  # the check timeout in tests: seconds before a silent Akismet holds the comment


def settings_for(tmp_path: Path, **sites: dict[str, Any]) -> Settings:
    tables = {name: {"origins": [f"https://{name}.example.com"], **table} for name, table in sites.items()}
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", sites=tables)


def candidate(settings: Settings, site: str = "blog", **fields: Any) -> Candidate:
    values: dict[str, Any] = {
        "site": settings.sites[site],
        "text": "A thoughtful comment.",
        "author_name": "Ann",
        "author_email": "ann@example.org",
        "author_url": None,
        "is_guest": True,
        "client_address": "203.0.113.9",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        "referrer": "https://blog.example.com/2026/hello/",
        "page_url": "https://blog.example.com/2026/hello/",
        "honeypot": None,
    }
    values.update(fields)
    return Candidate(**values)


async def decide(settings: Settings, **fields: Any) -> Decision:
    spam = SpamFilter(settings, akismet_url="http://127.0.0.1:9/never")
    try:
        return await spam.decide(candidate(settings, **fields))
    finally:
        await spam.close()


@pytest.fixture
def akismet() -> Iterator[AkismetDouble]:
    double = AkismetDouble()
    yield double
    double.close()


@pytest.fixture
def keyed(tmp_path: Path) -> Settings:
    """`blog` checks with Akismet; `quiet` has no key."""
    return settings_for(tmp_path, blog={"akismet_key": KEY}, quiet={})


@pytest.fixture
async def spam_filter(keyed: Settings, akismet: AkismetDouble) -> AsyncIterator[SpamFilter]:
    spam = SpamFilter(keyed, akismet_url=akismet.url, timeout=FAST)
    yield spam
    await spam.close()


# ---- the honeypot --------------------------------------------------------------------------------------


async def test_a_filled_honeypot_is_spam(tmp_path):
    settings = settings_for(tmp_path, blog={})
    assert await decide(settings, honeypot="https://cheap.example/") == Decision(Verdict.SPAM, "honeypot")


async def test_an_empty_honeypot_passes(tmp_path):
    settings = settings_for(tmp_path, blog={})
    assert (await decide(settings, honeypot=None)).verdict is Verdict.APPROVE
    assert (await decide(settings, honeypot="")).verdict is Verdict.APPROVE


def test_the_honeypot_field_is_an_optional_bounded_string_of_a_new_comment():
    assert HONEYPOT_FIELD not in ("url", "author", "title", "text")
    schema = NEW_COMMENT["properties"][HONEYPOT_FIELD]
    assert HONEYPOT_FIELD not in NEW_COMMENT["required"]
    assert schema["maxLength"] <= 2000
    body = {"site": "blog", "thread": "/p", "text": "hi", "author": {"name": "Ann", "url": "https://ann.example/"}}
    validate(NEW_COMMENT, body)
    validate(NEW_COMMENT, {**body, HONEYPOT_FIELD: "https://bot.example/"})
    with pytest.raises(Exception, match="at most"):
        validate(NEW_COMMENT, {**body, HONEYPOT_FIELD: "x" * (schema["maxLength"] + 1)})


# ---- the blocklist -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"text": "Buy CASINO chips here"}, "a word, in any case"),
        ({"text": "Best\tcheap\n pills in town"}, "a phrase, across any spaces"),
        ({"author_name": "Casino Royale"}, "a word in the name"),
        ({"text": "Try \uff23\uff21\uff33\uff29\uff2e\uff2f"}, "full-width letters"),
        ({"text": "Try ca\u200bsino"}, "a zero-width space inside the word"),
        ({"text": "see [here](https://www.spam.example/offer)"}, "a link under a blocked domain"),
        ({"text": "<https://SPAM.example>"}, "an autolink to a blocked domain"),
        ({"text": "visit spam.example today"}, "a domain written out"),
        ({"text": "[x](https://good.example@spam.example/)"}, "a domain behind user info"),
        ({"author_url": "https://shop.spam.example/"}, "the author's website"),
        ({"author_email": "someone@spam.example"}, "the author's e-mail domain"),
        ({"author_email": "Seller@Mail.example"}, "a blocked e-mail address, in any case"),
        ({"text": "write to seller@mail.example."}, "a blocked e-mail address written out"),
        ({"text": "[shop](https://xn--bcher-kva.example/)"}, "an internationalised domain, encoded"),
        ({"text": "https://bücher.example/"}, "an internationalised domain, as written"),
    ],
)
async def test_a_blocklist_match_is_spam(tmp_path, fields, why):
    settings = settings_for(
        tmp_path, blog={"blocklist": ["casino", "cheap pills", "spam.example", "seller@mail.example", "bücher.example"]}
    )
    assert await decide(settings, **fields) == Decision(Verdict.SPAM, "blocklist"), why


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"text": "An occasional casinos-free evening"}, "part of a longer word"),
        ({"text": "cheap, and pills"}, "the phrase's words apart"),
        ({"text": "[x](https://notspam.example/)"}, "a domain that only ends the same"),
        ({"text": "see spam.example.org"}, "a domain that only starts the same"),
        ({"author_email": "other@mail.example"}, "another address at the blocked address's domain"),
        ({"text": "write to reseller@mail.example"}, "an address that only ends the same"),
    ],
)
async def test_near_misses_of_the_blocklist_pass(tmp_path, fields, why):
    settings = settings_for(
        tmp_path, blog={"blocklist": ["casino", "cheap pills", "spam.example", "seller@mail.example"]}
    )
    assert (await decide(settings, **fields)).verdict is Verdict.APPROVE, why


@pytest.mark.parametrize("entry", ["*.zz", ".zz", "@shop.zz", "*.shop.zz", "https://shop.zz/any/path"])
async def test_domains_may_be_written_in_several_ways(tmp_path, entry):
    settings = settings_for(tmp_path, blog={"blocklist": [entry]})
    assert (await decide(settings, text="[buy](https://www.shop.zz/)")).verdict is Verdict.SPAM
    assert (await decide(settings, text="[zz](https://zz.example/) and shop.zzz")).verdict is Verdict.APPROVE


async def test_a_site_without_a_blocklist_blocks_nothing(tmp_path):
    settings = settings_for(tmp_path, blog={"blocklist": ["casino"]}, other={})
    assert (await decide(settings, site="other", text="casino")).verdict is Verdict.APPROVE
    assert (await decide(settings, site="blog", text="casino")).verdict is Verdict.SPAM


# ---- links ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<https://a.example/>",
        "[a](https://a.example/)",
        "[a]( <https://a.example/> 'title')",
        "see https://a.example/page",
        "[a][1]\n\n[1]: https://a.example/",
        "<mailto:ann@a.example>",
    ],
)
async def test_each_form_of_link_counts(tmp_path, text):
    settings = settings_for(tmp_path, blog={"max_links": 0})
    assert await decide(settings, text=text) == Decision(Verdict.HOLD, "links")


async def test_text_without_links_is_not_held_at_zero_links(tmp_path):
    settings = settings_for(tmp_path, blog={"max_links": 0})
    assert (await decide(settings, text="example.com [not a link] (nor this) `code`")).verdict is Verdict.APPROVE


async def test_a_guest_may_post_max_links_and_no_more(tmp_path):
    settings = settings_for(tmp_path, blog={"max_links": 2})
    two = "[a](https://a.example/) and <https://b.example/>"  # each counted once, not again as bare URLs
    assert (await decide(settings, text=two)).verdict is Verdict.APPROVE
    three = two + " and https://c.example/"
    assert await decide(settings, text=three) == Decision(Verdict.HOLD, "links")


async def test_signed_in_authors_are_not_held_for_links(tmp_path):
    settings = settings_for(tmp_path, blog={"max_links": 0})
    assert (await decide(settings, text="https://a.example/ https://b.example/", is_guest=False)).verdict is (
        Verdict.APPROVE
    )


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "text",
    ["](" + " " * 200_000, "[" * 100_000, "<a:" * 60_000, "a." * 100_000, "x" * 200_000 + "@", "\n[a]: " * 30_000],
)
async def test_hostile_text_is_judged_quickly(tmp_path, text):
    settings = settings_for(tmp_path, blog={"max_links": 0, "blocklist": ["casino", "spam.example", "s@spam.example"]})
    assert (await decide(settings, text=text)).verdict in (Verdict.APPROVE, Verdict.HOLD)


# ---- Akismet -------------------------------------------------------------------------------------------


def test_the_real_akismet_is_the_documented_host():
    assert AKISMET_URL == "https://rest.akismet.com/1.1"


async def test_akismet_spam_is_spam(spam_filter, keyed, akismet):
    assert await spam_filter.decide(candidate(keyed, text=f"buy {SPAM_MARKER} now")) == Decision(
        Verdict.SPAM, "akismet"
    )
    assert await spam_filter.decide(candidate(keyed, author_name=SPAM_MARKER)) == Decision(Verdict.SPAM, "akismet")
    assert await spam_filter.decide(candidate(keyed, author_email=SPAM_EMAIL)) == Decision(Verdict.SPAM, "akismet")
    assert akismet.methods() == ["comment-check"] * 3


async def test_akismet_ham_is_approved(spam_filter, keyed, akismet):
    assert (await spam_filter.decide(candidate(keyed))).verdict is Verdict.APPROVE
    assert akismet.methods() == ["comment-check"]


async def test_blatant_spam_akismet_would_discard_is_kept_as_spam(spam_filter, keyed, akismet):
    akismet.discard = True
    assert await spam_filter.decide(candidate(keyed, text=SPAM_MARKER)) == Decision(Verdict.SPAM, "akismet")


async def test_comment_check_sends_the_documented_fields(spam_filter, keyed, akismet):
    comment = candidate(keyed, text="Line one\nline two & more", author_url="https://ann.example/")
    await spam_filter.decide(comment)
    [received] = akismet.received
    assert received.method == "comment-check"
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    assert received.headers["user-agent"].startswith("Porch/")
    assert received.form == {
        "api_key": KEY,
        "blog": "https://blog.example.com/",
        "user_ip": "203.0.113.9",
        "user_agent": comment.user_agent,
        "referrer": comment.referrer,
        "permalink": comment.page_url,
        "comment_type": "comment",
        "comment_author": "Ann",
        "comment_author_email": "ann@example.org",
        "comment_author_url": "https://ann.example/",
        "comment_content": "Line one\nline two & more",
        "blog_charset": "UTF-8",
        "honeypot_field_name": HONEYPOT_FIELD,
        HONEYPOT_FIELD: "",
    }


async def test_unknown_facts_are_left_out_not_made_up(spam_filter, keyed, akismet):
    await spam_filter.decide(candidate(keyed, author_email=None, user_agent=None, referrer=None, page_url=None))
    form = akismet.received[0].form
    assert not {"comment_author_email", "comment_author_url", "user_agent", "referrer", "permalink"} & set(form)


async def test_a_site_without_a_key_never_asks_akismet(spam_filter, keyed, akismet):
    assert (await spam_filter.decide(candidate(keyed, site="quiet", text=SPAM_MARKER))).verdict is Verdict.APPROVE
    await spam_filter.report(candidate(keyed, site="quiet"), spam=True)
    assert akismet.received == []


async def test_without_any_key_no_client_is_made(tmp_path, akismet):
    settings = settings_for(tmp_path, blog={})
    spam = SpamFilter(settings, akismet_url=akismet.url, timeout=FAST)
    assert (await spam.decide(candidate(settings, text=SPAM_MARKER))).verdict is Verdict.APPROVE
    await spam.close()
    assert akismet.received == []


@pytest.mark.timeout(20)
async def test_a_slow_akismet_holds_the_comment(spam_filter, keyed, akismet):
    akismet.delay = 30.0
    assert await spam_filter.decide(candidate(keyed)) == Decision(Verdict.HOLD, "akismet_unavailable")
    assert akismet.methods() == ["comment-check"]  # it was asked, and did not answer in time


async def test_a_failing_akismet_holds_the_comment(spam_filter, keyed, akismet, caplog):
    akismet.fail = True
    with caplog.at_level(logging.WARNING, logger="porch.spam"):
        assert await spam_filter.decide(candidate(keyed)) == Decision(Verdict.HOLD, "akismet_unavailable")
    assert "500" in caplog.text
    assert KEY not in caplog.text


async def test_a_wrong_key_holds_the_comment_and_says_why(tmp_path, akismet, caplog):
    settings = settings_for(tmp_path, blog={"akismet_key": "not-the-key"})
    spam = SpamFilter(settings, akismet_url=akismet.url, timeout=FAST)
    with caplog.at_level(logging.WARNING, logger="porch.spam"):
        assert await spam.decide(candidate(settings)) == Decision(Verdict.HOLD, "akismet_unavailable")
    await spam.close()
    assert "invalid" in caplog.text and "Your API key is not valid" in caplog.text
    assert "not-the-key" not in caplog.text


async def test_an_unreachable_akismet_holds_the_comment(tmp_path):
    settings = settings_for(tmp_path, blog={"akismet_key": KEY})
    assert await decide(settings) == Decision(Verdict.HOLD, "akismet_unavailable")  # port 9 on loopback: refused


# ---- together ------------------------------------------------------------------------------------------


async def test_a_local_spam_verdict_wins_and_akismet_is_not_asked(spam_filter, keyed, akismet):
    assert await spam_filter.decide(candidate(keyed, honeypot="x")) == Decision(Verdict.SPAM, "honeypot")
    assert akismet.received == []


async def test_akismet_spam_wins_over_a_hold_for_links(tmp_path, akismet):
    settings = settings_for(tmp_path, blog={"akismet_key": KEY, "max_links": 0})
    spam = SpamFilter(settings, akismet_url=akismet.url, timeout=FAST)
    try:
        linked = "https://a.example/"
        assert await spam.decide(candidate(settings, text=f"{linked} {SPAM_MARKER}")) == Decision(
            Verdict.SPAM, "akismet"
        )
        assert await spam.decide(candidate(settings, text=linked)) == Decision(Verdict.HOLD, "links")
    finally:
        await spam.close()
    assert akismet.methods() == ["comment-check", "comment-check"]


async def test_a_blocklist_match_wins_over_a_hold_for_links(tmp_path):
    settings = settings_for(tmp_path, blog={"max_links": 0, "blocklist": ["spam.example"]})
    assert await decide(settings, text="https://a.example/ https://spam.example/") == Decision(
        Verdict.SPAM, "blocklist"
    )


class _Broken:
    name = "broken"

    async def check(self, candidate: Candidate) -> Decision | None:
        raise RuntimeError("out of order")


class _Silent:
    name = "silent"

    async def check(self, candidate: Candidate) -> Decision | None:
        await asyncio.sleep(3600)
        return None


@pytest.mark.timeout(10)
@pytest.mark.parametrize("check", [_Broken(), _Silent()], ids=["raises", "hangs"])
async def test_any_check_that_fails_or_hangs_holds_and_decide_does_not_raise(tmp_path, check):
    settings = settings_for(tmp_path, blog={})
    spam = SpamFilter(settings, timeout=FAST, extra_checks=[check])
    assert await spam.decide(candidate(settings)) == Decision(Verdict.HOLD, f"{check.name}_unavailable")
    # A spam verdict from an earlier check still wins.
    assert (await spam.decide(candidate(settings, honeypot="x"))).verdict is Verdict.SPAM
    await spam.close()


# ---- reports -------------------------------------------------------------------------------------------


async def test_reports_are_submitted_with_the_fields_of_the_check(spam_filter, keyed, akismet):
    comment = candidate(keyed, text="Is this spam?")
    await spam_filter.decide(comment)
    await spam_filter.report(comment, spam=True)
    await spam_filter.report(comment, spam=False)
    assert akismet.methods() == ["comment-check", "submit-spam", "submit-ham"]
    check, spam, ham = akismet.received
    assert spam.form == check.form and ham.form == check.form


@pytest.mark.timeout(20)
@pytest.mark.parametrize("trouble", ["fail", "delay", "key"])
async def test_a_report_that_fails_is_logged_not_raised(tmp_path, akismet, caplog, trouble):
    settings = settings_for(tmp_path, blog={"akismet_key": "wrong-key" if trouble == "key" else KEY})
    akismet.fail = trouble == "fail"
    akismet.delay = 30.0 if trouble == "delay" else 0.0
    spam = SpamFilter(settings, akismet_url=akismet.url, timeout=FAST)
    with caplog.at_level(logging.WARNING, logger="porch.spam"):
        await spam.report(candidate(settings), spam=True)
    await spam.close()
    assert akismet.methods() == ["submit-spam"]
    assert "akismet" in caplog.text
    assert "wrong-key" not in caplog.text and KEY not in caplog.text
