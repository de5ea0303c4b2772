"""The map desk: confirm and place a draft's places in the browser (``storymap edit``).

Pure logic, no Flask: :mod:`.scan` finds the project's regions and story files
and counts what is left to do; :mod:`.storyfile` edits a story file's places
keeping its comments and layout (ruamel.yaml round trip); :mod:`.files` keeps
every write inside the project folder, atomic, serialised and with the
previous version kept; :mod:`.edits` is the recipe of each save (check, write
the gazetteer row and the story together, run the same checks as ``storymap
validate``). The web layer (``storymap.web.desk``) only calls these.
"""
