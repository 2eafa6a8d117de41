"""Repositories: the queries the handlers and jobs need, one module per aggregate."""
