"""Near-copies: how often does a model draw (almost) one of its training pictures? With 3,822 training emoji, a
text-to-image model could learn to retrieve them; this measures how often it does, in a named feature space.

Feature space: the CLIP image embedding z = normalize(CLIP_img(x)) ∈ R^D of the model's own CLIP, compared by
cosine ⟨z_a, z_b⟩ (1: the same direction). A sample s is a near-copy when its nearest training picture is closer
than most training pictures are to their nearest picture of *another* emoji (group g; the two styles of one emoji
are one group, so they do not count as "another"):

    c_i   = max_{j: g_j ≠ g_i} ⟨z_i, z_j⟩          # (N,) each training picture's nearest other emoji
    τ     = percentile_p(c_1 … c_N)                # p = 95: the near-copy threshold
    near  = max_j ⟨z_s, z_j⟩ > τ                    # (B,) per sample
    share = mean_s(near)

A second measure, in pixels: the RMSE on [-1, 1] from a sample to its pixel-nearest training picture,
sqrt(min_j ‖x_s − x_j‖² / (C·H·W)); below 0.1 the sample is a copy up to faint noise.

    cos, idx = nearest_training(z_samples, z_bank, k=3)     # (B, 3) each, closest first
    rmse, idx = pixel_nearest(samples, pictures)             # (B,) each: the pixel-nearest picture
    tau_px = pixel_threshold(pictures)                       # pictures without groups: in pixels
    tau = near_copy_threshold(z_bank, groups)               # groups (N,): which emoji
    share = near_copy_share(z_samples, z_bank, tau)
    report = measure_model("pretrained/emoji_text")         # samples the model; near_copies.json beside it
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import torch

REPORT_NAME = "near_copies.json"
FEATURE_SPACE = "the emoji CLIP's image embedding, cosine"
PERCENTILE = 95.0
PIXEL_RMSE = 0.1  # on [-1, 1]: a copy up to faint noise
# the 12 prompts of pretrained/emoji_text's card (its samples_prompts.png rows): colours, faces, objects, a flag
CARD_PROMPTS = ("a red heart", "a smiling face with sunglasses", "the flag of japan", "a green apple", "a cat face",
                "a rocket", "a yellow star", "a blue car", "a dog face", "a slice of pizza", "a snowman",
                "a grinning face")
SAMPLING = {"sampler": "dpm_solver_pp", "num_steps": 20, "guidance_scale": 3.0}  # as the card's samples


def nearest_training(sample_emb: torch.Tensor, bank_emb: torch.Tensor, k: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """sample_emb (B, D), bank_emb (N, D), both unit -> (cosines (B, k), indices (B, k)), closest first."""
    return (sample_emb @ bank_emb.T).topk(min(k, len(bank_emb)), dim=1)  # (B, N) cosines, top k per row


def nearest_other_group(bank_emb: torch.Tensor, groups: torch.Tensor, chunk: int = 1024) -> torch.Tensor:
    """(N,) c_i = max_{j: g_j ≠ g_i} ⟨z_i, z_j⟩, in chunks of rows ((chunk, N) cosines at a time)."""
    groups = torch.as_tensor(groups)
    out = []
    for i in range(0, len(bank_emb), chunk):
        cos = bank_emb[i:i + chunk] @ bank_emb.T  # (chunk, N)
        same = groups[i:i + chunk, None] == groups[None, :]  # itself and its other style
        out.append(cos.masked_fill(same, -torch.inf).max(dim=1).values)
    return torch.cat(out)


def near_copy_threshold(bank_emb: torch.Tensor, groups: torch.Tensor, percentile: float = PERCENTILE) -> float:
    """τ = percentile_p of c_i (nearest_other_group), linearly interpolated between ranks (numpy's default)."""
    return float(np.percentile(nearest_other_group(bank_emb, groups).numpy(), percentile))


def near_copy_share(sample_emb: torch.Tensor, bank_emb: torch.Tensor, threshold: float) -> float:
    """The share of samples whose nearest training picture has cosine above τ."""
    cos, _ = nearest_training(sample_emb, bank_emb, 1)
    return float((cos[:, 0] > threshold).float().mean())


def pixel_nearest(samples: torch.Tensor, pictures: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """samples (B, C, H, W), pictures (N, C, H, W) in [-1, 1] -> (RMSE (B,), index (B,)) of each sample's
    pixel-nearest picture: sqrt(min_j ‖x_s − x_j‖² / (C·H·W)) and its j."""
    d = torch.cdist(samples.flatten(1).double(), pictures.flatten(1).double())  # (B, N) Euclidean distances
    nearest = d.min(dim=1)
    return (nearest.values / samples[0].numel() ** 0.5).float(), nearest.indices


def pixel_threshold(pictures: torch.Tensor, percentile: float = PERCENTILE) -> float:
    """The pixel twin of near_copy_threshold, for a set of pictures (N, C, H, W) in [-1, 1] with no groups:

        c_i   = min_{j ≠ i} RMSE(x_i, x_j)              # each picture's nearest other picture
        τ_px  = max(PIXEL_RMSE, percentile_{100-p}(c))   # p = 95: closer than 95 % of pictures are to another

    A sample within τ_px of a picture is nearer to it than almost any picture of the set is to another one."""
    if len(pictures) < 2:
        return PIXEL_RMSE
    flat = pictures.flatten(1).double()
    d = torch.cdist(flat, flat) / flat.shape[1] ** 0.5  # (N, N) RMSE
    c = d.fill_diagonal_(torch.inf).min(dim=1).values
    return max(PIXEL_RMSE, float(np.percentile(c.numpy(), 100 - percentile)))


def pixel_rmse_nearest(samples: torch.Tensor, pictures: torch.Tensor) -> torch.Tensor:
    """samples (B, C, H, W), pictures (N, C, H, W) in [-1, 1] -> (B,) RMSE to each sample's pixel-nearest picture."""
    return pixel_nearest(samples, pictures)[0]


@dataclass
class NearCopyReport:
    feature_space: str  # what "distance" means: FEATURE_SPACE
    threshold: float  # τ: the percentile of training pictures' cosine to their nearest other emoji
    percentile: float  # p
    samples: int  # how many samples were measured
    share: float  # of samples with nearest cosine > τ
    median_nearest: float  # median over samples of the nearest training picture's cosine
    pixel_rmse: float = PIXEL_RMSE  # the pixel measure's bound (on [-1, 1])
    pixel_share: float | None = None  # of samples whose pixel-nearest training picture is within pixel_rmse
    median_pixel_rmse: float | None = None
    training_pictures: int = 0
    sampling: dict = field(default_factory=dict)  # how the samples were drawn: prompts, sampler, seeds

    def sentence(self) -> str:
        """The measured share, for a student."""
        return (f"On {self.samples:,} pictures this model drew, {self.share * 100:.1f} % were near-copies of a "
                f"training emoji: closer to it than {self.percentile:g} % of training emoji are to their nearest "
                f"other emoji (feature space: {self.feature_space}; a near-copy is above {self.threshold:.3f}).")


def save_report(report: NearCopyReport, model_dir) -> Path:
    path = Path(model_dir) / REPORT_NAME
    path.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return path


def load_report(model_dir) -> NearCopyReport | None:
    """The folder's near_copies.json, or None when it has none."""
    path = Path(model_dir) / REPORT_NAME
    if not path.is_file():
        return None
    raw = json.loads(path.read_text())
    return NearCopyReport(**{f.name: raw[f.name] for f in fields(NearCopyReport) if f.name in raw})


def measure(samples: torch.Tensor, sample_emb: torch.Tensor, pictures: torch.Tensor, bank_emb: torch.Tensor,
            groups: torch.Tensor, percentile: float = PERCENTILE, sampling: dict | None = None) -> NearCopyReport:
    """samples (B, C, H, W) with their embeddings (B, D); the training pictures (N, C, H, W) with theirs (N, D)
    and their groups (N,) -> the report."""
    tau = near_copy_threshold(bank_emb, groups, percentile)
    cos, _ = nearest_training(sample_emb, bank_emb, 1)
    rmse = pixel_rmse_nearest(samples, pictures)
    return NearCopyReport(FEATURE_SPACE, round(tau, 4), percentile, len(samples),
                          round(float((cos[:, 0] > tau).float().mean()), 4), round(float(cos.median()), 4),
                          PIXEL_RMSE, round(float((rmse < PIXEL_RMSE).float().mean()), 4),
                          round(float(rmse.median()), 4), len(pictures), sampling or {})


def check_bank_order(clip, bank_emb: torch.Tensor, pictures: torch.Tensor, every: int = 250, tol: float = 2e-3):
    """The prior bank must hold the CLIP embeddings of these pictures in this order: the count, and a few rows
    embedded again (the bank stores float16, so up to ~1e-3 apart)."""
    if len(bank_emb) != len(pictures):
        raise ValueError(f"the prior bank holds {len(bank_emb)} pictures and the emoji data {len(pictures)}: rebuild "
                         "it with `python -m diffusion_core prior-bank <model folder>`")
    rows = torch.arange(0, len(pictures), every)
    with torch.no_grad():
        again = clip.encode_images(pictures[rows])  # (R, D)
    if (again - bank_emb[rows]).abs().max() > tol:
        raise ValueError("the prior bank's rows are not the emoji data in load_emoji order: rebuild it with "
                         "`python -m diffusion_core prior-bank <model folder>`")


@torch.no_grad()
def draw_card_prompts(pipe, clip, bank, n: int, num_steps: int = SAMPLING["num_steps"], clean=None):
    """n samples (n, C, H, W) in [-1, 1] over CARD_PROMPTS (n // 12 each, the first n % 12 prompts one more),
    through the retrieval prior, DPM-Solver++ with guidance 3; prompt i has seed i. Also how they were drawn.
    clean: the prompt as the app cleans it (the model's PromptDomain.clean), by default as written."""
    from .text.prior import condition_from_text

    if n < 1:
        raise ValueError(f"--samples must be at least 1, not {n}")
    counts = [n // len(CARD_PROMPTS) + (i < n % len(CARD_PROMPTS)) for i in range(len(CARD_PROMPTS))]
    emb = clip.encode_text([clean(p)[0] if clean else p for p in CARD_PROMPTS])  # (12, D)
    options = {**SAMPLING, "num_steps": num_steps}
    drawn = [pipe.generate(c, cond=condition_from_text(emb[i:i + 1], bank).expand(c, -1), seed=i, **options)
             for i, c in enumerate(counts) if c]
    return torch.cat(drawn), {"prompts": list(CARD_PROMPTS), "per_prompt": counts, "seeds": "prompt i: seed i",
                              "prior": bank is not None, **options}


def measure_model(model_dir, samples: int = 504, data_root=None, num_steps: int = SAMPLING["num_steps"],
                  percentile: float = PERCENTILE) -> NearCopyReport:
    """Sample an emoji text model on the card's prompts and measure its near-copies against its training pictures
    (the emoji data; groups: which emoji) in its CLIP's image space; writes <model_dir>/near_copies.json."""
    from .emoji import dataset_style, load_emoji
    from .pipeline import load_pipeline
    from .text.clip import load_clip_of
    from .text.prior import load_bank
    from .text.prompt_domain import domain_file, load_domain

    pipe = load_pipeline(model_dir, device="cpu")
    styles = dataset_style(pipe.info.get("dataset", ""))
    if not (pipe.info.get("clip") and styles):
        raise ValueError(f"{model_dir} is not an emoji model conditioned on CLIP: near-copies are measured for those")
    bank, clip = load_bank(model_dir), load_clip_of(pipe.info)
    if bank is None:
        raise ValueError(f"{model_dir} has no prior bank: `python -m diffusion_core prior-bank {model_dir}` first")
    emoji = load_emoji(data_root, pipe.config.image_size, styles)
    check_bank_order(clip, bank.embeddings, emoji.images)
    clean = load_domain(model_dir).clean if domain_file(model_dir).is_file() else None
    drawn, sampling = draw_card_prompts(pipe, clip, bank, samples, num_steps, clean)
    with torch.no_grad():
        drawn_emb = clip.encode_images(drawn)  # (n, D)
    report = measure(drawn, drawn_emb, emoji.images, bank.embeddings, emoji.keys, percentile, sampling)
    save_report(report, model_dir)
    return report


def add_near_copies(sub):
    p = sub.add_parser("near-copies", help="how often an emoji text model draws a near-copy of a training picture",
                       description="Sample the model on its card's 12 prompts, find each sample's nearest training "
                                   "picture in its CLIP's image space and write <model_dir>/near_copies.json.")
    p.add_argument("model_dir", help="an emoji model conditioned on CLIP, with its prior bank")
    p.add_argument("--samples", type=int, default=504, help="samples over the 12 prompts (504: 42 each)")
    p.add_argument("--steps", type=int, default=SAMPLING["num_steps"], help="DPM-Solver++ steps")
    p.add_argument("--percentile", type=float, default=PERCENTILE)
    p.add_argument("--data-root", help="folder with the emoji data")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    p.set_defaults(handler=cmd_near_copies)


def cmd_near_copies(a):
    if a.threads:
        torch.set_num_threads(a.threads)
    report = measure_model(a.model_dir, a.samples, a.data_root, a.steps, a.percentile)
    print(json.dumps(asdict(report), indent=2))
    print(report.sentence())
    print("wrote", Path(a.model_dir) / REPORT_NAME)
