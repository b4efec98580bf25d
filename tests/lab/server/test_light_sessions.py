"""lab/server/light_sessions.py: a session of a light demo builds no block config when it starts or runs an event, and
the deep-link endpoint's view of it (SessionState.components) is what Gradio's own session gives after the same events.
What it relies on in Gradio (if this fails, Gradio changed under it): a served app makes each session with
SessionState(blocks) and expires gr.State values from the bookkeeping `_setitem` copies (`state_components`);
lab/server/gradio_tuning.py checks that the replaced methods are the code verified."""
import asyncio

import gradio as gr
import numpy as np
from gradio.blocks import BlocksConfig
from gradio.state_holder import SessionState

from lab.server.light_sessions import LIGHT, light_sessions


def small_demo() -> tuple[gr.Blocks, dict]:
    with gr.Blocks() as demo:
        count = gr.State(0)
        t = gr.Slider(0, 9, value=3, step=1)
        picture = gr.Image(format="png")
        note = gr.Markdown("start")
        more = gr.Button("more")

        def draw(t, count):
            return np.full((4, 4, 3), int(t) * 20, np.uint8), f"t = {t}", count + 1

        t.change(draw, [t, count], [picture, note, count])
        more.click(lambda t: gr.update(maximum=t + 10, label="t, wider"), t, t)  # an update: a new block
    return demo, {"draw": 0, "widen": 1}


def run_events(demo: gr.Blocks, state: SessionState, fns: dict):
    async def scenario():
        await demo.process_api(fns["draw"], [5, None], state=state)
        await demo.process_api(fns["widen"], [5], state=state)
        await demo.process_api(fns["draw"], [7, None], state=state)

    asyncio.run(scenario())


def without_ids(components) -> list:
    """The configs, but for the id of a block made for an update (each session makes its own, numbered anew)."""
    return [{k: v for k, v in config.items() if k != "id"} for config in components]


def counting_configs(monkeypatch) -> list:
    built = []
    original = BlocksConfig.config_for_block

    def counted(*args, **kwargs):
        built.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(BlocksConfig, "config_for_block", staticmethod(counted))
    return built


def test_a_light_session_builds_no_config_until_the_deep_link_reads_it(monkeypatch):
    demo, fns = small_demo()
    light_sessions(demo)
    built = counting_configs(monkeypatch)
    state = SessionState(demo)
    run_events(demo, state, fns)
    assert built == []
    assert list(state.components) and built  # read: built now


def test_the_deep_link_sees_what_gradio_own_session_shows(monkeypatch):
    demo, fns = small_demo()
    light_sessions(demo)
    light = SessionState(demo)
    monkeypatch.setattr(demo, LIGHT, False)
    plain = SessionState(demo)
    assert not hasattr(plain, "lazy_values")
    for state in (light, plain):
        run_events(demo, state, fns)
    assert without_ids(light.components) == without_ids(plain.components)
    count = demo.fns[0].outputs[2]._id
    assert light[count] == plain[count] == 2  # the State, updated twice
    assert any(c["props"].get("label") == "t, wider" and c["props"]["maximum"] == 15 for c in light.components)
    assert any(c["props"].get("value") == "t = 7" for c in light.components)  # the last event's output


def test_other_apps_keep_gradio_sessions():
    light_sessions(small_demo()[0])
    other, fns = small_demo()
    state = SessionState(other)
    run_events(other, state, fns)
    assert not hasattr(state, "lazy_values") and list(state.components)


def test_a_served_session_is_light_and_keeps_gr_state_time_to_live():
    from gradio_client import Client

    demo, _ = small_demo()
    light_sessions(demo)
    demo.queue()
    demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        Client(demo.local_url, verbose=False).predict(5, api_name="/draw")
        (session,) = demo.state_holder.session_data.values()
    finally:
        demo.close()
    assert hasattr(session, "lazy_values")  # made by SessionState(blocks), ours
    states = [(type(block).__name__, value) for block, value, _ in session.state_components]
    assert states == [("State", 1)]  # the count, with its time-to-live: Gradio can expire it
