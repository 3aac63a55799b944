"""The widget embedded on a page of another site, driven in Chromium: reading, posting, replying, editing,
deleting, drafts, errors, hostile markup, themes, languages, keyboard use and accessibility."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import MAX_LENGTH, HostSite, PorchServer, embed_page
from tests.e2e.helpers import (
    active_in_widget,
    article_of,
    articles,
    fill_form,
    item_of,
    open_widget,
    run_axe,
    widget,
)

pytestmark = pytest.mark.e2e


def test_embeds_from_another_site_with_visible_labels(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    porch_server.post(thread_key, "First *comment*", name="Alice")
    porch_server.post(thread_key, "Second one", name="Bob")
    url = host.page("/embed", embed_page(porch_server.base, thread_key))
    assert not url.startswith(porch_server.origin)
    open_widget(page, url)
    w = widget(page)
    expect(w.locator("h2")).to_have_text("2 Comments")
    expect(articles(page)).to_have_count(2)
    expect(article_of(page, "First comment").locator("em")).to_have_text("comment")
    expect(article_of(page, "First comment").locator(".name")).to_have_text("Alice")
    # the form, with visible labels rather than placeholders
    expect(w.locator("h3")).to_have_text("Leave a Reply")
    for label in ("Comment", "Name (required)", "Email (optional, never shown)", "Website (optional)"):
        expect(w.locator("label", has_text=label)).to_be_visible()
    expect(page.get_by_role("button", name="Post Comment")).to_be_visible()
    # rendered right after its script tag, in an open shadow root that the host's hostile CSS does not reach
    assert (
        page.evaluate("() => document.querySelector('script[data-site]').nextElementSibling.className")
        == "porch-comments"
    )
    assert page.evaluate("() => !!document.querySelector('.porch-comments').shadowRoot")
    font_size = w.locator("h2").evaluate("el => getComputedStyle(el).fontSize")
    assert font_size != "40px"
    # avatars come from the Porch server, never a third party
    src = article_of(page, "Second one").locator("img.av").get_attribute("src")
    assert src and src.startswith(porch_server.base + "avatar/")
    # relative time, exact time on hover
    time = article_of(page, "Second one").locator("time")
    expect(time).to_have_text("now")
    assert re.search(r"\d{4}", time.get_attribute("title") or "")


def test_post_as_guest(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_widget(page, host.page("/post", embed_page(porch_server.base, thread_key)))
    expect(widget(page).locator("h2")).to_have_text("0 Comments")
    page.get_by_label("Comment", exact=True).fill("Hello from a **guest**")
    page.get_by_label("Name").fill("Grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Website").fill("https://grace.example")
    page.get_by_role("button", name="Post Comment").click()
    posted = article_of(page, "Hello from a guest")
    expect(posted).to_be_visible()
    expect(posted.locator("strong")).to_have_text("guest")
    expect(posted.locator("a.name")).to_have_attribute("href", "https://grace.example/")
    expect(widget(page).locator("h2")).to_have_text("1 Comment")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("")
    # it is stored on the server, with the page's title and URL, and the email stays private
    data = porch_server.comments(thread_key)
    assert [c["author"]["name"] for c in data["comments"]] == ["Grace"]
    assert "grace@example.com" not in str(data)
    assert data["thread"]["title"] == "A post"
    # A site without sign-in providers never loads the sign-in UI (static/auth.js).
    assert [url for url in requested if "auth.js" in url] == []
    # and it is still there after a reload; the guest's details are remembered
    page.reload()
    expect(article_of(page, "Hello from a guest")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Grace")


def test_reply_and_cancel_reply(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    root = porch_server.post(thread_key, "Root comment", name="Alice")["comment"]
    open_widget(page, host.page("/reply", embed_page(porch_server.base, thread_key)))
    w = widget(page)
    page.get_by_role("button", name="Reply to Alice").click()
    expect(w.locator("h3")).to_have_text("Leave a Reply to Alice")
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    page.get_by_role("button", name="Cancel reply").click()
    expect(w.locator("h3")).to_have_text("Leave a Reply")
    expect(page.get_by_role("button", name="Cancel reply")).to_be_hidden()
    expect(page.get_by_role("button", name="Reply to Alice")).to_be_focused()

    page.get_by_role("button", name="Reply to Alice").click()
    fill_form(page, "A nested reply", name="Bob")
    page.get_by_role("button", name="Post Comment").click()
    expect(item_of(page, "Root comment").locator(".replies article .body", has_text="A nested reply")).to_be_visible()
    expect(w.locator("h3")).to_have_text("Leave a Reply")
    reply = next(c for c in porch_server.comments(thread_key)["comments"] if c["parent"])
    assert reply["parent"] == root["id"]
    # deeper and deeper replies: indentation stops growing after a few levels
    parent = reply["id"]
    for level in range(6):
        parent = porch_server.post(thread_key, f"level {level + 2}", name="Deep", parent=parent)["comment"]["id"]
    page.reload()
    expect(article_of(page, "level 7")).to_be_visible()
    lefts = [article_of(page, f"level {n}").evaluate("el => el.getBoundingClientRect().left") for n in range(2, 8)]
    assert lefts[1] > lefts[0]
    assert lefts[-1] == lefts[-2], f"indentation not capped: {lefts}"


def test_edit_and_delete_own_comment(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    porch_server.post(thread_key, "Someone else's comment", name="Other")
    open_widget(page, host.page("/edit", embed_page(porch_server.base, thread_key)))
    expect(article_of(page, "Someone else").get_by_role("button", name="Edit")).to_have_count(0)
    fill_form(page, "My original text", name="Me")
    page.get_by_role("button", name="Post Comment").click()
    mine = article_of(page, "My original text")
    expect(mine).to_be_visible()
    comment_id = (mine.get_attribute("id") or "").removeprefix("porch-c-")
    # the edit token is in the host page's localStorage, keyed by server and comment
    token = page.evaluate("key => localStorage.getItem(key)", f"porch:token:{porch_server.base}|{comment_id}")
    assert token and '"token"' in token

    mine.get_by_role("button", name="Edit").click()
    box = page.get_by_label("Edit comment")
    expect(box).to_have_value("My original text")
    box.fill("My *corrected* text")
    page.get_by_role("button", name="Save").click()
    edited = article_of(page, "My corrected text")
    expect(edited.locator("em")).to_have_text("corrected")
    expect(edited.locator(".meta")).to_contain_text("edited")
    assert "corrected" in str(porch_server.comments(thread_key)["comments"])

    # still editable after a reload (the token survives)
    page.reload()
    edited = article_of(page, "My corrected text")
    edited.get_by_role("button", name="Delete").click()
    expect(edited).to_contain_text("Delete this comment?")
    page.get_by_role("button", name="Keep").click()
    edited.get_by_role("button", name="Delete").click()
    edited.get_by_role("button", name="Delete").click()
    expect(article_of(page, "My corrected text")).to_have_count(0)
    expect(widget(page).locator("h2")).to_have_text("1 Comment")
    assert "corrected" not in str(porch_server.comments(thread_key)["comments"])


def test_edit_buttons_disappear_when_the_window_closes(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    open_widget(page, host.page("/window", embed_page(porch_server.base, thread_key)))
    fill_form(page, "Edit me while you can", name="Me")
    page.get_by_role("button", name="Post Comment").click()
    mine = article_of(page, "Edit me while you can")
    expect(mine.get_by_role("button", name="Edit")).to_be_visible()
    # the page comes back an hour later: the 900 s window has closed
    page.clock.install()
    page.reload()
    page.clock.fast_forward("01:00:00")
    expect(article_of(page, "Edit me while you can").get_by_role("button", name="Edit")).to_have_count(0)


def test_draft_survives_a_reload(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    root = porch_server.post(thread_key, "Reply to me", name="Alice")
    assert root
    url = host.page("/draft", embed_page(porch_server.base, thread_key))
    open_widget(page, url)
    page.get_by_role("button", name="Reply to Alice").click()
    page.get_by_label("Comment", exact=True).press_sequentially("half-written thoughts")
    page.reload()
    expect(page.get_by_label("Comment", exact=True)).to_have_value("half-written thoughts")
    expect(widget(page).locator("h3")).to_have_text("Leave a Reply to Alice")
    # a draft typed and left through navigation is saved on pagehide too
    page.get_by_label("Comment", exact=True).evaluate("el => { el.value = 'set without an input event'; }")
    page.goto(host.page("/elsewhere", "<!doctype html><title>x</title><p>elsewhere</p>"))
    page.go_back()
    expect(page.get_by_label("Comment", exact=True)).to_have_value("set without an input event")


def test_failed_posts_keep_the_text_and_say_why(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    open_widget(page, host.page("/errors", embed_page(porch_server.base, thread_key)))
    comment = page.get_by_label("Comment", exact=True)
    error = widget(page).locator("form [role=alert]")
    page.get_by_role("button", name="Post Comment").click()
    expect(error).to_have_text("Please write a comment first.")
    comment.fill("No name given")
    page.get_by_role("button", name="Post Comment").click()
    expect(error).to_have_text("Please enter your name.")
    expect(page.get_by_label("Name")).to_be_focused()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    too_long = "x" * (MAX_LENGTH + 1)
    fill_form(page, too_long, name="Verbose")
    page.get_by_role("button", name="Post Comment").click()
    expect(error).to_have_text(f"Your comment is too long: at most {MAX_LENGTH} characters.")
    expect(comment).to_have_value(too_long)
    fill_form(page, "Bad website", name="Web")
    page.get_by_label("Website").fill("not a url")
    page.get_by_role("button", name="Post Comment").click()
    expect(error).to_contain_text("website address")
    expect(comment).to_have_value("Bad website")
    assert porch_server.comments(thread_key)["thread"]["count"] == 0


def test_rate_limit_message_keeps_the_text(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    open_widget(page, host.page("/slow", embed_page(porch_server.base, thread_key, site="slow")))
    fill_form(page, "first", name="Fast")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "first")).to_be_visible()
    page.get_by_label("Comment", exact=True).fill("second, too soon")
    page.get_by_role("button", name="Post Comment").click()
    expect(widget(page).locator("form [role=alert]")).to_have_text(
        "You are posting too quickly. Please wait a minute and try again."
    )
    expect(page.get_by_label("Comment", exact=True)).to_have_value("second, too soon")


def test_network_failure_keeps_the_text(page: Any, host: HostSite, proxy: Any, thread_key: str) -> None:
    open_widget(page, host.page("/offline", embed_page(proxy.base, thread_key)))
    fill_form(page, "typed while the server is unreachable", name="Patient")
    proxy.cut()
    page.get_by_role("button", name="Post Comment").click()
    expect(widget(page).locator("form [role=alert]")).to_contain_text("could not be reached")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("typed while the server is unreachable")
    proxy.restore()
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "typed while the server is unreachable")).to_be_visible()
    expect(widget(page).locator("form [role=alert]")).to_have_text("")


HOSTILE = [
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "[click](javascript:window.__pwned='link')",
    "<a href=\"javascript:window.__pwned='a'\">a</a>",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "`<b>code</b>` and <style>*{display:none}</style>",
]


def test_hostile_markup_is_shown_as_text_and_runs_nothing(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    for text in HOSTILE:
        porch_server.post(thread_key, text, name="<img src=x onerror=\"window.__pwned='name'\">")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_widget(page, host.page("/xss", embed_page(porch_server.base, thread_key)))
    expect(articles(page)).to_have_count(len(HOSTILE))
    w = widget(page)
    body_text = " ".join(w.locator(".body").all_text_contents())
    assert "<script>" in body_text and "onerror" in body_text
    expect(w.locator(".body script, .body iframe, .body img, .body svg, .body style")).to_have_count(0)
    expect(w.locator(".name").first).to_have_text("<img src=x onerror=\"window.__pwned='name'\">")
    for link in w.locator(".body a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    # clicking every link in the comments runs nothing either
    for link in w.locator(".body a").all():
        link.click(modifiers=["Control"])
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []


def test_dark_and_light_themes(browser: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    porch_server.post(thread_key, "Themes", name="Alice")

    def background(theme: str, scheme: str) -> str:
        ctx = browser.new_context(color_scheme=scheme)
        try:
            p = ctx.new_page()
            attrs = f'data-theme="{theme}"' if theme else ""
            open_widget(
                p,
                host.page(f"/theme-{theme}-{scheme}", embed_page(porch_server.base, thread_key, attrs=attrs)),
            )
            return str(widget(p).evaluate("el => getComputedStyle(el).backgroundColor"))
        finally:
            ctx.close()

    dark, light = "rgb(13, 17, 23)", "rgb(255, 255, 255)"
    assert background("dark", "light") == dark
    assert background("light", "dark") == light
    assert background("", "dark") == dark  # auto follows prefers-color-scheme
    assert background("", "light") == light


def test_custom_properties_theme_the_widget(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    before = "<style>main { --porch-accent: rgb(200, 0, 100); --porch-radius: 0px; }</style>"
    open_widget(page, host.page("/custom", embed_page(porch_server.base, thread_key, before=before)))
    button = page.get_by_role("button", name="Post Comment")
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(200, 0, 100)"
    assert button.evaluate("el => getComputedStyle(el).borderTopLeftRadius") == "0px"


@pytest.mark.parametrize(
    ("lang", "heading", "button"),
    [
        ("de-DE", "2 Kommentare", "Kommentar abschicken"),
        ("fr", "2 commentaires", "Publier le commentaire"),
        ("es", "2 comentarios", "Publicar comentario"),
        ("ru", "2 комментария", "Отправить комментарий"),
    ],
)
def test_languages_load_on_demand(
    page: Any,
    host: HostSite,
    porch_server: PorchServer,
    thread_key: str,
    lang: str,
    heading: str,
    button: str,
) -> None:
    porch_server.post(thread_key, "one")
    porch_server.post(thread_key, "two")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(host.page(f"/lang-{lang}", embed_page(porch_server.base, thread_key, lang=lang)))
    expect(widget(page).locator("h2")).to_have_text(heading)
    expect(page.get_by_role("button", name=button)).to_be_visible()
    assert any(r.endswith(f"/static/i18n/{lang[:2]}.json") for r in requests)


def test_english_needs_no_language_pack(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_widget(page, host.page("/lang-en", embed_page(porch_server.base, thread_key, lang="en-GB")))
    assert not [r for r in requests if "/i18n/" in r]


def test_load_more_and_sort(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    for n in range(1, 206):
        porch_server.post(thread_key, f"Comment number {n}.")
    open_widget(page, host.page("/more", embed_page(porch_server.base, thread_key)))
    expect(widget(page).locator("h2")).to_have_text("205 Comments")
    expect(articles(page)).to_have_count(200)  # one request of 200 top-level comments
    page.get_by_role("button", name="Load more comments").click()
    expect(articles(page)).to_have_count(205)
    expect(page.get_by_role("button", name="Load more comments")).to_be_hidden()
    expect(articles(page).last).to_contain_text("Comment number 205.")
    page.get_by_label("Sort by").select_option("newest")
    expect(articles(page).first).to_contain_text("Comment number 205.")
    expect(articles(page)).to_have_count(200)


def test_keyboard_only_reply_and_post(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    porch_server.post(thread_key, "Reply to me by keyboard", name="Alice")
    open_widget(page, host.page("/keyboard", embed_page(porch_server.base, thread_key)))

    def tab_to(label: str, limit: int = 30) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            active = active_in_widget(page)
            if active and label in (active["label"], active["text"], active["id"]):
                return
        raise AssertionError(f"Tab never reached {label!r}")

    tab_to("Reply to Alice")
    page.keyboard.press("Enter")
    assert (active_in_widget(page) or {})["id"] == "porch-text"
    page.keyboard.press("Escape")  # changed their mind: back to the Reply button
    expect(widget(page).locator("h3")).to_have_text("Leave a Reply")
    assert (active_in_widget(page) or {})["label"] == "Reply to Alice"
    page.keyboard.press("Enter")
    expect(widget(page).locator("h3")).to_have_text("Leave a Reply to Alice")
    page.keyboard.type("Typed without a mouse")
    tab_to("porch-name")
    page.keyboard.type("Keys")
    tab_to("Post Comment")
    page.keyboard.press("Enter")
    reply = item_of(page, "Reply to me by keyboard").locator(".replies article")
    expect(reply).to_contain_text("Typed without a mouse")
    expect(reply).to_be_focused()


def test_no_accessibility_violations(
    page: Any, browser: Any, host: HostSite, porch_server: PorchServer, thread_key: str, axe_source: str
) -> None:
    root = porch_server.post(thread_key, "An *accessible* thread with a [link](https://example.com)", name="Alice")
    porch_server.post(thread_key, "A reply", name="Bob", parent=root["comment"]["id"])
    url = host.page("/axe", embed_page(porch_server.base, thread_key))
    open_widget(page, url)
    fill_form(page, "mine", name="Me")
    page.get_by_role("button", name="Post Comment").click()
    expect(article_of(page, "mine")).to_be_visible()
    page.get_by_role("button", name="Reply to Alice").click()
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Post Comment").click()  # shows an error message
    expect(widget(page).locator("form [role=alert]")).not_to_be_empty()
    assert run_axe(page, axe_source) == []
    ctx = browser.new_context(color_scheme="dark")
    try:
        dark = ctx.new_page()
        open_widget(dark, url)
        expect(articles(dark)).to_have_count(3)
        assert run_axe(dark, axe_source) == []
    finally:
        ctx.close()


def test_counts(page: Any, host: HostSite, porch_server: PorchServer, thread_key: str) -> None:
    porch_server.post(thread_key + "/a", "x")
    porch_server.post(thread_key + "/a", "y")
    porch_server.post(thread_key + "/b", "z")
    html = f"""<!doctype html><html lang="en"><head><title>List</title></head><body><main><ul>
