"""How a test reads what a handler tells a student instead of running."""
import re
import warnings

import gradio as gr

RAW = re.compile(r"Traceback|Problem:|\b[A-Z][a-zA-Z]*(Error|Exception)\b|<class ")  # what a student must never see


def refusal(call) -> str:
    """The sentence shown when `call()` (a handler call; a generator handler wrapped in list()) is refused: outside a
    page gr.Warning is a Python warning, and the handler returns or ends with gr.skip(), so every output keeps its
    value. Fails when the call ran without a message or the message shows raw exception text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    last = result[-1] if isinstance(result, list) and result else result
    assert last == gr.skip(), f"the call was not refused: it returned {str(last)[:200]}"
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    assert messages, "refused without a message"
    assert not RAW.search(messages[-1]), messages[-1]
    return messages[-1]


def call(client, api_name, *args):
    """(outputs, the toasts' texts) of one call through a launched app's queue (gradio_client), as a page gets them."""
    job = client.submit(*args, api_name=api_name)
    outputs = job.result(timeout=120)
    messages, updates = [], job.communicator.updates
    while not updates.empty():
        update = updates.get_nowait()
        if getattr(update, "log", None):
            messages.append(update.log[0])
    return outputs, messages
