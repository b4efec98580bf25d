"""The classroom: what Diffusion Lab's tabs show and how. Gradio and pandas live here, never in diffusion_core."""
