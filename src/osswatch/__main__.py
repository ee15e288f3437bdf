"""`python -m osswatch` runs the command line."""

from osswatch.cli.app import main

main()
