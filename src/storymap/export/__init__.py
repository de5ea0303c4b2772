"""The static copy of the site: plain files for a USB stick or any static host."""
