"""Evaluate a CLIP-conditioned U-Net next to the class-conditional models and write its model card.

    python scripts/evaluate_text_model.py text_cond [--per-class 20] [--threads 1]

Copies runs/export/<name> into pretrained/<name> when present, then measures (diffusion_core.evaluate_text):
class agreement and prompt-sample CLIP similarity at guidance 1-5 for the text model and for mnist_cond /
fashion_mnist_cond asked by label; attribute control; domain-FID of text-prompted samples; example-prompt grids.
Prompts reach the U-Net through the retrieval prior (diffusion_core.prior) when the model directory has a
prior bank, as in the app; the raw-text-embedding rows are measured too. A hand-written section after the
LOOKED_AT marker in the existing README (what the grid shows) is kept.
"""
import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from diffusion_core.evaluation.metrics import Reference, load_classifier  # noqa: E402
from diffusion_core.evaluation.text import attribute_control, class_prompt, label_agreement, prompt_agreement  # noqa: E402
from diffusion_core.models import count_parameters  # noqa: E402
from diffusion_core.serving.onnx import card_section  # noqa: E402
from diffusion_core.pipeline import load_pipeline  # noqa: E402
from diffusion_core.text.prior import DEFAULT_K, condition_from_text, load_bank  # noqa: E402
from diffusion_core.text.prompts import clean_prompt  # noqa: E402
from diffusion_core.text.clip import load_clip, load_clip_of  # noqa: E402
from diffusion_core.images import make_grid, save_png  # noqa: E402

DATASETS = ("mnist", "fashion_mnist")
EXAMPLES = ["a bold seven", "a thin slanted two", "a handwritten digit 4", "a photo of a sneaker", "dark ankle boots",
            "a light t-shirt", "a large handbag", "a pair of jeans"]
SAMPLING = dict(sampler="dpm_solver_pp", num_steps=20)
GUIDANCE = (1.0, 2.0, 3.0, 4.0, 5.0)
LOOKED_AT = "<!-- looked-at: kept when the card is rewritten -->"


def text_generator(pipe, bank=None):
    """With a bank, the text embedding goes through the retrieval prior first (as in the app)."""
    def generate(emb, n, w, seed):
        return pipe.generate(n, cond=condition_from_text(emb, bank), seed=seed, guidance_scale=w, **SAMPLING)
    return generate


def load_judges():
    """The small CLIP, the domain classifiers and the class-conditional baselines."""
    clip = load_clip(str(ROOT / "pretrained" / "tiny_clip"))
    classifiers = {ds: load_classifier(ROOT / "pretrained" / f"classifier_{ds}") for ds in DATASETS}
    baselines = {ds: load_pipeline(ROOT / "pretrained" / f"{ds}_cond", device="cpu") for ds in DATASETS}
    return clip, classifiers, baselines


def label_generator(pipe):
    return lambda labels, n, w, seed: pipe.generate(n, labels=labels, seed=seed, guidance_scale=w, **SAMPLING)


def baseline_agreement(baselines: dict, clip, classifiers: dict, per_class: int) -> dict:
    """The class-conditional models' rows; cached in runs/ (they do not depend on the text model) so that
    --baseline-only can compute them while the text model still trains."""
    cache = ROOT / "runs" / f"text_eval_baseline_{per_class}.json"
    if cache.exists():
        return {float(w): v for w, v in json.loads(cache.read_text()).items()}
    result = label_agreement({ds: label_generator(p) for ds, p in baselines.items()}, clip, classifiers, per_class, GUIDANCE)
    cache.parent.mkdir(exist_ok=True)
    cache.write_text(json.dumps(result))
    return result


