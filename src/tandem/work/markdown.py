"""Markdown of item descriptions and comments: CommonMark (markdown-it-py) with tables and
strikethrough, raw HTML shown as text, the result sanitised by nh3. `#123` becomes a link to item
123 and `@handle` a link to that user, when they exist — found on the parser's text tokens, so
never inside code or inside a link someone wrote. The callers answer "which of these exist?" for
all references (or handles) of a text at once, so a page with many comments asks the database
once per comment, not once per reference.

Text from outside (mail: bodies, names, subjects, file names) goes in through `escape_markdown`, so
that it renders as the characters written and never as markup."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.token import Token

REFERENCE_RE = re.compile(r"(?<![\w&/#])#(\d{1,18})(?!\w)")
# Not after a word character, so an e-mail address (ann@example.com) is no mention.
MENTION_RE = re.compile(r"(?<![\w@.+-])@([a-z0-9][a-z0-9._-]{0,39})", re.IGNORECASE)

References = Callable[[list[int]], Mapping[int, tuple[str, str]]]
Mentions = Callable[[list[str]], Mapping[str, tuple[str, str]]]

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "th": {"class"},
    "td": {"class"},
    "ol": {"start"},
}


# Every ASCII punctuation character that can begin or take part in CommonMark or its extensions
# here (emphasis, links and images, HTML, autolinks, entities, code, lists, headings, quotes,
# tables, strikethrough, thematic breaks and setext underlines); each is escaped wherever it stands,
# so no context decides whether it is safe.
_MARKUP_CHARACTERS = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&=])")
_LEADING_BLANKS = re.compile(r"^[ \t]+")


def escape_markdown(text: str) -> str:
    """`text` as Markdown that renders as exactly these characters: no link, image, HTML, autolink,
    entity or formatting can come of it. Each line break is kept (Markdown would join the lines),
    a blank line separates paragraphs, and a line's leading blanks stay as no-break spaces (four
    spaces would make a code block, where the escapes would show)."""
    lines = []
    for line in str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _MARKUP_CHARACTERS.sub(r"\\\1", line.rstrip())
        line = _LEADING_BLANKS.sub(lambda m: "\u00a0" * len(m[0].expandtabs(4)), line)
        lines.append(f"{line}  " if line else "")
    return "\n".join(lines).strip(" \n")


def _text_tokens(tokens: list[Token]) -> Iterator[Token]:
    """The plain-text tokens outside links (code spans and blocks are other token types)."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = 0
        for child in token.children:
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type == "text" and depth == 0:
                yield child


def _handle(match: re.Match[str]) -> str:
    return match.group(1).lower().rstrip("._-")


def find_references(text: str) -> list[int]:
    found: dict[int, None] = {}
    for token in _text_tokens(_parser.parse(text or "")):
        for match in REFERENCE_RE.finditer(token.content):
            found.setdefault(int(match.group(1)))
    return list(found)


def find_mentions(text: str) -> list[str]:
    found: dict[str, None] = {}
    for token in _text_tokens(_parser.parse(text or "")):
        for match in MENTION_RE.finditer(token.content):
            if handle := _handle(match):
                found.setdefault(handle)
    return list(found)


def _link(url: str, title: str, css: str, label: str) -> str:
    return f'<a href="{escape(url)}" class="{css}" title="{escape(title)}">{escape(label)}</a>'


def _autolink(
    token: Token, references: Mapping[int, tuple[str, str]], mentions: Mapping[str, tuple[str, str]]
) -> list[Token]:
    """The text token split into text and links: one html_inline token per known reference or mention."""
    pattern = re.compile(f"{REFERENCE_RE.pattern}|{MENTION_RE.pattern}", re.IGNORECASE)
    pieces: list[Token] = []
    position = 0
    for match in pattern.finditer(token.content):
        html = ""
        if match.group(1) is not None and int(match.group(1)) in references:
            url, title = references[int(match.group(1))]
            html, end = _link(url, title, "item-ref", f"#{match.group(1)}"), match.end()
        elif match.group(2) is not None:
            handle = match.group(2).lower().rstrip("._-")
            if handle in mentions:
                url, title = mentions[handle]
                end = match.start() + 1 + len(handle)
                html = _link(url, title, "mention", f"@{handle}")
        if not html:
            continue
        if match.start() > position:
            pieces.append(_text(token.content[position : match.start()]))
        link = Token("html_inline", "", 0)
        link.content = html
        pieces.append(link)
        position = end
    if not pieces:
        return [token]
    if position < len(token.content):
        pieces.append(_text(token.content[position:]))
    return pieces


# A table column's alignment as Bootstrap's class: pages carry no style attributes (the
# Content-Security-Policy takes styles from Tandem's stylesheets only).
_ALIGN_CLASSES = {
    "text-align:left": "text-start",
    "text-align:center": "text-center",
    "text-align:right": "text-end",
}


def _align_by_class(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type in {"th_open", "td_open"} and "style" in token.attrs:
            align = _ALIGN_CLASSES.get(str(token.attrs.pop("style")))
            if align:
                token.attrs["class"] = align


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def render(text: str, *, references: References | None = None, mentions: Mentions | None = None) -> str:
    if not text or not text.strip():
        return ""
    tokens = _parser.parse(text)
    known_refs: Mapping[int, tuple[str, str]] = {}
    known_handles: Mapping[str, tuple[str, str]] = {}
    texts = list(_text_tokens(tokens))
    if references is not None:
        numbers = list(
            dict.fromkeys(int(m.group(1)) for t in texts for m in REFERENCE_RE.finditer(t.content))
        )
        known_refs = references(numbers) if numbers else {}
    if mentions is not None:
        handles = list(
            dict.fromkeys(h for t in texts for m in MENTION_RE.finditer(t.content) if (h := _handle(m)))
        )
        known_handles = mentions(handles) if handles else {}
    if known_refs or known_handles:
        for token in tokens:
            if token.type == "inline" and token.children:
                targets = set(map(id, _text_tokens([token])))
                children: list[Token] = []
                for child in token.children:
                    children += (
                        _autolink(child, known_refs, known_handles) if id(child) in targets else [child]
                    )
                token.children = children
    _align_by_class(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text: str) -> str:
    """The words of the Markdown as a reader sees them, without its syntax (blanks collapsed)."""
    words: list[str] = []
    for token in _parser.parse(text or ""):
        if token.type in {"fence", "code_block"}:
            words.append(token.content)
        for child in token.children or []:
            if child.type in {"text", "code_inline"}:
                words.append(child.content)
    return " ".join(" ".join(words).split())


def excerpt(text: str, length: int = 200) -> str:
    """Plain text: the words of the Markdown without its syntax, cut at a word when too long."""
    plain = plain_text(text)
    if len(plain) <= length:
        return plain
    cut = plain[: length - 1].rsplit(" ", 1)[0] or plain[: length - 1]
    return cut.rstrip(" ,.;:") + "…"
