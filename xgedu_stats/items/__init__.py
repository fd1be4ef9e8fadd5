"""Rows to items: what a row says (``normalize``: title keys, dates, counts), which rows are
one publication and which publications one item (``identity``, ``dedupe``), titles edited
when re-posted (``fuzzy``) and a clerk's decisions applied (``decisions``, ``merging``).

Works on data already read: no file is opened here (``tests/test_layout.py``).
"""
