"""Arguments of `python -m diffusion_core evaluate` and `models-table` (the work is in folder.py, cards.py and
models_table.py)."""
import json


def add_evaluate(sub):
    p = sub.add_parser("evaluate", help="measure model folders in place (evaluation.json) and write their model cards",
                       description="Measure each model folder where it is and write <folder>/evaluation.json; with "
                                   "--write-card also render <folder>/README.md. Works for diffusion U-Nets, the text "
                                   "model, the no-time denoiser, CLIPs and domain classifiers; a flow-matching "
                                   "U-Net is measured next to its DDPM twin at equal network evaluations. The models "
                                   "it measures with are siblings of the folder (../classifier_<dataset>, "
                                   "../<dataset>_cond, ../mnist_fast).")
    p.add_argument("model_dirs", nargs="+", help="model folders (pretrained/<name>)")
    p.add_argument("--write-card", action="store_true", help="also render README.md from the template")
    p.add_argument("--card-only", action="store_true",
                   help="only render README.md from the stored evaluation.json and config.json; measure nothing")
    p.add_argument("-n", type=int, help="samples per sampler row (default 200; flow model: 500); no-time denoiser: "
                                        "test images (1000)")
    p.add_argument("--n-big", type=int, default=500, help="samples for the guided DPM-Solver++ FID")
    p.add_argument("--n-slow", type=int, help="samples for the 1000-step DDPM row (default: n)")
    p.add_argument("--per-class", type=int, help="samples per class for agreement (default 50; text model: 20; emoji "
                                                 "text model: samples per card prompt, 42)")
    p.add_argument("--skip-ddpm", action="store_true", help="leave out the (slow) 1000-step DDPM row")
    p.add_argument("--quick", action="store_true", help="a smoke run: one sampler row, 50 samples for the guided FID, "
                                                           "the first 1000 test images")
    p.add_argument("--add-rows", nargs="+", metavar="SAMPLER:STEPS", default=[],
                   help="measure only these rows (e.g. ddpm:1000) into the stored evaluation.json")
    p.add_argument("--classifier", help="domain classifier folder (default: ../classifier_<dataset> beside the model)")
    p.add_argument("--reference",
                   help="no-time denoiser: the U-Net with t to compare with (default: ../<dataset>_cond)")
    p.add_argument("--compare", help="flow model: the DDPM folder to compare with (default: ../mnist_fast)")
    p.add_argument("--guidance", type=float, default=3.0,
                   help="text model: guidance of attribute control, prompted FID and the example grid")
    p.add_argument("--keep-baselines", action="store_true",
                   help="text model: reuse the class-conditional rows of the stored evaluation.json")
    p.add_argument("--data-root", help="folder with the dataset files")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    p.set_defaults(handler=cmd_evaluate)


def options_from(a):
    from .folder import Options

    rows = [(row.split(":")[0], int(row.split(":")[1])) for row in a.add_rows]
    return Options(n=a.n, n_big=a.n_big, n_slow=a.n_slow, per_class=a.per_class, skip_ddpm=a.skip_ddpm, quick=a.quick,
                   add_rows=rows, classifier=a.classifier, reference=a.reference, compare=a.compare,
                   guidance=a.guidance, keep_baselines=a.keep_baselines, data_root=a.data_root)


def cmd_evaluate(a):
    import torch

    from .cards import write_card
    from .folder import evaluate_folder

    if a.threads:
        torch.set_num_threads(a.threads)
    for directory in a.model_dirs:
        if not a.card_only:
            print(json.dumps(evaluate_folder(directory, options_from(a)), indent=2))
        if a.card_only or a.write_card:
            print("wrote", write_card(directory))


def add_models_table(sub):
    p = sub.add_parser("models-table", help="the README's table of the models in a folder, from their stored figures")
    p.add_argument("pretrained_dir", help="the folder holding the model folders (pretrained)")
    p.add_argument("--write", metavar="README", help="replace the table between the models-table markers in this file")
    p.set_defaults(handler=cmd_models_table)


def cmd_models_table(a):
    from .models_table import models_table, write_models_table

    if a.write:
        print("wrote", write_models_table(a.write, a.pretrained_dir))
    else:
        print(models_table(a.pretrained_dir, relative_to="."))