def evaluate(name: str, per_class: int, example_w: float) -> dict:
    src, dst = ROOT / "runs" / "export" / name, ROOT / "pretrained" / name
    if src.is_dir():
        dst.mkdir(parents=True, exist_ok=True)
        for f in ("config.json", "model.safetensors"):
            shutil.copy(src / f, dst / f)
    start = time.perf_counter()
    pipe = load_pipeline(dst, device="cpu")
    bank = load_bank(dst)
    clip = load_clip_of(pipe.info)
    _, classifiers, baselines = load_judges()
    report = {"model": name, "parameters": count_parameters(pipe.model), "clip": pipe.info["clip"], "per_class": per_class,
              "prior": {"images": len(bank), "k": DEFAULT_K} if bank is not None else None,
              "sampling": SAMPLING, "prompts": {ds: [class_prompt(ds, c) for c in range(10)] for ds in DATASETS},
              "baseline_parameters": {ds: count_parameters(p.model) for ds, p in baselines.items()}}
    t0 = time.perf_counter()
    report["text"] = prompt_agreement(text_generator(pipe, bank), clip, classifiers, per_class, GUIDANCE)
    report["sec_per_image_text"] = (time.perf_counter() - t0) / (per_class * 20 * len(GUIDANCE))
    if bank is not None:
        report["text_raw"] = prompt_agreement(text_generator(pipe), clip, classifiers, per_class, GUIDANCE)
    report["class_conditional"] = baseline_agreement(baselines, clip, classifiers, per_class)
    report["attribute_control"] = attribute_control(text_generator(pipe, bank), clip, per_class=8, guidance_scale=example_w)
    # domain-FID of 200 prompted samples per dataset (classes cycling), next to the real-vs-real floor at 200
    report["fid"] = {}
    for ds in DATASETS:
        ref = Reference.build(classifiers[ds], ds, n_floor=200)
        emb = clip.encode_text([class_prompt(ds, c) for c in range(10)]).detach()  # (10, D)
        images = text_generator(pipe, bank)(emb.repeat(20, 1), 200, example_w, 1)
        report["fid"][ds] = {"fid": ref.fid(images), "floor": ref.floor, "n": 200, "guidance": example_w}
    example_emb = clip.encode_text([clean_prompt(p)[0] for p in EXAMPLES]).detach()  # (8, D); plurals singular, as in the app
    rows = [text_generator(pipe, bank)(example_emb[i:i + 1].expand(8, -1), 8, example_w, i) for i in range(len(EXAMPLES))]
    save_png(make_grid(torch.cat(rows), nrow=8, scale=2), dst / "samples_prompts.png")
    report["examples"] = {"prompts": EXAMPLES, "guidance": example_w, "grid": "samples_prompts.png (one row per prompt)"}
    if bank is not None:
        report["examples"]["prior_classes"] = {p: bank.composition(example_emb[i:i + 1])[:3] for i, p in enumerate(EXAMPLES)}
    train = pipe.info["training"]
    report.update({"train_steps": train["summary"]["steps"], "train_minutes": train["summary"]["train_seconds"] / 60,
                   "eval_minutes": (time.perf_counter() - start) / 60, "threads": torch.get_num_threads()})
    (dst / "evaluation.json").write_text(json.dumps(report, indent=2))
    return report


