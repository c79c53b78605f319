"""Benchmarks of icld-match against peers run in the same process tree (issue 3).

``generate`` builds seeded instances, ``greedy`` and ``highs_mip`` are the peers,
``harness`` runs each (instance, peer) in a fresh subprocess and measures it, ``report``
writes the Markdown/JSON/PNG results and ``run`` is the command line. See README.md here.
"""
