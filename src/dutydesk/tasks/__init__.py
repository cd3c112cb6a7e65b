"""Small tasks: the backlog the engineer on support picks up between support work, and the
follow-up actions of incident reviews."""
