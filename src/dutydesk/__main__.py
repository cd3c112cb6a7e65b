"""`python -m dutydesk` runs the command line."""

from dutydesk.cli import main

main()
