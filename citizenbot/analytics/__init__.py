"""Figures for decision makers: residents' activity rolled up into counts (``rollup``) and read
back as aggregates with small counts suppressed (``queries``)."""
