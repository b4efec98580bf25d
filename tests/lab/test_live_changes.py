"""lab/live/changes.py: a waiter wakes at the next change, at once if it missed one, or after its timeout."""
import asyncio

from lab.live.changes import Changes


def test_waiters_wake_on_a_bump_and_miss_none():
    async def scenario():
        changes = Changes()
        seen = changes.version
        waiters = [asyncio.create_task(changes.wait(seen, timeout=5)) for _ in range(3)]
        await asyncio.sleep(0)
        changes.bump()
        woke = await asyncio.gather(*waiters)
        late = await changes.wait(seen, timeout=5)  # arrived after the bump: returns at once
        quiet = await changes.wait(changes.version, timeout=0.01)
        return woke, late, quiet, changes.version

    assert asyncio.run(scenario()) == ([True, True, True], True, False, 1)
