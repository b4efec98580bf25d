"""Measuring models and writing their cards.

  metrics.py      domain-FID (emoji-FID on the colour judge), class agreement, quality vs steps
  text.py         text-to-image agreement and attribute control
  folder.py       evaluate a model folder in place: its kind, that kind's module, evaluation.json
  diffusion.py, flow_model.py, text_model.py, no_time.py, clip.py, classifier.py, emoji_clip.py,
  emoji_text_model.py   one kind of model each: evaluate + card_fields
  nfe.py          quality at a budget of network evaluations per sample, DDPM and flow matching side by side
  cards.py        README.md rendered from templates/ and the stored figures; reproduce.py: its Reproduce line
  models_table.py the README's table of shipped models
  cli.py          `python -m diffusion_core evaluate` and `models-table`"""
