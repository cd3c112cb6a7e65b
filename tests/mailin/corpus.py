"""A corpus of inbound mail as clients send it, each message with what reading it must give.

Every entry is built here with the standard library and literal bytes (the large ones when a
test asks for them, never committed), and says its outcome:

- TICKET: an InboundMail, not automatic: a new ticket, or a comment on the ticket it answers;
- AUTOMATIC: an InboundMail marked automatic: filed, but never acknowledged (the documented skip
  of the acknowledgement, RFC 3834);
- REFUSED: a Refusal with its code: no ticket, the bytes kept by the caller with the reason.

`fields` are InboundMail attributes (or Refusal ones) compared exactly; `text_has`/`text_lacks`
are strings the new text must (not) contain, which is how quote and signature stripping is
checked; `problems_mention` are words some problem note must contain.

Our side of the threads below: support@dutydesk.example sends "[#123] …" subjects with
Message-IDs <ticket-123.*@dutydesk.example>.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from textwrap import dedent

import pytest

from dutydesk.mailin import Address, AutoReplyKind, RefusalCode

MIB = 1024 * 1024
LIMITS = {"max_attachment_bytes": 10 * MIB, "max_message_bytes": 40 * MIB}


class Outcome(Enum):
    TICKET = "ticket"
    AUTOMATIC = "ticket, never acknowledged"
    REFUSED = "refused"


@dataclass(frozen=True)
class Case:
    name: str
    about: str
    build: Callable[[], bytes]
    outcome: Outcome
    fields: Mapping[str, object] = field(default_factory=dict)
    text_has: tuple[str, ...] = ()
    text_lacks: tuple[str, ...] = ()
    attachments: tuple[str, ...] | None = None  # file names kept, in order
    skipped: tuple[str, ...] | None = None  # file names skipped for size
    auto: AutoReplyKind | None = None
    refusal: RefusalCode | None = None
    html_has: tuple[str, ...] = ()
    html_lacks: tuple[str, ...] = ()
    problems_mention: tuple[str, ...] = ()
    large: bool = False  # built at test time: megabytes, or thousands of parts
    # Tens of megabytes to read: `make test` reads it, `make test-fast` leaves it out (slow).
    heavy: bool = False


def mail(text: str) -> bytes:
    """A message written as text (ASCII), with the CRLF line ends IMAP delivers."""
    return dedent(text).lstrip("\n").replace("\n", "\r\n").encode("ascii")


def raw_mail(head: str, body: bytes) -> bytes:
    """A message whose body is given as bytes (an 8-bit charset), CRLF line ends."""
    return mail(head).rstrip(b"\r\n") + b"\r\n\r\n" + body.replace(b"\n", b"\r\n")


# --- Plain text and HTML from the common clients ---------------------------------------------


def thunderbird_plain() -> bytes:
    return mail("""
        Message-ID: <6f1c2b7e-1d2a-4c3b-9a8e-0c1d2e3f4a5b@acme.example>
        Date: Mon, 2 Mar 2026 09:14:05 +0100
        MIME-Version: 1.0
        User-Agent: Mozilla Thunderbird
        Content-Language: en-GB
        To: support@dutydesk.example
        From: Bob Tenant <Bob.Tenant@Acme.Example>
        Subject: Deploys fail with 502 since this morning
        Content-Type: text/plain; charset=UTF-8; format=flowed
        Content-Transfer-Encoding: 7bit

        Hello,

        Since about 08:30 every cf push of our app ends with a 502 from the router.\x20
        The app itself starts fine.

        Could you have a look?

        --\x20
        Bob Tenant
        Platform lead, Acme Ltd
        """)


def outlook_alternative() -> bytes:
    return mail("""
        From: Carol Ops <carol@tenant-two.example>
        To: "support@dutydesk.example" <support@dutydesk.example>
        CC: Dan Dev <dan@tenant-two.example>
        Subject: Database quota
        Thread-Topic: Database quota
        Thread-Index: AdqMXfoo7Ls0Zq1jT3yS0V4nR0Hc7w==
        Date: Tue, 3 Mar 2026 08:01:44 +0000
        Message-ID: <DB9PR07MB1234ABCD5678EF@DB9PR07MB1234.eurprd07.prod.outlook.com>
        Accept-Language: en-GB, en-US
        Content-Language: en-US
        X-MS-Has-Attach:
        X-MS-TNEF-Correlator:
        Content-Type: multipart/alternative;
        \tboundary="_000_DB9PR07MB1234ABCD5678EFDB9PR07MB1234eurp_"
        MIME-Version: 1.0

        --_000_DB9PR07MB1234ABCD5678EFDB9PR07MB1234eurp_
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: quoted-printable

        Hi,

        Our Postgres service hit its storage quota. Can it be raised to 100 GB?

        Thanks,
        Carol

        --_000_DB9PR07MB1234ABCD5678EFDB9PR07MB1234eurp_
        Content-Type: text/html; charset="us-ascii"
        Content-Transfer-Encoding: quoted-printable

        <html xmlns:o=3D"urn:schemas-microsoft-com:office:office"><head>
        <meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dus-ascii">
        <style><!-- p.MsoNormal {margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;} --></style>
        </head><body lang=3D"EN-GB" link=3D"#0563C1"><div class=3D"WordSection1">
        <p class=3D"MsoNormal">Hi,<o:p></o:p></p><p class=3D"MsoNormal"><o:p>&nbsp;</o:p></p>
        <p class=3D"MsoNormal">Our Postgres service hit its storage quota. Can it be raised to 100 GB?<o:p></o:p></p>
        <p class=3D"MsoNormal"><o:p>&nbsp;</o:p></p><p class=3D"MsoNormal">Thanks,<o:p></o:p></p>
        <p class=3D"MsoNormal">Carol<o:p></o:p></p></div></body></html>

        --_000_DB9PR07MB1234ABCD5678EFDB9PR07MB1234eurp_--
        """)


def gmail_reply() -> bytes:
    return mail("""
        MIME-Version: 1.0
        References: <ticket-42.1@dutydesk.example> <ticket-42.2@dutydesk.example>
        In-Reply-To: <ticket-42.2@dutydesk.example>
        From: Erin Example <erin.example@gmail.com>
        Date: Wed, 4 Mar 2026 11:20:31 +0000
        Message-ID: <CAJx9=Ab+Yk0T3x1qQ7n2V_o8dGq@mail.gmail.com>
        Subject: Re: [#42] Logs missing from the drain
        To: Dutydesk Support <support@dutydesk.example>
        Content-Type: multipart/alternative; boundary="0000000000004c0b9a0612c3d5e7"

        --0000000000004c0b9a0612c3d5e7
        Content-Type: text/plain; charset="UTF-8"
        Content-Transfer-Encoding: quoted-printable

        That did it =E2=80=94 the logs are back. Thank you!

        On Wed, 4 Mar 2026 at 10:02, Dutydesk Support <support@dutydesk.example>
        wrote:

        > Please re-bind the drain service and restage the app.
        >
        > --
        > Dutydesk Support
        >

        --0000000000004c0b9a0612c3d5e7
        Content-Type: text/html; charset="UTF-8"
        Content-Transfer-Encoding: quoted-printable

        <div dir=3D"ltr">That did it =E2=80=94 the logs are back. Thank you!</div><=
        br><div class=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail_attr">On Wed,=
         4 Mar 2026 at 10:02, Dutydesk Support &lt;<a href=3D"mailto:support@dutyd=
        esk.example">support@dutydesk.example</a>&gt; wrote:<br></div><blockquote c=
        lass=3D"gmail_quote" style=3D"margin:0px 0px 0px 0.8ex;border-left:1px soli=
        d rgb(204,204,204);padding-left:1ex">Please re-bind the drain service and r=
        estage the app.<br></blockquote></div>

        --0000000000004c0b9a0612c3d5e7--
        """)


def apple_mail_reply() -> bytes:
    return mail("""
        From: Frank Fruit <frank@orchard.example>
        Content-Type: multipart/alternative;
        \tboundary="Apple-Mail=_6B1A2C3D-4E5F-6071-8293-A4B5C6D7E8F9"
        Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
        Subject: Re: [#7] Certificate renewal
        Date: Thu, 5 Mar 2026 16:45:12 +0000
        In-Reply-To: <ticket-7.3@dutydesk.example>
        To: support@dutydesk.example
        References: <ticket-7.1@dutydesk.example> <ticket-7.3@dutydesk.example>
        Message-Id: <A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF@orchard.example>
        X-Mailer: Apple Mail (2.3774.600.62)

        --Apple-Mail=_6B1A2C3D-4E5F-6071-8293-A4B5C6D7E8F9
        Content-Transfer-Encoding: 7bit
        Content-Type: text/plain;
        \tcharset=us-ascii

        Renewed and deployed, all green now.

        Sent from my iPhone

        > On 5 Mar 2026, at 15:02, Dutydesk Support <support@dutydesk.example> wrote:
        >\x20
        > Your certificate for orchard.example expires on Friday.

        --Apple-Mail=_6B1A2C3D-4E5F-6071-8293-A4B5C6D7E8F9
        Content-Transfer-Encoding: 7bit
        Content-Type: text/html;
        \tcharset=us-ascii

        <html><head><meta http-equiv="content-type" content="text/html; charset=us-ascii"></head><body dir="auto">Renewed and deployed, all green now.<br><br><div>Sent from my iPhone</div><div><br><blockquote type="cite">On 5 Mar 2026, at 15:02, Dutydesk Support &lt;support@dutydesk.example&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div>Your certificate for orchard.example expires on Friday.</div></blockquote></body></html>
        --Apple-Mail=_6B1A2C3D-4E5F-6071-8293-A4B5C6D7E8F9--
        """)


def html_only() -> bytes:
    return mail("""
        From: Grace <grace@webmail.example>
        To: support@dutydesk.example
        Subject: Can't log in to the dashboard
        Date: Thu, 5 Mar 2026 09:00:00 -0500
        Message-ID: <html-only-1@webmail.example>
        MIME-Version: 1.0
        Content-Type: text/html; charset=utf-8

        <html><body><p>Hi team,</p><p>The dashboard says <b>403 Forbidden</b> for everyone in our org.</p>
        <ul><li>since 13:00</li><li>all browsers</li></ul><p>Grace</p></body></html>
        """)


def hostile_html() -> bytes:
    return mail("""
        From: Mallory <mallory@attacker.example>
        To: support@dutydesk.example
        Subject: Please look at this
        Date: Thu, 5 Mar 2026 09:00:00 +0000
        Message-ID: <hostile-html@attacker.example>
        MIME-Version: 1.0
        Content-Type: text/html; charset=utf-8

        <html><head><script>steal(document.cookie)</script><style>body{background:url(https://t.example/p.gif)}</style></head>
        <body onload="steal()"><p>Our app is down.</p>
        <img src="https://tracker.example/pixel.gif?id=42" width="1" height="1">
        <img src="x" onerror="alert(1)">
        <a href="javascript:alert(document.domain)">click</a>
        <a href="JaVaScRiPt:alert(2)">again</a>
        <a href="/admin/users/delete">relative</a>
        <a href="https://status.acme.example/" onclick="steal()" target="_self">status page</a>
        <iframe src="https://evil.example/"></iframe><form action="https://evil.example/"><input name="password"></form>
        <svg><script>alert(3)</script></svg><math><mi xlink:href="javascript:alert(4)">x</mi></math>
        <p style="color: red; background-image: url(https://t.example/q.gif); position: fixed">styled</p>
        </body></html>
        """)


# --- Quoted replies in each style ---------------------------------------------------------------


def outlook_original_message() -> bytes:
    return mail("""
        From: Carol Ops <carol@tenant-two.example>
        To: support@dutydesk.example
        Subject: RE: [#88] Database quota
        Date: Tue, 3 Mar 2026 14:11:02 +0000
        Message-ID: <DB9PR07MB9999@DB9PR07MB9999.eurprd07.prod.outlook.com>
        In-Reply-To: <ticket-88.2@dutydesk.example>
        References: <ticket-88.1@dutydesk.example> <ticket-88.2@dutydesk.example>
        X-Mailer: Microsoft Outlook 16.0
        MIME-Version: 1.0
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: 7bit

        Yes, 100 GB is fine for now.

        Regards,
        Carol

        -----Original Message-----
        From: Dutydesk Support <support@dutydesk.example>
        Sent: Tuesday, March 3, 2026 1:02 PM
        To: Carol Ops <carol@tenant-two.example>
        Subject: [#88] Database quota

        Would 100 GB be enough?
        """)


def outlook_web_underscores() -> bytes:
    return mail("""
        From: Dan Dev <dan@tenant-two.example>
        To: support@dutydesk.example
        Subject: RE: [#88] Database quota
        Date: Tue, 3 Mar 2026 15:20:00 +0000
        Message-ID: <AM0PR01MB5555@AM0PR01MB5555.eurprd01.prod.outlook.com>
        In-Reply-To: <ticket-88.3@dutydesk.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset="us-ascii"

        Confirmed, the migration went through.

        ________________________________
        From: Dutydesk Support <support@dutydesk.example>
        Sent: 03 March 2026 14:30
        To: Dan Dev <dan@tenant-two.example>
        Subject: [#88] Database quota

        The quota is now 100 GB.
        """)


def outlook_html_header_block() -> bytes:
    return mail("""
        From: Carol Ops <carol@tenant-two.example>
        To: support@dutydesk.example
        Subject: RE: [#88] Database quota
        Date: Wed, 4 Mar 2026 09:00:00 +0000
        Message-ID: <DB9PR07MB7777@DB9PR07MB7777.eurprd07.prod.outlook.com>
        In-Reply-To: <ticket-88.4@dutydesk.example>
        MIME-Version: 1.0
        Content-Type: text/html; charset="utf-8"

        <html><body><div class="WordSection1"><p class="MsoNormal">All good, please close it.<o:p></o:p></p>
        <p class="MsoNormal"><o:p>&nbsp;</o:p></p>
        <div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
        <p class="MsoNormal"><b>From:</b> Dutydesk Support &lt;support@dutydesk.example&gt;<br>
        <b>Sent:</b> 03 March 2026 16:00<br><b>To:</b> Carol Ops &lt;carol@tenant-two.example&gt;<br>
        <b>Subject:</b> [#88] Database quota<o:p></o:p></p></div>
        <p class="MsoNormal">Is there anything else we can do?<o:p></o:p></p></div></body></html>
        """)


def interleaved_quotes() -> bytes:
    return mail("""
        From: Heidi <heidi@mutt.example>
        To: support@dutydesk.example
        Subject: Re: [#19] Questions about the outage
        Date: Fri, 6 Mar 2026 10:00:00 +0100
        Message-ID: <20260306090000.GA1234@mutt.example>
        In-Reply-To: <ticket-19.2@dutydesk.example>
        User-Agent: Mutt/2.2.12 (2023-09-09)
        Content-Type: text/plain; charset=us-ascii

        On Fri, Mar 06, 2026 at 09:00:00AM +0000, Dutydesk Support wrote:
        > Which region is your app in?

        eu-west, both spaces.

        > Did the restart help?

        No, the errors continued.

        > Please send the request ids.
        > We will look at the router logs.
        """)


def bottom_quote_without_header() -> bytes:
    return mail("""
        From: Ivan <ivan@acme.example>
        To: support@dutydesk.example
        Subject: Re: [#31] Backups
        Date: Fri, 6 Mar 2026 12:00:00 +0000
        Message-ID: <backups-reply@acme.example>
        In-Reply-To: <ticket-31.1@dutydesk.example>
        Content-Type: text/plain; charset=us-ascii

        The backup from last night is the one we need restored.

        > Which backup should we restore?
        > We keep seven daily ones.
        """)


def mobile_footer_and_signature() -> bytes:
    return mail("""
        From: Judy <judy@acme.example>
        To: support@dutydesk.example
        Subject: App slow
        Date: Sat, 7 Mar 2026 08:00:00 +0000
        Message-ID: <judy-1@acme.example>
        Content-Type: text/plain; charset=utf-8

        Our app has been slow since the platform upgrade.
        - p95 went from 200 ms to 900 ms
        - only in the eu-west region

        Thanks,
        Judy

        Get Outlook for iOS
        """)


# --- Attachments ----------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def rfc2231_attachments() -> bytes:
    pdf = base64.b64encode(PDF).decode()
    csv = base64.b64encode("région;coût\neu-west;12€\n".encode()).decode()
    return mail(f"""
        Message-ID: <att-2231@acme.example>
        Date: Mon, 9 Mar 2026 10:00:00 +0100
        MIME-Version: 1.0
        User-Agent: Mozilla Thunderbird
        To: support@dutydesk.example
        From: Bob Tenant <bob.tenant@acme.example>
        Subject: Invoices attached
        Content-Type: multipart/mixed; boundary="------------a1b2c3d4e5f6a7b8c9d0e1f2"

        This is a multi-part message in MIME format.
        --------------a1b2c3d4e5f6a7b8c9d0e1f2
        Content-Type: text/plain; charset=UTF-8; format=flowed
        Content-Transfer-Encoding: 7bit

        Both files attached.

        --------------a1b2c3d4e5f6a7b8c9d0e1f2
        Content-Type: application/pdf; name*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf
        Content-Disposition: attachment; filename*=UTF-8''rapport%20%C3%A9t%C3%A9.pdf
        Content-Transfer-Encoding: base64

        {pdf}
        --------------a1b2c3d4e5f6a7b8c9d0e1f2
        Content-Type: text/csv; charset=UTF-8
        Content-Disposition: attachment;
         filename*0*=UTF-8''co%C3%BBts%20par%20r%C3%A9gion%20;
         filename*1*=%E2%80%94%20mars.csv
        Content-Transfer-Encoding: base64

        {csv}
        --------------a1b2c3d4e5f6a7b8c9d0e1f2--
        """)


def encoded_word_filename() -> bytes:
    pdf = base64.b64encode(PDF).decode()
    return mail(f"""
        From: Carol Ops <carol@tenant-two.example>
        To: support@dutydesk.example
        Subject: Contract
        Date: Mon, 9 Mar 2026 11:00:00 +0000
        Message-ID: <DB9PR07MB4242@DB9PR07MB4242.eurprd07.prod.outlook.com>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="_004_DB9PR07MB4242_"

        --_004_DB9PR07MB4242_
        Content-Type: text/plain; charset="iso-8859-1"
        Content-Transfer-Encoding: quoted-printable

        See the signed contract.

        --_004_DB9PR07MB4242_
        Content-Type: application/pdf; name="=?iso-8859-1?Q?Vertr=E4ge_2026.pdf?="
        Content-Description: =?iso-8859-1?Q?Vertr=E4ge_2026.pdf?=
        Content-Disposition: attachment; filename="=?iso-8859-1?Q?Vertr=E4ge_2026.pdf?="; size=44
        Content-Transfer-Encoding: base64

        {pdf}
        --_004_DB9PR07MB4242_--
        """)


def inline_image() -> bytes:
    png = base64.b64encode(PNG).decode()
    return mail(f"""
        From: Frank Fruit <frank@orchard.example>
        Content-Type: multipart/related;
        \ttype="text/html";
        \tboundary="Apple-Mail=_11112222-3333-4444-5555-666677778888"
        Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
        Subject: Screenshot of the error
        Date: Mon, 9 Mar 2026 12:00:00 +0000
        To: support@dutydesk.example
        Message-Id: <inline-image@orchard.example>

        --Apple-Mail=_11112222-3333-4444-5555-666677778888
        Content-Transfer-Encoding: 7bit
        Content-Type: text/html;
        \tcharset=us-ascii

        <html><body><div>This is what we see:</div><div><img apple-inline="yes" src="cid:F00D-1@orchard.example" width="300"></div></body></html>
        --Apple-Mail=_11112222-3333-4444-5555-666677778888
        Content-Transfer-Encoding: base64
        Content-Disposition: inline;
        \tfilename=error.png
        Content-Type: image/png;
        \tname="error.png"
        Content-Id: <F00D-1@orchard.example>

        {png}
        --Apple-Mail=_11112222-3333-4444-5555-666677778888--
        """)


def hostile_filenames() -> bytes:
    return mail("""
        From: Mallory <mallory@attacker.example>
        To: support@dutydesk.example
        Subject: Files
        Date: Mon, 9 Mar 2026 13:00:00 +0000
        Message-ID: <hostile-names@attacker.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="XX"

        --XX
        Content-Type: text/plain

        Three files.
        --XX
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename="../../etc/passwd"

        root:x:0:0
        --XX
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe

        MZ
        --XX
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename="C:\\\\Users\\\\me\\\\report.txt"

        report
        --XX
        Content-Type: image/png
        Content-Disposition: attachment

        no name
        --XX--
        """)


def calendar_invite() -> bytes:
    return mail("""
        From: Carol Ops <carol@tenant-two.example>
        To: support@dutydesk.example
        Subject: Invitation: migration window
        Date: Mon, 9 Mar 2026 14:00:00 +0000
        Message-ID: <invite-1@tenant-two.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="inv"

        --inv
        Content-Type: text/plain; charset=utf-8

        Please join the migration window on Thursday.
        --inv
        Content-Type: text/calendar; charset=utf-8; method=REQUEST

        BEGIN:VCALENDAR
        METHOD:REQUEST
        END:VCALENDAR
        --inv--
        """)


def forwarded_as_attachment() -> bytes:
    return mail("""
        Message-ID: <fwd-attached@acme.example>
        Date: Mon, 9 Mar 2026 15:00:00 +0100
        MIME-Version: 1.0
        User-Agent: Mozilla Thunderbird
        To: support@dutydesk.example
        From: Bob Tenant <bob.tenant@acme.example>
        Subject: Fwd: Alert from our monitoring
        Content-Type: multipart/mixed; boundary="------------fwd0fwd0fwd0"

        --------------fwd0fwd0fwd0
        Content-Type: text/plain; charset=UTF-8

        This alert came in overnight, see the attached message.

        --------------fwd0fwd0fwd0
        Content-Type: message/rfc822; name="Alert from our monitoring.eml"
        Content-Disposition: attachment; filename="Alert from our monitoring.eml"

        From: monitoring@acme.example
        To: bob.tenant@acme.example
        Subject: Alert from our monitoring
        Message-ID: <alert-77@acme.example>

        CPU above 95% on web-3.

        --------------fwd0fwd0fwd0--
        """)


def large_attachment() -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Bob Tenant <bob.tenant@acme.example>"
    message["To"] = "support@dutydesk.example"
    message["Subject"] = "Heap dump"
    message["Date"] = "Tue, 10 Mar 2026 09:00:00 +0000"
    message["Message-ID"] = "<heap-dump@acme.example>"
    message.set_content("The heap dump from the crash is attached.\n")
    message.add_attachment(
        os.urandom(25 * MIB), maintype="application", subtype="octet-stream", filename="heap.hprof"
    )
    message.add_attachment(b"pid=42\n", maintype="text", subtype="plain", filename="crash.log")
    return message.as_bytes()


# --- Charsets ---------------------------------------------------------------------------------


def latin1_plain() -> bytes:
    return raw_mail(
        """
        From: =?iso-8859-1?q?Ren=E9e_Dupr=E9?= <renee@fromage.example>
        To: support@dutydesk.example
        Subject: =?iso-8859-1?q?Probl=E8me_de_d=E9ploiement?=
        Date: Tue, 10 Mar 2026 10:00:00 +0100
        Message-ID: <latin1@fromage.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=ISO-8859-1
        Content-Transfer-Encoding: 8bit
        """,
        "Le déploiement échoue à l'étape « staging ».\n".encode("latin-1"),
    )


def cp1252_labelled_latin1() -> bytes:
    return raw_mail(
        """
        From: Carol Ops <carol@tenant-two.example>
        To: support@dutydesk.example
        Subject: Pricing
        Date: Tue, 10 Mar 2026 11:00:00 +0000
        Message-ID: <cp1252@tenant-two.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset="iso-8859-1"
        Content-Transfer-Encoding: 8bit
        """,
        "It’s “urgent” – the bill says 120 € per month.\n".encode("cp1252"),
    )


def utf8_labelled_latin1() -> bytes:
    return raw_mail(
        """
        From: Zoe <zoe@acme.example>
        To: support@dutydesk.example
        Subject: Names
        Date: Tue, 10 Mar 2026 12:00:00 +0000
        Message-ID: <utf8-as-latin1@acme.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=iso-8859-1
        Content-Transfer-Encoding: 8bit
        """,
        "Zoë and Jürgen cannot sign in.\n".encode(),
    )


def unknown_charset() -> bytes:
    return raw_mail(
        """
        From: Old Client <old@legacy.example>
        To: support@dutydesk.example
        Subject: =?x-foo?q?Caf=E9?= order
        Date: Tue, 10 Mar 2026 13:00:00 +0000
        Message-ID: <x-foo@legacy.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=x-foo
        Content-Transfer-Encoding: 8bit
        """,
        "Café menu broken.\n".encode("cp1252"),
    )


def broken_utf8() -> bytes:
    return raw_mail(
        """
        From: Zoe <zoe@acme.example>
        To: support@dutydesk.example
        Subject: Truncated
        Date: Tue, 10 Mar 2026 14:00:00 +0000
        Message-ID: <broken-utf8@acme.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit
        """,
        "Zoë's upload stopped at ".encode() + b"\xff\xfe" + b" byte 1024.\n",
    )


def raw_utf8_headers() -> bytes:
    return raw_mail(
        """
        From: Zoe <zoe@acme.example>
        To: support@dutydesk.example
        Date: Tue, 10 Mar 2026 15:00:00 +0000
        Message-ID: <smtputf8@acme.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: 8bit
        """,
        b"Body.\n",
    ).replace(b"From: Zoe", "Subject: Über [#7] naïve\r\nFrom: Zoë".encode())


# --- Missing and malformed headers and MIME -----------------------------------------------------


def missing_headers() -> bytes:
    return mail("""
        To: support@dutydesk.example
        Subject: no sender, no date, no id

        Written by a script that sets nothing.
        """)


def no_mime_headers() -> bytes:
    return raw_mail(
        """
        From: script@cron.example
        To: support@dutydesk.example
        Subject: nightly report
        Date: Tue, 10 Mar 2026 02:00:00 +0000
        Message-ID: <nightly@cron.example>
        """,
        "Nightly job finished: 3 warnings – see naïve.log\n".encode(),
    )


def broken_content_type() -> bytes:
    return mail("""
        From: Broken <broken@client.example>
        To: support@dutydesk.example
        Subject: Broken content type
        Date: Tue, 10 Mar 2026 16:00:00 +0000
        Message-ID: <broken-ctype@client.example>
        MIME-Version: 1.0
        Content-Type: ;;; charset="
        Content-Transfer-Encoding: bogus

        The body is still readable.
        """)


def bad_base64_padding() -> bytes:
    encoded = base64.b64encode(b"Padding was lost on the way.\n").decode().rstrip("=")
    return mail(f"""
        From: Bob Tenant <bob.tenant@acme.example>
        To: support@dutydesk.example
        Subject: Base64 body
        Date: Tue, 10 Mar 2026 17:00:00 +0000
        Message-ID: <bad-padding@acme.example>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: base64

        {encoded}!!
        """)


def multipart_without_boundary() -> bytes:
    return mail("""
        From: Broken <broken@client.example>
        To: support@dutydesk.example
        Subject: No boundary
        Date: Tue, 10 Mar 2026 18:00:00 +0000
        Message-ID: <no-boundary@client.example>
        MIME-Version: 1.0
        Content-Type: multipart/mixed

        Text that should have been a part.
        """)


def unreadable_date_and_bare_ids() -> bytes:
    refs = " ".join(f"<r{i}@dutydesk.example>" for i in range(150))
    return mail(f"""
        From: bob.tenant@acme.example (Bob Tenant)
        To: support@dutydesk.example
        Subject: Re: [#123] Date
        Date: yesterday at noon
        Message-ID: bare-id@acme.example
        In-Reply-To: <ticket-123.9@dutydesk.example> (Dutydesk's message of Tue)
        References: {refs}

        Sent by a client with its own ideas.
        """)


def unknown_zone_date() -> bytes:
    return mail("""
        From: cron@acme.example
        To: support@dutydesk.example
        Subject: Disk full
        Date: Wed, 11 Mar 2026 04:05:06 -0000
        Message-ID: <zone-unknown@acme.example>

        /var is at 100%.
        """)


def nul_bytes() -> bytes:
    return (
        mail("""
            From: Bob Tenant <bob.tenant@acme.example>
            To: support@dutydesk.example
            Subject: NUL
            Date: Wed, 11 Mar 2026 05:00:00 +0000
            Message-ID: <nul@acme.example>
            Content-Type: text/plain; charset=utf-8

            before
            """)
        .replace(b"Subject: NUL", b"Subject: NUL\x00 in the subject")
        .replace(b"before", b"before\x00after")
    )


def header_injection() -> bytes:
    return (
        mail("""
            From: =?utf-8?q?Eve=0D=0ABcc=3A_everyone=40victim=2Eexample?= <eve@attacker.example>
            To: support@dutydesk.example
            Subject: =?utf-8?q?Hello=0D=0ABcc=3A_all=40victim=2Eexample=0D=0A=0D=0Abody?=
            Date: Wed, 11 Mar 2026 06:00:00 +0000
            Message-ID: <inject@attacker.example>
            Content-Type: text/plain

            Injection attempts in the headers.
            """)
        .replace(
            b"Content-Type: text/plain", b"Content-Type: text/plain\r\nX-Note: a\rBcc: b@x\x0bc"
        )
        .replace(
            b"To: support@dutydesk.example",
            "To: Support\u2028Team <support@dutydesk.example>".encode(),
        )
    )


def deep_nesting() -> bytes:
    depth = 5000
    parts = [
        b"From: Mallory <mallory@attacker.example>\r\nTo: support@dutydesk.example\r\n"
        b"Subject: Nested\r\nDate: Wed, 11 Mar 2026 07:00:00 +0000\r\n"
        b"Message-ID: <nested@attacker.example>\r\nMIME-Version: 1.0\r\n"
    ]
    for level in range(depth):
        parts.append(
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
        )
    parts.append(b"Content-Type: text/plain\r\n\r\nthe bottom\r\n")
    parts.extend(b"--b%d--\r\n" % level for level in reversed(range(depth)))
    return b"".join(parts)


def many_parts() -> bytes:
    parts = [
        b"From: Mallory <mallory@attacker.example>\r\nTo: support@dutydesk.example\r\n"
        b"Subject: Many parts\r\nDate: Wed, 11 Mar 2026 08:00:00 +0000\r\n"
        b"Message-ID: <many@attacker.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n'
        b"--p\r\nContent-Type: text/plain\r\n\r\nThe first part is the message.\r\n"
    ]
    parts.extend(
        b"--p\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="f%d.bin"\r\n\r\nx\r\n' % number
        for number in range(5000)
    )
    parts.append(b"--p--\r\n")
    return b"".join(parts)


def deep_html() -> bytes:
    nested = "<dl><dd><div>" * 20000
    return mail("""
        From: Mallory <mallory@attacker.example>
        To: support@dutydesk.example
        Subject: Deep HTML
        Date: Wed, 11 Mar 2026 09:00:00 +0000
        Message-ID: <deep-html@attacker.example>
        MIME-Version: 1.0
        Content-Type: text/html; charset=utf-8

        <p>Visible text.</p>NESTED
        """).replace(b"NESTED", nested.encode())


# --- Automatic messages -------------------------------------------------------------------------


def gmail_vacation() -> bytes:
    return mail("""
        From: Erin Example <erin.example@gmail.com>
        To: support@dutydesk.example
        Subject: Out of office: Re: [#42] Logs missing from the drain
        Date: Wed, 11 Mar 2026 10:00:00 +0000
        Message-ID: <vacation-1@mail.gmail.com>
        In-Reply-To: <ticket-42.5@dutydesk.example>
        Auto-Submitted: auto-replied
        Precedence: bulk
        Content-Type: text/plain; charset=UTF-8

        I am away until Monday.
        """)


def exchange_oof() -> bytes:
    return mail("""
        From: Carol Ops <carol@tenant-two.example>
        To: Dutydesk Support <support@dutydesk.example>
        Subject: Automatic reply: [#88] Database quota
        Thread-Topic: [#88] Database quota
        Date: Wed, 11 Mar 2026 10:05:00 +0000
        Message-ID: <oof-88@tenant-two.example>
        In-Reply-To: <ticket-88.6@dutydesk.example>
        X-Auto-Response-Suppress: All
        X-MS-Exchange-Inbox-Rules-Loop: carol@tenant-two.example
        Content-Type: text/plain; charset="us-ascii"

        I am out of the office until 16 March.
        """)


def x_autoreply() -> bytes:
    return mail("""
        From: helpdesk@vendor.example
        To: support@dutydesk.example
        Subject: We received your request
        Date: Wed, 11 Mar 2026 10:10:00 +0000
        Message-ID: <autoreply-1@vendor.example>
        X-Autoreply: yes
        Content-Type: text/plain

        Your request has been received and will be answered soon.
        """)


def precedence_bulk_newsletter() -> bytes:
    return mail("""
        From: News <news@cloud-vendor.example>
        To: support@dutydesk.example
        Subject: What's new in March
        Date: Wed, 11 Mar 2026 10:20:00 +0000
        Message-ID: <newsletter-2026-03@cloud-vendor.example>
        Precedence: bulk
        Content-Type: text/plain

        Our March release notes.
        """)


def mailing_list() -> bytes:
    return mail("""
        From: Ivan <ivan@acme.example>
        To: platform-users@lists.acme.example
        Cc: support@dutydesk.example
        Subject: [platform-users] Is the registry down?
        Date: Wed, 11 Mar 2026 10:30:00 +0000
        Message-ID: <list-post-1@acme.example>
        List-Id: Platform users <platform-users.lists.acme.example>
        List-Unsubscribe: <mailto:platform-users-leave@lists.acme.example>
        List-Post: <mailto:platform-users@lists.acme.example>
        Content-Type: text/plain

        Pushing images fails for me, anyone else?
        """)


def bounce_dsn() -> bytes:
    return mail("""
        Return-Path: <>
        Received: from mx.acme.example by mail.dutydesk.example; Wed, 11 Mar 2026 10:40:01 +0000
        From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>
        To: support@dutydesk.example
        Subject: Undelivered Mail Returned to Sender
        Date: Wed, 11 Mar 2026 10:40:00 +0000
        Message-ID: <20260311104000.ABC123@mx.acme.example>
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
        \tboundary="ABC123.1773225600/mx.acme.example"

        This is a MIME-encapsulated message.

        --ABC123.1773225600/mx.acme.example
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients.

        <gone@acme.example>: host mx.acme.example said: 550 5.1.1 User unknown

        --ABC123.1773225600/mx.acme.example
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.acme.example

        Final-Recipient: rfc822; gone@acme.example
        Action: failed
        Status: 5.1.1

        --ABC123.1773225600/mx.acme.example
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        From: support@dutydesk.example
        To: gone@acme.example
        Subject: [#123] Deploys fail
        Message-ID: <ticket-123.4@dutydesk.example>

        --ABC123.1773225600/mx.acme.example--
        """)


# --- Subjects and references ------------------------------------------------------------------


def encoded_subject_reference() -> bytes:
    return raw_mail(
        """
        From: =?utf-8?b?w4lsb2TDrWU=?= <elodie@acme.example>
        To: support@dutydesk.example
        Subject: =?utf-8?q?R=C3=A9p=2E_=3A_=5B=23123=5D_D=C3=A9ploiements_?=
         =?utf-8?q?en_=C3=A9chec?=
        Date: Wed, 11 Mar 2026 11:00:00 +0100
        Message-ID: <subject-ref@acme.example>
        Content-Type: text/plain; charset=utf-8
        """,
        "Toujours en échec.\n".encode(),
    )


def mbox_pipe_copy() -> bytes:
    """The same message as `missing_headers`, as an MTA pipes it: envelope line, LF line ends,
    trace fields added; it must get the same synthetic Message-ID."""
    imap_copy = missing_headers().replace(b"\r\n", b"\n")
    return (
        b"From script@host.example Tue Mar 10 02:00:00 2026\n"
        b"Return-Path: <script@host.example>\n"
        b"Received: from host.example by mx.dutydesk.example; Tue, 10 Mar 2026 02:00:01 +0000\n"
        b"Delivered-To: support@dutydesk.example\n" + imap_copy
    )


# --- Refused ----------------------------------------------------------------------------------


def oversize_message() -> bytes:
    head = mail("""
        From: Bob Tenant <bob.tenant@acme.example>
        To: support@dutydesk.example
        Subject: Everything
        Message-ID: <oversize@acme.example>
        Content-Type: text/plain

        """)
    return head + b"x" * (41 * MIB)


def empty() -> bytes:
    return b" \r\n\r\n"


def not_a_message() -> bytes:
    return PNG + os.urandom(64)


CORPUS: tuple[Case, ...] = (
    Case(
        "thunderbird-plain",
        "Thunderbird, plain text, format=flowed, signature after '-- '",
        thunderbird_plain,
        Outcome.TICKET,
        fields={
            "message_id": "<6f1c2b7e-1d2a-4c3b-9a8e-0c1d2e3f4a5b@acme.example>",
            "message_id_synthetic": False,
            "subject": "Deploys fail with 502 since this morning",
            "ticket_reference": None,
            "from_address": "bob.tenant@acme.example",
            "from_name": "Bob Tenant",
            "date": datetime(2026, 3, 2, 8, 14, 5, tzinfo=UTC),
            "in_reply_to": (),
            "references": (),
            "html_sanitised": None,
            "text": "Hello,\n\nSince about 08:30 every cf push of our app ends with a 502 from the"
            " router. The app itself starts fine.\n\nCould you have a look?",
            "problems": (),
        },
        text_lacks=("Platform lead",),
    ),
    Case(
        "outlook-alternative",
        "Outlook, multipart/alternative (plain + Word HTML), Cc, quoted-printable",
        outlook_alternative,
        Outcome.TICKET,
        fields={
            "from_address": "carol@tenant-two.example",
            "subject": "Database quota",
            "problems": (),
        },
        text_has=("Can it be raised to 100 GB?", "Thanks,\nCarol"),
        html_has=("Can it be raised to 100 GB?",),
        html_lacks=("<style", "MsoNormal", "<o:p"),
    ),
    Case(
        "gmail-reply",
        "Gmail reply: 'On … wrote:' wrapped over two lines, quoted text in plain and HTML",
        gmail_reply,
        Outcome.TICKET,
        fields={
            "subject": "Re: [#42] Logs missing from the drain",
            "ticket_reference": 42,
            "in_reply_to": ("<ticket-42.2@dutydesk.example>",),
            "references": ("<ticket-42.1@dutydesk.example>", "<ticket-42.2@dutydesk.example>"),
            "from_address": "erin.example@gmail.com",
            "text": "That did it — the logs are back. Thank you!",
        },
        html_has=('rel="noopener noreferrer nofollow"',),
        html_lacks=("gmail_quote",),
    ),
    Case(
        "apple-mail-reply",
        "Apple Mail reply: quote header inside the '>' block, 'Sent from my iPhone'",
        apple_mail_reply,
        Outcome.TICKET,
        fields={
            "message_id": "<A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF@orchard.example>",
            "ticket_reference": 7,
            "text": "Renewed and deployed, all green now.",
        },
    ),
    Case(
        "html-only",
        "A webmail that sends HTML only: the text is read from the HTML",
        html_only,
        Outcome.TICKET,
        fields={
            "text": "Hi team,\nThe dashboard says 403 Forbidden for everyone in our org.\n"
            "since 13:00\nall browsers\nGrace",
            "date": datetime(2026, 3, 5, 14, 0, tzinfo=UTC),
        },
        html_has=("<b>403 Forbidden</b>", "<li>since 13:00</li>"),
    ),
    Case(
        "hostile-html",
        "HTML with scripts, event handlers, javascript: and relative links, a tracking pixel",
        hostile_html,
        Outcome.TICKET,
        text_has=("Our app is down.",),
        text_lacks=("steal",),
        html_has=(
            '<a href="https://status.acme.example/" rel="noopener noreferrer nofollow">',
            "<p>styled</p>",
        ),
        html_lacks=(
            "<script",
            "steal",
            "onerror",
            "onload",
            "onclick",
            "javascript:",
            "JaVaScRiPt",
            "tracker.example",
            "/admin/users/delete",
            "<iframe",
            "<form",
            "<input",
            "background-image",
            "position",
            "<svg",
            "<math",
        ),
    ),
    Case(
        "outlook-original-message",
        "Outlook desktop plain-text reply above '-----Original Message-----'",
        outlook_original_message,
        Outcome.TICKET,
        fields={
            "ticket_reference": 88,
            "text": "Yes, 100 GB is fine for now.\n\nRegards,\nCarol",
        },
    ),
    Case(
        "outlook-web-underscores",
        "Outlook on the web: the quote after a line of underscores and a From/Sent block",
        outlook_web_underscores,
        Outcome.TICKET,
        fields={"text": "Confirmed, the migration went through."},
    ),
    Case(
        "outlook-html-header-block",
        "Outlook HTML reply: the quoted message starts with From:/Sent:/To:, no separator line",
        outlook_html_header_block,
        Outcome.TICKET,
        fields={"text": "All good, please close it."},
        html_has=("All good, please close it.",),
    ),
    Case(
        "interleaved-quotes",
        "Mutt: answers written between '>' quoted lines, a quote left at the end",
        interleaved_quotes,
        Outcome.TICKET,
        text_has=(
            "> Which region is your app in?",
            "eu-west, both spaces.",
            "> Did the restart help?",
            "No, the errors continued.",
        ),
        text_lacks=("request ids", "router logs"),
    ),
    Case(
        "bottom-quote-without-header",
        "A reply above a '>' quote that has no 'On … wrote:' line",
        bottom_quote_without_header,
        Outcome.TICKET,
        fields={"text": "The backup from last night is the one we need restored."},
    ),
    Case(
        "mobile-footer-and-list",
        "Bullet list kept, 'Get Outlook for iOS' footer dropped",
        mobile_footer_and_signature,
        Outcome.TICKET,
        fields={
            "text": "Our app has been slow since the platform upgrade.\n- p95 went from 200 ms to"
            " 900 ms\n- only in the eu-west region\n\nThanks,\nJudy"
        },
    ),
    Case(
        "rfc2231-attachments",
        "Thunderbird attachments named in RFC 2231 (percent-encoded UTF-8, continuations)",
        rfc2231_attachments,
        Outcome.TICKET,
        fields={"text": "Both files attached."},
        attachments=("rapport été.pdf", "coûts par région — mars.csv"),
        skipped=(),
    ),
    Case(
        "encoded-word-filename",
        "Outlook attachment named with an RFC 2047 encoded word, body in ISO-8859-1",
        encoded_word_filename,
        Outcome.TICKET,
        attachments=("Verträge 2026.pdf",),
    ),
    Case(
        "inline-image",
        "Apple Mail multipart/related: HTML with a cid: image and the image inline",
        inline_image,
        Outcome.TICKET,
        fields={"text": "This is what we see:"},
        attachments=("error.png",),
        html_has=('<img src="cid:F00D-1@orchard.example" width="300">',),
    ),
    Case(
        "hostile-filenames",
        "Attachment names with a path, a right-to-left override, a Windows path, none",
        hostile_filenames,
        Outcome.TICKET,
        attachments=("passwd", "invoice fdp.exe", "report.txt", "attachment-4.png"),
    ),
    Case(
        "calendar-invite",
        "An invitation: text/calendar is an attachment, not body",
        calendar_invite,
        Outcome.TICKET,
        fields={"text": "Please join the migration window on Thursday."},
        attachments=("attachment-1.ics",),
    ),
    Case(
        "forwarded-as-attachment",
        "Thunderbird 'forward as attachment': a message/rfc822 part",
        forwarded_as_attachment,
        Outcome.TICKET,
        fields={"text": "This alert came in overnight, see the attached message."},
        attachments=("Alert from our monitoring.eml",),
    ),
    Case(
        "large-attachment",
        "A 25 MB attachment over the 10 MB limit: skipped by name and size, the rest kept",
        large_attachment,
        Outcome.TICKET,
        fields={"text": "The heap dump from the crash is attached."},
        attachments=("crash.log",),
        skipped=("heap.hprof",),
        large=True,
        heavy=True,
    ),
    Case(
        "latin1",
        "ISO-8859-1 body and encoded-word headers",
        latin1_plain,
        Outcome.TICKET,
        fields={
            "from_name": "Renée Dupré",
            "subject": "Problème de déploiement",
            "text": "Le déploiement échoue à l'étape « staging ».",
            "problems": (),
        },
    ),
    Case(
        "cp1252-labelled-latin1",
        "Windows-1252 quotes, dash and euro sign labelled ISO-8859-1",
        cp1252_labelled_latin1,
        Outcome.TICKET,
        fields={"text": "It’s “urgent” – the bill says 120 € per month."},
        problems_mention=("windows-1252",),
    ),
    Case(
        "utf8-labelled-latin1",
        "UTF-8 bytes labelled ISO-8859-1",
        utf8_labelled_latin1,
        Outcome.TICKET,
        fields={"text": "Zoë and Jürgen cannot sign in."},
        problems_mention=("is UTF-8",),
    ),
    Case(
        "unknown-charset",
        "A charset no one knows (x-foo), in the body and an encoded word",
        unknown_charset,
        Outcome.TICKET,
        fields={"subject": "Café order", "text": "Café menu broken."},
        problems_mention=("unknown charset 'x-foo'",),
    ),
    Case(
        "broken-utf8",
        "UTF-8 with two invalid bytes: they are replaced, the rest kept",
        broken_utf8,
        Outcome.TICKET,
        fields={"text": "Zoë's upload stopped at \ufffd\ufffd byte 1024."},
        problems_mention=("invalid UTF-8",),
    ),
    Case(
        "raw-utf8-headers",
        "Raw UTF-8 in the headers (RFC 6532), no encoded words",
        raw_utf8_headers,
        Outcome.TICKET,
        fields={"subject": "Über [#7] naïve", "ticket_reference": 7, "from_name": "Zoë"},
    ),
    Case(
        "missing-headers",
        "No From, Date or Message-ID: a synthetic id, no sender, no date",
        missing_headers,
        Outcome.TICKET,
        fields={
            "message_id_synthetic": True,
            "from_address": None,
            "from_name": "",
            "date": None,
            "text": "Written by a script that sets nothing.",
        },
        problems_mention=("Message-ID: missing", "From: missing", "Date: missing"),
    ),
    Case(
        "mbox-pipe-copy",
        "The same message piped by the MTA: mbox From line, LF ends, trace fields",
        mbox_pipe_copy,
        Outcome.TICKET,
        fields={"message_id_synthetic": True, "text": "Written by a script that sets nothing."},
    ),
    Case(
        "no-mime-headers",
        "No MIME-Version or Content-Type, 8-bit UTF-8 body",
        no_mime_headers,
        Outcome.TICKET,
        fields={"text": "Nightly job finished: 3 warnings – see naïve.log", "problems": ()},
    ),
    Case(
        "broken-content-type",
        "A Content-Type of ';;; charset=\"' and an unknown transfer encoding",
        broken_content_type,
        Outcome.TICKET,
        fields={"text": "The body is still readable."},
    ),
    Case(
        "bad-base64-padding",
        "A base64 body missing its padding, with junk after it",
        bad_base64_padding,
        Outcome.TICKET,
        fields={"text": "Padding was lost on the way."},
    ),
    Case(
        "multipart-without-boundary",
        "multipart/mixed with no boundary parameter",
        multipart_without_boundary,
        Outcome.TICKET,
        fields={"text": "Text that should have been a part."},
        problems_mention=("without a boundary",),
    ),
    Case(
        "unreadable-date-bare-ids",
        "Date 'yesterday', a Message-ID without brackets, 150 References, a comment",
        unreadable_date_and_bare_ids,
        Outcome.TICKET,
        fields={
            "message_id": "<bare-id@acme.example>",
            "date": None,
            "in_reply_to": ("<ticket-123.9@dutydesk.example>",),
            "ticket_reference": 123,
            "from_address": "bob.tenant@acme.example",
            "references": (
                "<r0@dutydesk.example>",
                *(f"<r{i}@dutydesk.example>" for i in range(51, 150)),
            ),
        },
        problems_mention=("Date: 'yesterday at noon' could not be read",),
    ),
    Case(
        "unknown-zone-date",
        "A Date in -0000 (zone unknown): read as UTC",
        unknown_zone_date,
        Outcome.TICKET,
        fields={"date": datetime(2026, 3, 11, 4, 5, 6, tzinfo=UTC)},
    ),
    Case(
        "nul-bytes",
        "NUL bytes in the subject and the body",
        nul_bytes,
        Outcome.TICKET,
        fields={"subject": "NUL in the subject", "text": "beforeafter"},
    ),
    Case(
        "header-injection",
        "CR/LF encoded in words, a bare CR, a vertical tab and U+2028 in headers",
        header_injection,
        Outcome.TICKET,
        fields={
            "subject": "Hello Bcc: all@victim.example body",
            "from_address": "eve@attacker.example",
            "from_name": "Eve Bcc: everyone@victim.example",
            "to": (Address("support@dutydesk.example", "Support Team"),),
            "cc": (),
        },
    ),
    Case(
        "deep-nesting",
        "MIME nested 5,000 levels deep: headers read, the structure cut, no RecursionError",
        deep_nesting,
        Outcome.TICKET,
        fields={"subject": "Nested", "from_address": "mallory@attacker.example"},
        problems_mention=("more than 100 multipart or message parts",),
        large=True,
    ),
    Case(
        "many-parts",
        "5,000 attachments in one message: the first parts read, the rest named as cut",
        many_parts,
        Outcome.TICKET,
        fields={"text": "The first part is the message."},
        problems_mention=("more than 1000 MIME boundary lines",),
        large=True,
    ),
    Case(
        "deep-html",
        "HTML nested 60,000 elements deep: not sanitised, its text read by stripping tags",
        deep_html,
        Outcome.TICKET,
        fields={"html_sanitised": None, "text": "Visible text."},
        problems_mention=("HTML nested more than 500 deep",),
        large=True,
    ),
    Case(
        "gmail-vacation",
        "Gmail vacation responder: Auto-Submitted: auto-replied",
        gmail_vacation,
        Outcome.AUTOMATIC,
        auto=AutoReplyKind.AUTO_SUBMITTED,
        fields={"ticket_reference": 42},
    ),
    Case(
        "exchange-oof",
        "Exchange out-of-office: X-Auto-Response-Suppress: All",
        exchange_oof,
        Outcome.AUTOMATIC,
        auto=AutoReplyKind.SUPPRESS_REQUEST,
    ),
    Case(
        "x-autoreply",
        "A help desk's receipt: X-Autoreply: yes",
        x_autoreply,
        Outcome.AUTOMATIC,
        auto=AutoReplyKind.AUTORESPONDER,
    ),
    Case(
        "precedence-bulk",
        "A newsletter: Precedence: bulk",
        precedence_bulk_newsletter,
        Outcome.AUTOMATIC,
        auto=AutoReplyKind.PRECEDENCE,
    ),
    Case(
        "mailing-list",
        "A list post copied to support: List-Id and List-Unsubscribe",
        mailing_list,
        Outcome.AUTOMATIC,
        auto=AutoReplyKind.MAILING_LIST,
        fields={"subject": "[platform-users] Is the registry down?", "ticket_reference": None},
    ),
    Case(
        "bounce-dsn",
        "Postfix bounce: Return-Path <>, multipart/report with the returned headers",
        bounce_dsn,
        Outcome.AUTOMATIC,
        auto=AutoReplyKind.BOUNCE,
        fields={"from_address": "mailer-daemon@mx.acme.example"},
        text_has=("550 5.1.1 User unknown",),
        attachments=("attachment-1.txt", "attachment-2.txt"),
    ),
    Case(
        "encoded-subject-reference",
        "A French client's 'Rép. : [#123]' in encoded words split over two lines",
        encoded_subject_reference,
        Outcome.TICKET,
        fields={
            "subject": "Rép. : [#123] Déploiements en échec",
            "ticket_reference": 123,
            "from_name": "Élodíe",
        },
    ),
    Case(
        "oversize-message",
        "41 MB, over the 40 MB message limit",
        oversize_message,
        Outcome.REFUSED,
        refusal=RefusalCode.TOO_LARGE,
        fields={"message_id": "<oversize@acme.example>"},
        large=True,
    ),
    Case("empty", "Only white space", empty, Outcome.REFUSED, refusal=RefusalCode.EMPTY),
    Case(
        "not-a-message",
        "A PNG image piped in by mistake: no header field",
        not_a_message,
        Outcome.REFUSED,
        refusal=RefusalCode.NOT_A_MESSAGE,
    ),
)


def corpus_param(case: Case) -> object:
    """A case as a test parameter, marked slow when it is heavy."""
    return pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.heavy else [])
