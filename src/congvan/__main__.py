"""`python -m congvan` runs the command line."""
from congvan.pipeline.cli import main

main()
