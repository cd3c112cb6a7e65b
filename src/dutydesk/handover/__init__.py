"""The support-week handover: a report of the week just ended, made at each handoff of the
engineering rota, with the outgoing engineer's notes and the incoming one's acknowledgement."""
