"""Markdown of descriptions and comments: CommonMark rendered safely, `#123` and `@handle` linked
when they exist, never inside code or an existing link, with one lookup per text."""

from __future__ import annotations

import pytest

from tandem.work import markdown

ITEMS = {12: ("/items/12/", 'A "quoted" <title>')}
USERS = {"bob": ("/users/3/", "Bob Member")}


def lookups():
    calls: list[tuple[str, list]] = []

    def references(ids):
        calls.append(("refs", ids))
        return {pk: ITEMS[pk] for pk in ids if pk in ITEMS}

    def mentions(handles):
        calls.append(("handles", handles))
        return {h: USERS[h] for h in handles if h in USERS}

    return calls, references, mentions


def render(text: str) -> str:
    _calls, references, mentions = lookups()
    return markdown.render(text, references=references, mentions=mentions)


def test_formatting_tables_and_strikethrough():
    html = render("**bold** _em_ ~~gone~~\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```")
    for fragment in (
        "<strong>bold</strong>",
        "<em>em</em>",
        "<s>gone</s>",
        "<li>a</li>",
        "<td>1</td>",
        "<pre><code>code",
    ):
        assert fragment in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_hostile_input_comes_out_harmless(hostile):
    html = render(hostile)
    # what is left of it is text: no live tag, no script URL in a real attribute
    assert "<script" not in html and '<img src="x"' not in html
    assert (
        '<a href="javascript:' not in html
        and 'src="data:' not in html
        and " onerror" not in html.replace("&lt;img src=x onerror", "")
    )


def test_known_references_and_mentions_are_linked_once_looked_up():
    calls, references, mentions = lookups()
    html = markdown.render("See #12 and #99, ask @bob or @nobody.", references=references, mentions=mentions)
    assert '<a href="/items/12/" class="item-ref" title="A &quot;quoted&quot; &lt;title&gt;"' in html
    assert '<a href="/users/3/" class="mention" title="Bob Member"' in html and ">@bob</a> or" in html
    assert "#99" in html and "@nobody" in html and 'href="/items/99/"' not in html
    assert calls == [("refs", [12, 99]), ("handles", ["bob", "nobody"])]


def test_nothing_is_linked_in_code_or_inside_a_link():
    html = render("`#12 @bob`\n\n    #12 @bob\n\n[see #12 and @bob](https://example.com)")
    assert "item-ref" not in html and "mention" not in html


def test_what_counts_as_a_reference_or_a_mention():
    assert markdown.find_references("#1 abc#2 #3x `#4` [#5](/x) (#6)") == [1, 6]
    assert markdown.find_mentions("@Bob, ann@example.com @carol. `@dan` @eve_") == ["bob", "carol", "eve"]


def test_empty_text_and_excerpts():
    assert markdown.render("  \n ") == ""
    assert markdown.excerpt("# Title\n\nSome **bold** words here.") == "Title Some bold words here."
    long = markdown.excerpt("word " * 100, 30)
    assert long.endswith("…") and len(long) <= 30 and "  " not in long
