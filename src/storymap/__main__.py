"""The ``storymap`` command, also run as ``python -m storymap``."""

from .cli import main as command


def main() -> None:
    command(prog_name="storymap")


if __name__ == "__main__":
    main()
