"""The Link header parser (RFC 8288): right on the headers real sites send, linear on hostile ones.

The hostile shapes run under a timeout that fails the test; the regular expression this parser replaced
took 28 s for 60,000 `<`."""

from __future__ import annotations

import httpx2
import pytest

from porch.auth.indieauth import _links
from porch.auth.links import Link, parse_link_header
from porch.auth.net import Answer

SIZE = 100_000


def test_several_links_in_one_header() -> None:
    header = '<https://auth.example/meta>; rel="indieauth-metadata", </auth>; rel=authorization_endpoint'
    assert parse_link_header(header) == [
        Link("https://auth.example/meta", {"rel": "indieauth-metadata"}),
        Link("/auth", {"rel": "authorization_endpoint"}),
    ]


def test_several_relation_types_case_insensitive() -> None:
    (link,) = parse_link_header('</x>; REL="Me  Authorization_Endpoint"')
    assert link.rels == ["me", "authorization_endpoint"]


def test_parameters_quoted_unquoted_and_spaced() -> None:
    header = '</a>;rel=next;title="a, b; c";hreflang = en ; crossorigin, </b> ;  rel = "prev"'
    assert parse_link_header(header) == [
        Link("/a", {"rel": "next", "title": "a, b; c", "hreflang": "en", "crossorigin": ""}),
        Link("/b", {"rel": "prev"}),
    ]


def test_escaped_quotes_and_first_rel_wins() -> None:
    (link,) = parse_link_header(r'</a>; title="say \"hi\""; rel=first; rel=second')
    assert link.params == {"title": 'say "hi"', "rel": "first"}


def test_commas_inside_targets_and_empty_elements() -> None:
    assert parse_link_header(" , <https://a.example/x,y>; rel=a ,, ") == [Link("https://a.example/x,y", {"rel": "a"})]


def test_malformed_elements_are_skipped_and_parsing_resumes() -> None:
    header = 'junk; rel=x, <a>junk, <b; rel="unclosed, </c>; rel=c, <d>; rel=d'
    assert parse_link_header(header) == [Link("/c", {"rel": "c"}), Link("d", {"rel": "d"})]


def test_relative_targets_resolve_against_the_page_and_headers_win() -> None:
    headers = httpx2.Headers(
        [
            ("content-type", "text/html"),
            ("link", '<../auth>; rel="authorization_endpoint"'),
            ("link", '<https://other.example/meta>; rel="indieauth-metadata"; anchor="https://other.example/"'),
        ]
    )
    body = b'<html><head><link rel="authorization_endpoint" href="/html-auth"><link rel="me" href="me.html"></head>'
    links = _links(Answer(200, headers, body), "https://me.example/dir/page")
    assert links == {"authorization_endpoint": "https://me.example/auth", "me": "https://me.example/dir/me.html"}


@pytest.mark.timeout(2)
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("<" * SIZE, [], id="opening-brackets"),
        pytest.param("<" * SIZE + ">; rel=x", [Link("", {"rel": "x"})], id="brackets-then-close"),
        pytest.param("<" * SIZE + ', </auth>; rel="a"', [Link("/auth", {"rel": "a"})], id="brackets-then-link"),
        pytest.param("<a" * (SIZE // 2), [], id="unclosed-targets"),
        pytest.param("<a>" + ";" * SIZE, [Link("a", {})], id="empty-params"),
        pytest.param("<a>" + "; x=y" * (SIZE // 5), [Link("a", {"x": "y"})], id="many-params"),
        pytest.param('<a>; rel="' + "x" * SIZE, [Link("a", {"rel": "x" * SIZE})], id="unclosed-quote"),
        pytest.param('<a>; t="' + '\\"' * (SIZE // 2), [Link("a", {"t": '"' * (SIZE // 2)})], id="escapes"),
        pytest.param("<a>" + " " * SIZE + "x", [], id="spaces-then-junk"),
        pytest.param(", " * (SIZE // 2), [], id="empty-elements"),
        pytest.param("<>;" * (SIZE // 3), [], id="empty-targets-without-commas"),
        pytest.param("<a>," * (SIZE // 4), [Link("a", {})] * (SIZE // 4), id="many-links"),
        pytest.param("x" * SIZE + ",<a>", [Link("a", {})], id="junk-then-link"),
    ],
)
def test_hostile_headers_parse_in_linear_time(header: str, expected: list[Link]) -> None:
    assert parse_link_header(header) == expected
