"""Measuring models: domain-FID and class agreement (metrics.py), text-to-image agreement (text.py), the
`evaluate` command (cli.py)."""
