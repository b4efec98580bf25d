"""Arguments of `python -m diffusion_core evaluate` (the work is in evaluate.py)."""


def add_evaluate(sub):
    p = sub.add_parser("evaluate", help="domain-FID vs steps and class agreement of a model directory")
    p.add_argument("model_dir")
    p.add_argument("--classifier", help="classifier directory (default: pretrained/classifier_<dataset>)")
    p.add_argument("-n", type=int, default=1000, help="samples per sampler setting")
    p.add_argument("--n-slow", type=int, default=250, help="samples for the 1000-step DDPM row")
    p.add_argument("--per-class", type=int, default=50, help="samples per class for agreement")
    p.add_argument("--guidance", type=float, default=2.0, help="guidance scale for the FID rows")
    p.add_argument("--out", help="also write the report as JSON here")


def cmd_evaluate(a):
    from .metrics import main_evaluate

    main_evaluate(a)
