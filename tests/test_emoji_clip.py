"""The emoji CLIP (diffusion_core/text/emoji_clip.py) and the emoji text-to-image path through the CLI, on a fake
emoji folder in tmp_path: train-clip --dataset emoji -> train --dataset emoji --conditioning clip -> prior-bank."""
import json

import pytest
import torch

from diffusion_core.cli import main
from diffusion_core.emoji import CATEGORIES, COLOURS, held_out, load_emoji
from diffusion_core.text.clip import create_clip, load_clip, train_clip_steps
from diffusion_core.text.emoji_clip import (
    EMOJI_CLIP,
    caption_tokens,
    category_accuracy,
    colour_accuracy,
    measure_emoji_clip,
    name_retrieval,
)
from tests.fixtures import make_fake_emoji


def test_the_emoji_clip_takes_32px_colour_pictures_and_its_measures_are_shares(tmp_path):
    emoji = load_emoji(make_fake_emoji(tmp_path / "emoji"), size=32)
    clip = create_clip(EMOJI_CLIP)
    assert clip.embed_dim == 128 and clip.encode_images(emoji.images[:2]).shape == (2, 128)
    losses = [s["loss"] for s in train_clip_steps(clip, emoji, steps=3, batch_size=8, warmup_steps=1)]
    assert all(torch.isfinite(torch.tensor(losses)))
    assert 0 <= category_accuracy(clip, emoji) <= 1 and 0 <= colour_accuracy(clip, emoji) <= 1
    retrieval = name_retrieval(clip, emoji, ks=(1, 5, 6))
    assert 0 <= retrieval["top1"] <= retrieval["top5"] <= retrieval["top6"] == 1.0  # six emoji: always in the top 6


class _NameReader:
    """A stand-in CLIP that knows each picture's emoji exactly and reads names and colour words, nothing else."""
    def __init__(self, emoji):
        self.emoji = emoji

    def encode_images(self, images):
        keys = [self.emoji.keys[(self.emoji.images == x).flatten(1).all(1)][0] for x in images]
        colours = [self.emoji.colours[int(torch.nonzero((self.emoji.images == x).flatten(1).all(1))[0])][0]
                   for x in images]
        return torch.stack([self._vector(int(k), c) for k, c in zip(keys, colours)])

    def encode_text(self, texts):
        names = [n[0] for n in self.emoji.names]
        out = []
        for t in texts:
            key = max((len(n), int(self.emoji.keys[i])) for i, n in enumerate(names) if n in t)[1]
            out.append(self._vector(key, next((c for c in COLOURS if f"a {c} " in t), None)))
        return torch.stack(out)

    def _vector(self, key, colour):
        v = torch.zeros(64 + len(COLOURS))
        v[key] = 1
        if colour:
            v[64 + COLOURS.index(colour)] = 0.5
        return torch.nn.functional.normalize(v, dim=0)


def test_a_clip_that_reads_names_and_colours_perfectly_scores_one(tmp_path):
    emoji = load_emoji(make_fake_emoji(tmp_path / "emoji"))
    reader = _NameReader(emoji)
    assert name_retrieval(reader, emoji) == {"top1": 1.0, "top5": 1.0}
    assert colour_accuracy(reader, emoji) == 1.0


def test_train_clip_then_a_text_model_then_its_prior_bank_from_the_cli(tmp_path, capsys):
    root = make_fake_emoji(tmp_path / "emoji", repeat=4)  # 24 emoji: one (key 10) held out in both styles
    clip_dir, model_dir = tmp_path / "emoji_clip", tmp_path / "emoji_text"
    assert main(["train-clip", "--dataset", "emoji", "--data-root", str(root), "--steps", "2", "--batch-size", "8",
                 "--threads", "1", "--out", str(clip_dir)]) == 0
    config = json.loads((clip_dir / "config.json").read_text())
    assert config["dataset"] == "emoji" and config["training_images"] == 46 and config["held_out_images"] == 2
    assert config["evaluation"]["emoji"] == 1 and config["evaluation"]["images"] == 2
    assert "## Quality" in (clip_dir / "README.md").read_text()
    assert main(["train", "--dataset", "emoji", "--data-root", str(root), "--image-size", "32", "--in-channels", "3",
                 "--base-channels", "8", "--channel-mults", "1", "2", "--attention-levels", "1",
                 "--conditioning", "clip", "--clip", str(clip_dir), "--steps", "2", "--batch-size", "4",
                 "--threads", "1", "--sample-every", "0", "--run-dir", str(tmp_path / "run"),
                 "--out", str(model_dir)]) == 0
    assert main(["prior-bank", str(model_dir), "--data-root", str(root)]) == 0
    from diffusion_core.model_folder import training_seconds
    from diffusion_core.pipeline import load_pipeline
    from diffusion_core.text.prior import load_bank

    pipe = load_pipeline(model_dir, device="cpu")
    bank = load_bank(model_dir)
    assert pipe.info["class_names"] == list(CATEGORIES) and len(bank) == 48 and bank.class_names == (CATEGORIES,)
    assert bank.k == 2  # two pictures per emoji (EMOJI_K)
    text = load_clip(str(clip_dir)).encode_text(["a red heart", "the flag of japan"])
    images = pipe.generate(2, cond=bank.prior(text), guidance_scale=3.0, sampler="ddim", num_steps=2)
    assert images.shape == (2, 3, 32, 32) and torch.isfinite(images).all()
    # fine-tuned on one style from those weights: its bank holds that style, and a prompt's prior is one picture
    one_style = tmp_path / "emoji_twitter"
    assert main(["train", "--dataset", "emoji_twitter", "--init", str(model_dir), "--data-root", str(root),
                 "--image-size", "32", "--in-channels", "3", "--base-channels", "8", "--channel-mults", "1", "2",
                 "--attention-levels", "1", "--conditioning", "clip", "--clip", str(clip_dir), "--steps", "2",
                 "--batch-size", "4", "--threads", "1", "--sample-every", "0", "--run-dir", str(tmp_path / "run_ft"),
                 "--out", str(one_style)]) == 0
    assert main(["prior-bank", str(one_style), "--data-root", str(root)]) == 0
    assert len(load_bank(one_style)) == 24 and load_bank(one_style).k == 1
    training = load_pipeline(one_style, device="cpu").info["training"]
    before = training["summary"]["init"]  # the lineage: what the run started from, with its steps and seconds
    assert training["init_from"] == before["from"] == str(model_dir) and before["steps"] == 2
    assert training_seconds(training["summary"]) == training["summary"]["train_seconds"] + before["train_seconds"]


