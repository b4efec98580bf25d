"""`python -m diffusion_core evaluate`: placeholder wiring, filled in by evaluate.py."""


def add_evaluate(sub):
    p = sub.add_parser("evaluate", help="domain-FID, class agreement and quality-vs-steps of a model")
    p.add_argument("model_dir")


def cmd_evaluate(a):
    from .evaluate import main_evaluate

    main_evaluate(a)
