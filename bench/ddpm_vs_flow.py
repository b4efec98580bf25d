"""DDPM vs flow matching at equal cost: domain-FID (next to the real-vs-real floor at the same n) and class agreement
at 1, 2, 4, 8 and 20 network evaluations (NFE) per sample, each model's best sampler at each budget, with wall time
per image; both models measured side by side in one run, on the same seeds and classes (cycling 0-9), at guidance
w = 1 (so one NFE is one network call). Each folder is measured with its own family's samplers (evaluation/nfe.py).
Writes nothing; `python -m diffusion_core evaluate <flow folder>` stores the same table in its evaluation.json.

    python bench/ddpm_vs_flow.py pretrained/mnist_fast pretrained/mnist_flow [-n 500] [--budgets 1 2 4 8 20]"""
import argparse
from pathlib import Path

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch

from diffusion_core.evaluation.diffusion import classifier_dir
from diffusion_core.evaluation.metrics import Reference, load_classifier
from diffusion_core.evaluation.nfe import BUDGETS, all_rows_lines, compare, table_lines, verdict
from diffusion_core.pipeline import load_pipeline


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folders", nargs=2, help="two model folders, DDPM or flow matching, of the same dataset")
    p.add_argument("-n", type=int, default=500, help="samples per sampler row (default 500)")
    p.add_argument("--budgets", type=int, nargs="+", default=list(BUDGETS), help="NFE per sample (default 1 2 4 8 20)")
    p.add_argument("--classifier", help="domain classifier folder (default: classifier_<dataset> beside the first)")
    p.add_argument("--data-root", help="folder with the dataset files")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as the shipped evaluations)")
    return p.parse_args(argv)


def main(argv=None):
    a = parse(argv)
    torch.set_num_threads(a.threads)
    folders = [Path(f) for f in a.folders]
    names = [f.name for f in folders] if folders[0].name != folders[1].name else [str(f) for f in folders]
    pipes = {name: load_pipeline(f, device="cpu") for name, f in zip(names, folders)}
    datasets = {pipe.info["dataset"] for pipe in pipes.values()}
    if len(datasets) != 1:
        raise SystemExit(f"the two models were trained on different datasets: {sorted(datasets)}")
    dataset = datasets.pop()
    ref = Reference.build(load_classifier(classifier_dir(folders[0], dataset, a.classifier)), dataset, n_floor=a.n,
                          data_root=a.data_root)
    result = compare(pipes, ref, a.n, a.budgets)
    print(f"{a.n} samples per row, guidance w = 1, {a.threads} thread(s); real-vs-real floor "
          f"{result['floor_at_n']:.2f} at n = {a.n}\n")
    print("\n".join(table_lines(result)) + f"\n\n{verdict(result)}\n")
    print("\n".join(all_rows_lines(result)))


if __name__ == "__main__":
    main()
