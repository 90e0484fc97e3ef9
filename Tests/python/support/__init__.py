"""Helpers the end-to-end suites share (Tests/python/e2e, Tests/python/media): starting the real binaries and the
fake providers (`servers`), and the accounts, decimals and polling the tests use (`e2e`).

A plain package rather than a conftest.py, so test modules import it by a name no other suite has. Each suite's
conftest.py puts Tests/python on sys.path before importing it.
"""
