"""Hostile text of the kinds people paste or attackers try, and a check that a page renders
none of it as markup: every script is the page's own, no element carries an event handler, and
no link or source is a script or data address."""

from __future__ import annotations

from html.parser import HTMLParser

# Each is tried as a title, a timeline entry and the incident document.
CORPUS: tuple[str, ...] = (
    '<script>alert("title")</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[tabbed](jav\tascript:alert(1))",
    "[entity](jav&#x09;ascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tab in the scheme</a>',
    "![image](javascript:alert(1))",
    "![pixel](https://evil.example/pixel.gif)",
    "<javascript:alert(1)>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)" onclick="alert(2)">link</a>',
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object><embed src="x.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<form action=https://evil.example><button>Log in again</button></form>",
    "{{ 7*7 }} {% raw %}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- comment --><scr<script>ipt>alert(1)</script>",
    "`<script>alert(1)</script>` and ```\n<script>alert(2)</script>\n```",
)
_OWN_SCRIPTS = {"/static/dutydesk.js", "/static/api-docs.js"}
_NEVER = {
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "img",
    "form-injected",
    "base",
    "meta-refresh",
}
_ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src") not in _OWN_SCRIPTS:
            self.problems.append(f"a script not the page's own: {attrs}")
        if tag in _NEVER:
            self.problems.append(f"<{tag}> {attrs}")
        if tag == "form" and not _same_site(values.get("action") or "/"):
            self.problems.append(f"a form to elsewhere: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler on <{tag}>: {name}={value}")
            if name in _ADDRESS_ATTRIBUTES and value is not None:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")


def markup_problems(html: str) -> list[str]:
    """What in the page is active markup that none of Dutydesk's templates makes."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.problems


def _same_site(action: str) -> bool:
    """A form's address on the page's own site: a path, or relative to the page (the public
    status pages' links are relative, so they work under any prefix or host)."""
    if action.startswith("//"):
        return False
    return action.startswith("/") or ":" not in action.split("?", 1)[0].split("/", 1)[0]
