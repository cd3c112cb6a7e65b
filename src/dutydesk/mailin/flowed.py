"""format=flowed text (RFC 3676), as Thunderbird and Apple Mail send it, joined into paragraphs.

A line ending in a space continues on the next line of the same quote depth; `delsp=yes` means
that space was added by the sender and goes. A leading space after the quote marks is stuffing.
The signature separator "-- " is never a soft break.
"""

from __future__ import annotations


def unflow(text: str, *, delsp: bool) -> str:
    """`text` (LF line ends) with its soft line breaks joined."""
    lines: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def finish() -> None:
        if paragraph:
            lines.append(
                ">" * paragraph_depth + ("" if not paragraph_depth else " ") + "".join(paragraph)
            )
            paragraph.clear()

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if paragraph and depth != paragraph_depth:
            finish()
        paragraph_depth = depth
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        paragraph.append(content)
        if not soft:
            finish()
    finish()
    return "\n".join(lines)
