"""The static copy of the site: plain files for a USB stick or any static host."""

# The copy's quiz: one question set, since a static copy cannot draw new ones.
EXPORT_SEED = 1
EXPORT_COUNT = 8
