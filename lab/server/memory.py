"""glibc gives each thread that allocates its own malloc arena (up to 8 per core), and freed memory stays in the
arena it came from. A server whose threads take turns (Gradio's worker pool, the sampler's threads, ONNX Runtime's)
then keeps many half-empty arenas: its RSS grows round after round of a class. Two arenas are enough here.

Call `limit_malloc_arenas()` first thing, before threads start (it only binds arenas made afterwards); setting
MALLOC_ARENA_MAX=2 in the environment does the same. bench/classroom.py measures the effect (README)."""
from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """True when glibc accepted the limit; False where malloc is not glibc's (macOS, Windows, musl)."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return mallopt(M_ARENA_MAX, arenas) == 1
