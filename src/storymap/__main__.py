from storymap.cli import main

main(prog_name="storymap")