<li><a href="/a" data-porch-count="{thread_key}/a">comments</a></li>
<li><a href="/b" data-porch-count="{thread_key}/b">comments</a></li>
<li><a href="/c" data-porch-count="{thread_key}/c">comments</a></li></ul>
<script src="{porch_server.base}porch.js" data-site="test" data-mount="false" async></script>
</main></body></html>"""
    page.goto(host.page("/counts", html))
    expect(page.locator("[data-porch-count]").nth(0)).to_have_text("2 comments")
    expect(page.locator("[data-porch-count]").nth(1)).to_have_text("1 comment")
    expect(page.locator("[data-porch-count]").nth(2)).to_have_text("0 comments")
    expect(widget(page)).to_have_count(0)


def test_data_target_renders_into_an_element_later_in_the_page(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    porch_server.post(thread_key, "Rendered into the target")
    html = f"""<!doctype html><html lang="en"><head><title>Target</title>
<script src="{porch_server.base}porch.js" data-site="test" data-thread="{thread_key}" data-target="#comments"></script>
</head><body><main><h1>Target</h1><p>Article.</p><section id="comments" aria-label="Comments"></section>
<footer>after</footer></main></body></html>"""
    open_widget(page, host.page("/target", html))
    assert page.evaluate("() => document.querySelector('#comments > .porch-comments') !== null")
    expect(article_of(page, "Rendered into the target")).to_be_visible()


def test_a_widget_destroyed_before_it_loaded_keeps_the_draft(
    page: Any, host: HostSite, porch_server: PorchServer, thread_key: str
) -> None:
    html = f"""<!doctype html><html lang="en"><head><title>SPA</title></head><body><main><div id="c"></div>
<script src="{porch_server.base}porch.js" data-site="test" data-mount="false"></script></main></body></html>"""
    page.goto(host.page("/quick-destroy", html))
    key = f"porch:draft:{porch_server.base}|test|{thread_key}"
    kept = page.evaluate(
        """([key, thread]) => {
            localStorage.setItem(key, JSON.stringify({ text: 'typed earlier', parent: null }));
            Porch.mount(document.getElementById('c'), { thread }).destroy();
            dispatchEvent(new PageTransitionEvent('pagehide'));
            return JSON.parse(localStorage.getItem(key));
        }""",
        [key, thread_key],
    )
    assert kept == {"text": "typed earlier", "parent": None}
    page.evaluate("thread => { window.w = Porch.mount(document.getElementById('c'), { thread }); }", thread_key)
    expect(page.get_by_label("Comment", exact=True)).to_have_value("typed earlier")
