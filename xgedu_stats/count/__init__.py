"""Items to figures: each item's report category (``categories``) and the counts by
category and platform (``aggregate``). No file is opened here (``tests/test_layout.py``).
"""
