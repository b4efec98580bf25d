"""Text conditioning: captions measured from pixels (captions.py), CLIP through open_clip (clip.py), the retrieval
prior from a text embedding to an image embedding (prior.py), and prompt clean-up (prompts.py)."""
