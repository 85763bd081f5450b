"""``python -m voxpop``: the same command line as ``voxpop``, for environments without the script on PATH."""

from voxpop.cli import app

app(prog_name="voxpop")