def test_held_out_figures_are_shares_per_style_too(tmp_path):
    emoji = load_emoji(make_fake_emoji(tmp_path / "emoji", repeat=4))
    figures = measure_emoji_clip(create_clip(EMOJI_CLIP), emoji.subset(held_out(emoji)))
    assert figures["images"] == 2 and figures["google"]["top1"] == 1.0  # one held-out emoji: it is always first


def test_caption_tokens_cover_every_caption_the_training_can_draw(tmp_path):
    emoji = load_emoji(make_fake_emoji(tmp_path / "emoji"))
    clip = create_clip(EMOJI_CLIP)
    keep = set(caption_tokens(clip, emoji))
    drawn = {t for i in range(len(emoji)) for choice in range(30)
             for t in clip.tokenizer(emoji.caption(i, choice))[0].tolist()}
    assert drawn <= keep and len(keep) < 300
    assert emoji.caption(2, 5) in emoji.every_caption(2) and "a white and red flag of japan" in emoji.every_caption(2)


def test_locked_image_tuning_moves_the_text_tower_and_keeps_every_picture_embedding(tmp_path):
    """train-clip --init --lock-image (LiT): the image space a text-to-image model is conditioned on stays bit for bit;
    the text tower learns; the card's Reproduce line runs both stages."""
    from diffusion_core.evaluation.reproduce import reproduce_command

    root = make_fake_emoji(tmp_path / "emoji", repeat=4)
    clip_dir, tuned_dir = tmp_path / "emoji_clip", tmp_path / "emoji_clip_lit"
    common = ["--dataset", "emoji", "--data-root", str(root), "--batch-size", "8", "--threads", "1"]
    assert main(["train-clip", *common, "--steps", "2", "--out", str(clip_dir)]) == 0
    assert main(["train-clip", *common, "--steps", "3", "--lr", "0.01", "--init", str(clip_dir), "--lock-image",
                 "--out", str(tuned_dir)]) == 0
    before, after = load_clip(str(clip_dir)), load_clip(str(tuned_dir))
    images = load_emoji(root).images[:6]
    assert torch.equal(before.encode_images(images), after.encode_images(images))
    assert not torch.allclose(before.encode_text(["a red heart"]), after.encode_text(["a red heart"]))
    config = json.loads((tuned_dir / "config.json").read_text())
    assert config["steps"] == 2 and config["lit"]["steps"] == 3 and config["lit"]["batch_size"] == 8
    command = reproduce_command("emoji_clip", "emoji_clip", config, {})
    assert "--steps 2 " in command and "--init pretrained/emoji_clip --lock-image --steps 3" in command
    assert "Then **3 steps of the text tower alone**" in (tuned_dir / "README.md").read_text()


@pytest.mark.parametrize("flags", [["--init", "pretrained/emoji_clip"], ["--lock-image"]])
def test_init_and_lock_image_go_together(flags, tmp_path):
    """A whole fine-tune from --init would write a card that reads as a run from scratch; locking a random image
    tower teaches nothing: both are refused with a sentence before anything trains."""
    with pytest.raises(SystemExit, match="go together"):
        main(["train-clip", "--dataset", "emoji", "--steps", "1", *flags, "--out", str(tmp_path / "clip")])
    assert not (tmp_path / "clip").exists()
