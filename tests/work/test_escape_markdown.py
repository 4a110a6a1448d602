"""Text from outside, escaped for Markdown as a whole: whatever it holds, it renders as exactly
its characters (no link, image, HTML, entity or formatting), with its line breaks."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.work.markdown import escape_markdown, plain_text, render

MARKUP = "\\`*_{}[]<>()#+-.!|~&=:;/\"' \t\n\r1aZ@"


def _shown(rendered: str) -> str:
    """The words a browser shows of rendered Markdown (only <p> and <br> may be in it)."""
    assert set(re.findall(r"</?([a-zA-Z0-9]+)", rendered)) <= {"p", "br"}, rendered
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=MARKUP, max_size=120),
        st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=120),
    )
)
def test_any_text_renders_as_itself(text):
    escaped = escape_markdown(text)
    assert _shown(render(escaped)) == " ".join(text.split())
    assert plain_text(escaped).split() == text.split()


def test_line_breaks_and_indentation_stay_and_nothing_becomes_markup():
    text = "Dear team,\n    the invoice ![x](http://h/x.gif) is *attached*\n\n1. &lt;img&gt; <http://h/>\n---"
    rendered = render(escape_markdown(text))
    assert rendered == (
        "<p>Dear team,<br>\n&nbsp;&nbsp;&nbsp;&nbsp;the invoice ![x](http://h/x.gif) is *attached*</p>\n"
        "<p>1. &amp;lt;img&amp;gt; &lt;http://h/&gt;<br>\n---</p>\n"
    )
    assert escape_markdown("") == "" and escape_markdown("Ann <ann@x.example>") == "Ann \\<ann@x\\.example\\>"
