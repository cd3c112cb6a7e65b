"""External rotas: schedules another tool owns, followed through the iCal feed it publishes."""
