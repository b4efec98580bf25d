"""Gradio keeps, per session, the page config of every block with its latest value (SessionState.config_values in
gradio/state_holder.py). It builds them for all of the app's blocks when a session starts (its first event) and
again for every input and output of every event, although only one endpoint reads them: the deep link of
gr.DeepLinkButton. In this app that was the larger part of what a new student's first event cost the server: a
new session built 184 block configs, and each tab-1 update a dozen more (the README gives the measured effect).

`light_sessions(demo)` makes them lazy for the sessions of `demo`: a session records which blocks it holds and the
values set since, and builds the configs when the deep link reads them, from the same blocks and values, so that
endpoint answers as before (tests/lab/server/test_light_sessions.py compares the two). Other apps in the same
process keep Gradio's own behaviour. lab/server/gradio_tuning.py applies it once it has checked that these
SessionState methods are still the code this replaces."""
from __future__ import annotations

import datetime

from gradio.state_holder import SessionState

LIGHT = "lab_light_sessions"  # attribute of a Blocks whose sessions build their configs when read
GRADIO = {name: SessionState.__dict__.get(name) for name in
          ("__init__", "__setitem__", "_update_config", "_update_value_in_config", "components")}


class _WithoutBlocks:
    """What SessionState.__init__ reads of a Blocks, with no block for it to build a config for."""

    def __init__(self, blocks):
        self.default_config, self.blocks = blocks.default_config, {}


def _init(self, blocks):
    if not getattr(blocks, LIGHT, False):
        return GRADIO["__init__"](self, blocks)
    GRADIO["__init__"](self, _WithoutBlocks(blocks))
    # the ids Gradio would have built configs for, in its order, each with the value set since (None: none set)
    self.lazy_values = {key: None for key in self.blocks_config.blocks if key in blocks.blocks}
    self.set_values = set()


def _setitem(self, key: int, value):
    """As Gradio's, without building the block's config."""
    if not hasattr(self, "lazy_values"):
        return GRADIO["__setitem__"](self, key, value)
    from gradio.components import State

    block = self.blocks_config.blocks.get(key)
    if isinstance(block, State):
        self._state_ttl[key] = (block.time_to_live, datetime.datetime.now())
        self.state_data[key] = value
    else:
        self.blocks_config.blocks[key] = value
    if block:
        _forget_value(self, key)


def _update_config(self, key: int):
    if not hasattr(self, "lazy_values"):
        return GRADIO["_update_config"](self, key)
    if self[key] is not None:
        _forget_value(self, key)  # Gradio rebuilds the config from the new block: values set before are gone


def _forget_value(self, key: int):
    self.lazy_values[key] = None
    self.set_values.discard(key)


def _update_value_in_config(self, key: int, value):
    if not hasattr(self, "lazy_values"):
        return GRADIO["_update_value_in_config"](self, key, value)
    self.lazy_values[key] = value
    self.set_values.add(key)


def _components(self):
    """The configs of the session's blocks with their latest values, built now (the deep-link endpoint)."""
    if not hasattr(self, "lazy_values"):
        yield from GRADIO["components"].fget(self)
        return
    for key, value in list(self.lazy_values.items()):
        block = self.blocks_config.blocks.get(key)
        if block is None:
            continue
        config = self.blocks_config.config_for_block(key, [], block)
        if key in self.set_values and "props" in config:
            config["props"]["value"] = value
        if config:
            yield config


def light_sessions(demo) -> None:
    """Sessions of `demo` build their block configs only when the deep-link endpoint reads them."""
    if SessionState.__init__ is not _init:
        SessionState.__init__, SessionState.__setitem__ = _init, _setitem
        SessionState._update_config, SessionState._update_value_in_config = _update_config, _update_value_in_config
        SessionState.components = property(_components)
    setattr(demo, LIGHT, True)
