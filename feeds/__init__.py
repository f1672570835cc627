"""The edges of newsnorm: reading inputs (files, feeds, pages) and writing feeds."""
