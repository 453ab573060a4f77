"""Benchmarks of the relay alone, printing figures: run as ``python -m relay.bench.NAME``.

Stdlib only on the client side (http.client), so that they measure the relay, not a client
library, and run wherever the relay is installed. The relay runs as people run it
(``python -m relay serve``), in processes of its own.
"""
