"""Rules a site owner writes down: a blocklist (a match is spam) and a cap on a guest's links (more are held).

Blocklist entries are of three kinds, told apart by their shape:
- an e-mail address (`seller@spam.example`): matches the author's e-mail, or the address written out;
- a domain (`spam.example`, also written `@spam.example`, `*.spam.example` or as a URL; `*.example` for a
  whole top-level domain): matches any host named in the comment, its author's website or e-mail, that is
  the domain or under it (`www.spam.example`, not `notspam.example`);
- anything else is a word or phrase, matched as whole words in the text, the name and the website.
Everything is compared after Unicode compatibility folding and case folding, with invisible format characters
(zero-width spaces, soft hyphens) removed: full-width letters or a zero-width space inside a word do not
hide it.

Links are counted in the Markdown source as written: inline links and images, reference definitions,
autolinks and bare http(s) URLs, each once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from porch.moderation.spam.base import Candidate, Decision, Verdict

# Possessive quantifiers (`*+`) keep these linear on hostile input: a long run of spaces after "](" must not
# be tried again at every split.
_REFERENCE = re.compile(r"^ {0,3}\[(?:[^\]\\\n]|\\.){1,999}\]:\s*+(<[^>\n]*>|\S+)", re.MULTILINE)
_INLINE = re.compile(r"\]\(\s*+(<[^>\n]*>|[^\s)]+)")
_AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"']+", re.IGNORECASE)
# A host name written out anywhere: dotted labels, not inside a longer word or dotted name.
_HOST = re.compile(r"(?<![\w.-])(?:[\w-]{1,63}\.){1,126}[\w-]{1,63}(?![\w-])")
_DOMAIN_ENTRY = re.compile(r"(?:[\w-]{1,63}\.){1,126}[\w-]{1,63}")
_SUFFIX_ENTRY = re.compile(r"(?:[\w-]{1,63}\.){0,126}[\w-]{1,63}")  # after "@", "*." or ".": may be a bare TLD
_EMAIL_ENTRY = re.compile(r"[^\s@]+@[^\s@]+")


def fold(text: str) -> str:
    """`text` as the rules compare it: compatibility forms unified, invisible format characters gone, case folded."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").casefold()


def links(text: str) -> list[str]:
    """The link destinations written in Markdown source `text`, each link once."""
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        found.append(match.group(1).strip("<>"))
        return " " * len(match.group(0))  # gone, so that a bare URL inside is not counted again

    rest = _REFERENCE.sub(take, text)
    rest = _INLINE.sub(take, rest)
    rest = _AUTOLINK.sub(take, rest)
    found.extend(_BARE_URL.findall(rest))
    return found


def _host(name: str) -> str:
    name = name.strip(".").casefold()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def _url_host(url: str) -> str | None:
    try:
        host = urlsplit(unquote(url.strip())).hostname
    except ValueError:
        return None
    return _host(host) if host else None


@dataclass(frozen=True)
class _Rules:
    words: re.Pattern[str] | None
    domains: frozenset[str]
    emails: frozenset[str]
    written_emails: re.Pattern[str] | None


@functools.lru_cache(maxsize=64)
def _compile(blocklist: tuple[str, ...]) -> _Rules:
    words: list[str] = []
    domains: set[str] = set()
    emails: set[str] = set()
    for raw in blocklist:
        entry = fold(raw).strip()
        if not entry:
            continue
        if "://" in entry:
            host = _url_host(entry)
            if host:
                domains.add(host)
        elif entry.startswith(("@", "*.", ".")) and _SUFFIX_ENTRY.fullmatch(suffix := entry.lstrip("@*.")):
            domains.add(_host(suffix))
        elif _EMAIL_ENTRY.fullmatch(entry):
            emails.add(entry)
        elif _DOMAIN_ENTRY.fullmatch(entry):
            domains.add(_host(entry))
        else:
            words.append(r"\s+".join(re.escape(part) for part in entry.split()))
    # Longest first, so that a phrase wins over a word it starts with.
    words.sort(key=len, reverse=True)
    word_pattern = re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)") if words else None
    email_pattern = (
        re.compile(r"(?<![\w.%+-])(?:" + "|".join(map(re.escape, sorted(emails))) + r")(?!\.?[\w-])")
        if emails
        else None
    )
    return _Rules(word_pattern, frozenset(domains), frozenset(emails), email_pattern)


def _under(host: str, domains: frozenset[str]) -> bool:
    """True when `host` is one of `domains` or a name under one of them."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


class Blocklist:
    """A comment matching the site's blocklist is spam."""

    name = "blocklist"

    async def check(self, candidate: Candidate) -> Decision | None:
        if not candidate.site.blocklist:
            return None
        rules = _compile(candidate.site.blocklist)
        spam = Decision(Verdict.SPAM, self.name)
        written = fold("\n".join((candidate.text, candidate.author_name, candidate.author_url or "")))
        if rules.words is not None and rules.words.search(written):
            return spam
        email = fold(candidate.author_email or "").strip()
        if email and email in rules.emails:
            return spam
        if rules.written_emails is not None and rules.written_emails.search(written):
            return spam
        if rules.domains:
            hosts = {_host(match) for match in _HOST.findall(written)}
            hosts.update(host for link in links(candidate.text) if (host := _url_host(fold(link))))
            if candidate.author_url and (host := _url_host(fold(candidate.author_url))):
                hosts.add(host)
            if "@" in email:
                hosts.add(_host(email.rpartition("@")[2]))
            if any(_under(host, rules.domains) for host in hosts):
                return spam
        return None


class LinkLimit:
    """A guest comment with more links than the site's `max_links` waits for a moderator."""

    name = "links"

    async def check(self, candidate: Candidate) -> Decision | None:
        if candidate.is_guest and len(links(candidate.text)) > candidate.site.max_links:
            return Decision(Verdict.HOLD, self.name)
        return None
