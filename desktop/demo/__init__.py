"""Demo mode: a throwaway store and an in-process relay on 127.0.0.1 with synthetic patients.

The demo launcher is the one place in ``desktop`` allowed to import ``relay``
(DESIGN.md): a newcomer gets the real relay without running a server.
"""