def card(r: dict, command: str) -> str:
    def table(key):
        return "\n".join(f"| {w} | " + " | ".join(f"{r[key][w][ds]['agreement'] * 100:.1f} % | {r[key][w][ds]['clip_similarity']:.3f}"
                                                    for ds in DATASETS) + " |" for w in r[key])
    attrs = "\n".join(f"| {ds} | {a} | {v['words'][0]} / {v['words'][1]} | {v['low']:.3f} / {v['high']:.3f} | {v['fraction'] * 100:.0f} % |"
                      for ds in DATASETS for a, v in r["attribute_control"][ds].items())
    fid = " · ".join(f"{ds}: {v['fid']:.2f} (floor {v['floor']:.2f})" for ds, v in r["fid"].items())
    examples = " · ".join(f"row {i + 1}: \"{p}\"" for i, p in enumerate(r["examples"]["prompts"]))
    prior = (f"{r['prior']['images']:,} training images embedded by the CLIP, built by "
             f"`python -m diffusion_core prior-bank pretrained/{r['model']}`") if r.get("prior") else "absent here"
    k = r["prior"]["k"] if r.get("prior") else "k"
    raw = ""
    if "text_raw" in r:
        raw = f"""
The same prompts without the prior (the raw text embedding as the condition):

| guidance w | MNIST agreement | MNIST CLIP sim. | Fashion agreement | Fashion CLIP sim. |
|---|---|---|---|---|
{table('text_raw')}
"""
    mixes = ""
    if r["examples"].get("prior_classes"):
        mixes = "\n\nWhat the prior retrieves for each example prompt (top classes of its " + str(k) + " images): " + " · ".join(
            f"\"{p}\": " + ", ".join(f"{c} {n}" for c, n in v) for p, v in r["examples"]["prior_classes"].items()) + "."
    return f"""# {r['model']}: a U-Net conditioned on CLIP embeddings (text to image)

A {r['parameters']:,}-parameter U-Net, the same architecture and size as `mnist_cond` / `fashion_mnist_cond`
({r['baseline_parameters']['mnist']:,} parameters; only the conditioning layer differs: a linear map of the 64-d CLIP
embedding instead of a class-embedding table). Trained on **CLIP image embeddings** of the MNIST + Fashion-MNIST
training images (`{r['clip']}`, the project's small CLIP), 10 % of them replaced by a learned null vector so that one
network is also the unconditional model classifier-free guidance needs. At sampling time the condition comes from
the prompt's CLIP **text** embedding. CLIP aligns text and image embeddings, but they do not coincide (the modality
gap), so by default a **retrieval prior** (`diffusion_core/prior.py`, `prior_bank.safetensors`: {prior}) turns the text
embedding into the mean image embedding of its {k} most similar training images, as DALL·E 2's prior does with a
learned network. Cosine schedule, T = 1000, ε-prediction, Min-SNR-5, EMA 0.999.

## Training
- {r['train_steps']} steps of batch 64 on 120,000 images, **{r['train_minutes']:.0f} minutes** on 1 CPU thread (2-core machine,
  shared with another job).
- Reproduce: `{command}`

## Does the text steer it? (measured by `scripts/evaluate_text_model.py`, {r['threads']} CPU thread{'s' if r['threads'] > 1 else ''})
For every class a prompt names it (`a handwritten digit 7`, `a photo of a sneaker`); {r['per_class']} samples per prompt,
DPM-Solver++ 20 steps. **Agreement** = the domain classifier (`pretrained/classifier_*`) says the sample is the named
class. **CLIP sim.** = cosine similarity between the prompt's and the sample's small-CLIP embeddings.

Text-conditioned (this model), asked by prompt{' through the retrieval prior (the app default)' if r.get('prior') else ''}:

| guidance w | MNIST agreement | MNIST CLIP sim. | Fashion agreement | Fashion CLIP sim. |
|---|---|---|---|---|
{table('text')}
{raw}
Class-conditional models of the same size (`mnist_cond`, `fashion_mnist_cond`), asked by label, scored the same way:

| guidance w | MNIST agreement | MNIST CLIP sim. | Fashion agreement | Fashion CLIP sim. |
|---|---|---|---|---|
{table('class_conditional')}

Attribute control (guidance {r['examples']['guidance']:g}, 8 samples per prompt, every class): prompts with the low and the high word, the
attribute measured on the samples as in `captions.py`, and the fraction of the ten classes where the high word measured higher:

| set | attribute | words | measured low / high | classes in order |
|---|---|---|---|---|
{attrs}

Domain-FID of 200 prompted samples (classes cycling, guidance {r['examples']['guidance']:g}) against each test set: {fid}.
Generation: {r['sec_per_image_text'] * 1000:.0f} ms per image (20 steps with guidance, batches of {r['per_class']}).

{card_section(r['model'])}## Samples
`samples_prompts.png`, 8 samples per row, guidance {r['examples']['guidance']:g}, seed = row index: {examples}.{mixes}
"""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name", nargs="?", default="text_cond")
    p.add_argument("--per-class", type=int, default=20)
    p.add_argument("--guidance", type=float, default=3.0, help="for the example grid, attribute control and FID")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--command", default="see config.json → training")
    p.add_argument("--baseline-only", action="store_true", help="only the class-conditional rows (cached in runs/)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.baseline_only:
        clip, classifiers, baselines = load_judges()
        with torch.no_grad():
            baseline_agreement(baselines, clip, classifiers, a.per_class)
        return
    with torch.no_grad():
        r = evaluate(a.name, a.per_class, a.guidance)
    print(json.dumps(r, indent=2))
    readme = ROOT / "pretrained" / a.name / "README.md"
    looked_at = readme.read_text().partition(LOOKED_AT)[2] if readme.exists() else ""
    readme.write_text(card(r, a.command) + (f"\n{LOOKED_AT}{looked_at}" if looked_at.strip() else ""))


if __name__ == "__main__":
    main()
