"""The demo mailbox: a local SMTP catcher that keeps what Dutydesk sends, and a page to read it."""
