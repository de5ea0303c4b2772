"""The ``storymap`` command, also run as ``python -m storymap``."""

from .gcpause import cycle_collection_paused


def main() -> None:
    # The commands' modules (numpy, pandas, geopandas, Flask) are imported without collections.
    with cycle_collection_paused():
        from .cli import main as command
    command(prog_name="storymap")


if __name__ == "__main__":
    main()
