"""What serves rather than teaches: launching the app (launch), its routes for the browser's files (static_files),
answers every student gets alike (shared_responses, known_events), the shared sampling worker (batcher,
interactive_first), streamed runs and their replays (streaming, replay_cache), memory, the door every event's
inputs pass through (input_gate), and the one place that adjusts Gradio's internals (gradio_tuning)."""
