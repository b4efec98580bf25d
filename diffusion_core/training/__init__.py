"""Training: the loss and the step generator (loop.py), a whole run from data to a model folder (run.py), and the
domain classifier that evaluation measures with (classifier.py)."""
