"""The channels a message can go out on: e-mail, Slack, webhooks and Apprise."""
