"""An HTML body made safe to show, and its text for messages that have no plain-text part.

Sanitising is nh3 (the Rust ammonia sanitiser) with an allow-list: text formatting, lists,
tables, quotes and links; no script, style sheet, form, frame, event handler or class. Links
keep only absolute http, https and mailto addresses (a relative link would point into Dutydesk
itself) and get `rel="noopener noreferrer nofollow"`. A style attribute keeps only colour,
weight, alignment and similar properties, never a URL.

Images: only inline ones (`cid:` sources, the message's own attached images) are kept; remote
ones are removed, because loading them tells the sender when and from where the ticket was read
(tracking pixels) and brings third-party content into the page. The page that shows a body maps
`cid:` sources to the attachments with that `content_id`, or drops them.

html5ever, under nh3, takes time that grows with the square (and worse) of the nesting depth:
20,000 nested list items take seconds. `nesting_work` estimates that cost from the tags in a
linear scan; HTML above `MOST_NESTING_WORK` or `LONGEST_HTML` is not sanitised (no HTML body is
shown, the text stays) and its text is read by stripping tags instead.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

LONGEST_HTML = 2_000_000  # characters
MOST_NESTING_DEPTH = 500
MOST_NESTING_WORK = 2_000_000  # the sum, over start tags, of how many elements are open

_DISPLAY_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col",
        "colgroup", "dd", "del", "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small",
        "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "tt", "u", "ul",
    }
)  # fmt: skip
_DISPLAY_ATTRIBUTES = {
    "*": {"style", "title", "dir", "lang", "align"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "valign", "width"},
    "th": {"colspan", "rowspan", "valign", "width"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "table": {"width", "cellpadding", "cellspacing", "border"},
    "font": {"color", "size", "face"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "blockquote": {"type"},
}
_STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font-weight", "font-style", "font-size", "font-family",
        "text-align", "text-decoration", "vertical-align", "white-space", "border",
        "border-collapse", "padding", "margin", "width",
    }
)  # fmt: skip
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Elements whose content is never text to show: code, styles, the document's head.
_CONTENT_DROPPED = frozenset({"script", "style", "title", "head", "template", "noscript"})


def _safe_url(tag: str, attribute: str, value: str) -> str | None:
    # nh3 calls this for every kept attribute; it must never raise (a raise drops the attribute
    # and is reported as unraisable).
    if attribute == "src":
        return value if tag == "img" and value.strip().lower().startswith("cid:") else None
    if attribute == "href":
        try:
            scheme = urlsplit(value.strip()).scheme.lower()
        except ValueError:  # "http://[not-an-address" and the like
            return None
        return value if scheme in _LINK_SCHEMES else None
    return value


_DISPLAY = nh3.Cleaner(
    tags=set(_DISPLAY_TAGS),
    clean_content_tags=set(_CONTENT_DROPPED),
    attributes={tag: set(names) for tag, names in _DISPLAY_ATTRIBUTES.items()},
    attribute_filter=_safe_url,
    link_rel="noopener noreferrer nofollow",
    url_schemes=set(_LINK_SCHEMES) | {"cid"},
    url_relative="deny",
    filter_style_properties=set(_STYLE_PROPERTIES),
    strip_comments=True,
)

# Tags that end a line when the HTML is read as text; blockquote also quotes its lines.
_BLOCKS = frozenset(
    {
        "blockquote", "br", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "li", "ol", "p", "pre", "table", "tr", "ul",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_TEXT = nh3.Cleaner(
    tags=set(_BLOCKS | _CELLS),
    clean_content_tags=set(_CONTENT_DROPPED),
    attributes={},
    link_rel=None,
    strip_comments=True,
)
_CLEAN_TAG = re.compile(r"<(/?)([a-z0-9]+)\s*/?>")

# For the nesting estimate: elements that never hold others, and those a sibling closes.
_VOID = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "keygen", "frame", "basefont", "bgsound",
    }
)  # fmt: skip
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th"})
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]*)")
_ANY_MARKUP = re.compile(r"<[^<>]*>")


def nesting_work(markup: str) -> int:
    """An estimate of html5ever's work for `markup`: the sum, over start tags, of the elements
    open when it starts. End tags close only a matching open element; past
    `MOST_NESTING_DEPTH` the estimate is over the limit at once."""
    open_names: list[str] = []
    open_count: dict[str, int] = {}
    work = 0
    for tag in _ANY_TAG.finditer(markup):
        name = tag.group(2).lower()
        if name in _VOID or name in _SELF_CLOSING:
            continue
        if not tag.group(1):
            work += len(open_names)
            open_names.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            if len(open_names) > MOST_NESTING_DEPTH:
                return MOST_NESTING_WORK + 1
        elif open_count.get(name):
            while open_names:
                closed = open_names.pop()
                open_count[closed] -= 1
                if closed == name:
                    break
    return work


def too_complex(markup: str) -> str | None:
    """Why `markup` is not given to the sanitiser, or None when it may be."""
    if len(markup) > LONGEST_HTML:
        return f"HTML body longer than {LONGEST_HTML} characters"
    if nesting_work(markup) > MOST_NESTING_WORK:
        return f"HTML body nested too deep (more than {MOST_NESTING_DEPTH} levels or as costly)"
    return None


def sanitise(markup: str) -> str:
    """`markup` with only the allowed tags, attributes and links (call `too_complex` first)."""
    return _DISPLAY.clean(markup)


def html_text(markup: str, *, complex_markup: bool) -> str:
    """The text of an HTML body: a line per block or <br>, blockquotes as "> " lines."""
    if complex_markup:
        return html.unescape(_ANY_MARKUP.sub(" ", markup))
    return _TextLines().read(_TEXT.clean(markup))


class _TextLines:
    """Reads the sanitiser's output (only block tags, no attributes, text escaped) as lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.line_depth = 0
        self.pre_depth = 0

    def read(self, cleaned: str) -> str:
        position = 0
        for tag in _CLEAN_TAG.finditer(cleaned):
            self.add(cleaned[position : tag.start()])
            position = tag.end()
            closing, name = bool(tag.group(1)), tag.group(2)
            if name in _CELLS:
                self.current.append(" ")
            elif name == "br":
                self.end_line(blank_allowed=True)
            else:
                # An empty paragraph of a non-breaking space is Outlook's blank line.
                nbsp_only = "".join(self.current).strip(" \n\t") == "\xa0"
                self.end_line(blank_allowed=closing and nbsp_only)
                if name == "blockquote":
                    self.quote_depth = (
                        max(0, self.quote_depth - 1) if closing else self.quote_depth + 1
                    )
                elif name == "pre":
                    self.pre_depth = max(0, self.pre_depth - 1) if closing else self.pre_depth + 1
        self.add(cleaned[position:])
        self.end_line(blank_allowed=False)
        return "\n".join(self.lines).strip("\n")

    def add(self, escaped: str) -> None:
        if not escaped:
            return
        text = html.unescape(escaped)
        if not self.pre_depth:
            self.start_line()
            self.current.append(text)
            return
        first, *others = text.split("\n")
        self.start_line()
        self.current.append(first)
        for line in others:
            self.end_line(blank_allowed=True)
            self.start_line()
            self.current.append(line)

    def start_line(self) -> None:
        if not self.current:
            self.line_depth = self.quote_depth

    def end_line(self, *, blank_allowed: bool) -> None:
        joined = "".join(self.current).replace("\xa0", " ")
        text = joined.rstrip() if self.pre_depth else " ".join(joined.split())
        self.current.clear()
        if text.strip():
            self.lines.append("> " * self.line_depth + text)
        elif blank_allowed and self.lines and self.lines[-1] != "":
            self.lines.append("")
