"""Mail coming in: fetching it from an IMAP mailbox (`imap`), below the domains that store it."""
