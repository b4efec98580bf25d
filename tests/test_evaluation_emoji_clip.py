"""The emoji CLIP's evaluation and card (evaluation/emoji_clip.py) on a random emoji CLIP stored as train-clip
stores it (float16, only the caption tokens' rows) and a fake emoji folder."""
import json

from diffusion_core.emoji import load_emoji
from diffusion_core.evaluation.cards import render_card
from diffusion_core.evaluation.emoji_clip import FAR_PROMPTS, PROMPTS, nearest_names
from diffusion_core.evaluation.folder import Options, evaluate_folder, model_kind
from diffusion_core.model_folder import read_config
from diffusion_core.text.clip import create_clip, save_clip
from diffusion_core.text.emoji_clip import EMOJI_CLIP, caption_tokens
from tests.fixtures import make_fake_emoji


def test_an_emoji_clip_is_measured_on_held_out_emoji_and_student_prompts(tmp_path):
    data = make_fake_emoji(tmp_path / "emoji", repeat=4)  # 24 emoji: one (key 10) held out in both styles
    clip = create_clip(EMOJI_CLIP)
    clip.model.eval()
    clip.info = {"trained_on": "emoji", "dataset": "emoji", "training_images": 46, "held_out_images": 2,
                 "held_out_rule": "emoji key % 20 == 10 (emoji.held_out)", "steps": 2, "batch_size": 8, "lr": 3e-4,
                 "train_minutes": 0.1, "final_loss": 2.0}
    folder = tmp_path / "emoji_clip"
    save_clip(clip, folder, keep_tokens=caption_tokens(clip, load_emoji(data)))
    assert model_kind(read_config(folder)) == "emoji_clip"
    report = evaluate_folder(folder, Options(data_root=str(data)))
    assert report["held_out"]["images"] == 2 and report["held_out"]["google"]["top1"] == 1.0  # one emoji: first
    assert list(report["prompts"]) == PROMPTS + FAR_PROMPTS and report["far_prompts"] == FAR_PROMPTS
    assert all(1 <= len(v["names"]) <= 8 for v in report["prompts"].values())
    assert read_config(folder)["evaluation"] == report["held_out"]  # as train-clip records it, for the app
    assert json.loads((folder / "evaluation.json").read_text()) == report
    card = render_card(folder)
    assert card.startswith("# emoji_clip: a small CLIP trained by Diffusion Lab on emoji")
    assert "`python -m diffusion_core train-clip --dataset emoji --steps 2 --batch-size 8 --threads 1 " \
           "--out pretrained/emoji_clip`" in card and "0.1 minutes" in card
    assert "Twemoji by Twitter, Inc. and contributors" in card and "| google |" in card
    assert "5,655,649 parameters" in card  # the whole token table counts, though only its caption rows are stored
    assert '- far from emoji: "zzzz": ' in card


def test_nearest_names_name_each_emoji_once_best_first(tmp_path):
    from tests.test_emoji_clip import _NameReader

    emoji = load_emoji(make_fake_emoji(tmp_path / "emoji"))
    found = nearest_names(_NameReader(emoji), emoji, ["a green apple"], k=3)["a green apple"]
    assert found["names"][0] == "green apple" and len(found["names"]) == len(set(found["names"]))
    assert abs(found["similarity"] - 1) < 1e-6  # both styles of the green apple read as the prompt exactly
