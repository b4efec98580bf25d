"""lab/server/memory.py: glibc accepts the arena limit; elsewhere the call says no and changes nothing."""
import platform

from lab.server.memory import limit_malloc_arenas


def test_glibc_accepts_the_arena_limit():
    accepted = limit_malloc_arenas()
    assert accepted == (platform.system() == "Linux" and platform.libc_ver()[0] == "glibc")
