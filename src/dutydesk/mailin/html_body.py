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

html5ever, under nh3, takes time that grows with the square (or worse) of the nesting depth:
20,000 nested list items take seconds, and some shallow shapes (tables with formatting elements
around them) grow with the square of the tag count. `nesting_cost` estimates the work in a
linear scan that tracks the open elements as html5ever does or deeper, and bounds the tags;
HTML over `LONGEST_HTML`, `MOST_START_TAGS`, `MOST_NESTING_DEPTH` or `MOST_NESTING_WORK` is not
sanitised (no HTML body is shown; the text stays) and its text is read by stripping tags. In a
random search of 6,000 repeated tag patterns of 10,000 tags, the slowest HTML let through took
0.16 s to sanitise (for scale: a 3,300-line Outlook thread has under 10,000 tags).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

LONGEST_HTML = 2_000_000  # characters
MOST_NESTING_DEPTH = 500
MOST_NESTING_WORK = 2_000_000  # the sum, over start tags, of how many elements are open
MOST_START_TAGS = 10_000

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
_STYLE_LOADS = re.compile(r"url\s*\(|image|expression|\\|/\*|var\s*\(|@import", re.IGNORECASE)
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
    if attribute == "style" and _STYLE_LOADS.search(value):
        # The property filter keeps a colour whose value runs on into "url(…)" when a
        # semicolon is missing; no kept property needs a URL, escape, comment or variable.
        return None
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
# A start tag of these closes an open element of its family when that element is the current
# one (html5ever closes it in more cases; closing it in fewer only overestimates, which is safe).
_FAMILY = {
    "p": frozenset({"p"}),
    "li": frozenset({"li"}),
    "dd": frozenset({"dd", "dt"}),
    "dt": frozenset({"dd", "dt"}),
    "option": frozenset({"option"}),
    "tr": frozenset({"tr"}),
    "td": frozenset({"td", "th"}),
    "th": frozenset({"td", "th"}),
}
# Start tags before which html5ever closes an open p ("close a p element" when a p is in
# button scope): blocks, headings, lists. Not table, which closes no p in quirks mode.
_CLOSE_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
        "div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main",
        "menu", "nav", "ol", "p", "search", "section", "summary", "ul", "h1", "h2", "h3", "h4",
        "h5", "h6", "pre", "listing", "form", "plaintext", "hr", "xmp", "li", "dd", "dt",
    }
)  # fmt: skip
# End tags that close their element wherever it is in scope, with what is open above it. Every
# other end tag (formatting ones go through the adoption agency, the rest stop at any special
# element) is honoured here only when its element is the current one.
_SCOPED_END = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
        "div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup",
        "listing", "main", "menu", "nav", "ol", "pre", "search", "section", "summary", "ul",
        "applet", "marquee", "object", "li", "dd", "dt", "table", "select", "template", "tr",
        "td", "th", "tbody", "thead", "tfoot", "caption", "colgroup",
    }
)  # fmt: skip
# Elements that end the scope an end tag looks in (HTML's "has an element in scope", with the
# button and list-item scopes' extras): nothing past them is closed.
_SCOPE_BOUNDARIES = frozenset(
    {
        "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
        "svg", "math", "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext",
        "annotation-xml", "button", "ol", "ul", "select",
    }
)  # fmt: skip
_TABLE_PARTS = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot", "caption", "colgroup"})
_END_TAG_REACH = 32  # open elements an end tag is looked for in, from the current one
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]*)")
_ANY_MARKUP = re.compile(r"<[^<>]*>")


class _OpenElements:
    """The stack of open elements as html5ever builds it, or deeper: an element is closed here
    only where html5ever surely closes it, so the estimate is never too low."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.count: dict[str, int] = {}

    def push(self, name: str) -> None:
        self.names.append(name)
        self.count[name] = self.count.get(name, 0) + 1

    def pop(self) -> None:
        self.count[self.names.pop()] -= 1

    def close_in_scope(self, name: str) -> None:
        """Close `name` and everything above it, if it is open within reach and in scope."""
        if not self.count.get(name):
            return
        for reach, open_name in enumerate(reversed(self.names)):
            if open_name == name:
                for _ in range(reach + 1):
                    self.pop()
                return
            if open_name in _SCOPE_BOUNDARIES or reach >= _END_TAG_REACH:
                return

    def start(self, name: str) -> None:
        if name in _CLOSE_P:
            self.close_in_scope("p")
        family = _FAMILY.get(name)
        if family is not None and self.names and self.names[-1] in family:
            self.pop()
        self.push(name)

    def end(self, name: str) -> None:
        if name in _SCOPED_END and (name not in _TABLE_PARTS or self.count.get("table")):
            self.close_in_scope(name)
        elif self.names and self.names[-1] == name:
            self.pop()


def nesting_cost(markup: str) -> str | None:
    """Why html5ever would take too long on `markup`, or None. The work is estimated as the sum,
    over start tags, of the elements open when each starts (`_OpenElements`: never too low);
    the tag count bounds what the stack does not show (foster parenting, formatting elements
    re-opened), whose cost also grows with the square of the tags."""
    stack = _OpenElements()
    work = 0
    starts = 0
    for tag in _ANY_TAG.finditer(markup):
        name = tag.group(2).lower()
        if name in _VOID:
            continue
        if tag.group(1):
            stack.end(name)
            continue
        starts += 1
        if starts > MOST_START_TAGS:
            return f"more than {MOST_START_TAGS} HTML tags"
        work += len(stack.names)
        stack.start(name)
        if len(stack.names) > MOST_NESTING_DEPTH:
            return f"HTML nested more than {MOST_NESTING_DEPTH} deep"
    if work > MOST_NESTING_WORK:
        return "HTML nested too deep to sanitise in time"
    return None


def too_complex(markup: str) -> str | None:
    """Why `markup` is not given to the sanitiser, or None when it may be."""
    if len(markup) > LONGEST_HTML:
        return f"HTML body longer than {LONGEST_HTML} characters"
    return nesting_cost(markup)


def sanitise(markup: str) -> str:
    """`markup` with only the allowed tags, attributes and links (call `too_complex` first)."""
    return _DISPLAY.clean(markup)


def html_text(markup: str, *, complex_markup: bool) -> str:
    """The text of an HTML body: a line per block or <br>, blockquotes as "> " lines."""
    if complex_markup:
        stripped = html.unescape(_ANY_MARKUP.sub(" ", markup))
        lines = (" ".join(line.split()) for line in stripped.split("\n"))
        return "\n".join(line for line in lines if line)
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
