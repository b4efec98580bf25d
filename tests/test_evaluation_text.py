"""evaluation.text on a toy world where the answers are known: class c is drawn as a bar c+1 px tall, and
stand-in CLIP/classifier read exactly that, so a faithful generator must score 1 and a deaf one 0.1."""
import torch
import torch.nn.functional as F

from diffusion_core.evaluation.text import attribute_control, class_prompt, label_agreement, prompt_agreement
from diffusion_core.text.captions import FASHION_NOUNS

HIGH_WORDS = ("large", "light", "bold", "slanted")


def draw(c: int, n: int, bold: bool = False) -> torch.Tensor:
    x = torch.full((n, 1, 28, 28), -1.0)
    x[:, :, 4:5 + c, 8:(16 if bold else 10)] = 1
    return x


def class_of_prompt(text: str) -> int:
    for c in range(10):
        if f"digit {c}" in text or f" {FASHION_NOUNS[c][0]}" in f" {text}":
            return c
    return 0


class StandInClip:
    def encode_text(self, texts):  # dims 0-9: the class named; dim 10: a high attribute word
        e = torch.zeros(len(texts), 11)
        for i, s in enumerate(texts):
            e[i, class_of_prompt(s)] = 1
            e[i, 10] = float(any(w in s.split() for w in HIGH_WORDS))
        return F.normalize(e, dim=-1)

    def encode_images(self, x):
        rows = ((x[:, 0] > 0).any(2).sum(1) - 1).clamp(0, 9)
        bold = ((x[:, 0] > 0).sum((1, 2)) > 4 * (rows + 1)).float()  # wider than 4 px
        return F.normalize(torch.cat([F.one_hot(rows, 10).float(), bold[:, None]], 1), dim=-1)


class BarClassifier(torch.nn.Module):
    def forward(self, x):
        rows = ((x[:, 0] > 0).any(2).sum(1) - 1).clamp(0, 9)
        return F.one_hot(rows, 10).float()


def faithful(emb, n, w, seed):
    return draw(int(emb[0, :10].argmax()), n, bold=bool(emb[0, 10] > 0))


def deaf(emb, n, w, seed):
    return draw(0, n)


def test_class_prompts_name_the_class():
    assert class_prompt("mnist", 7) == "a handwritten digit 7"
    assert class_prompt("fashion_mnist", 1) == "a photo of a trousers"


def test_a_faithful_generator_agrees_everywhere_and_a_deaf_one_at_chance():
    clip, classifiers = StandInClip(), {"mnist": BarClassifier(), "fashion_mnist": BarClassifier()}
    good = prompt_agreement(faithful, clip, classifiers, per_class=3, guidance_scales=(1.0, 3.0))
    bad = prompt_agreement(deaf, clip, classifiers, per_class=3, guidance_scales=(1.0,))
    for ds in classifiers:
        assert good[3.0][ds]["agreement"] == 1.0 and abs(good[3.0][ds]["clip_similarity"] - 1.0) < 1e-6
        assert abs(bad[1.0][ds]["agreement"] - 0.1) < 1e-6 and bad[1.0][ds]["per_class"][0] == 1.0


def test_label_agreement_uses_the_labels():
    by_label = {ds: (lambda labels, n, w, seed: draw(int(labels[0]), n)) for ds in ("mnist", "fashion_mnist")}
    classifiers = {"mnist": BarClassifier(), "fashion_mnist": BarClassifier()}
    result = label_agreement(by_label, StandInClip(), classifiers, per_class=2, guidance_scales=(2.0,))
    assert result[2.0]["mnist"]["agreement"] == 1.0


def test_attribute_control_sees_bold_prompts_draw_thicker_strokes():
    result = attribute_control(faithful, StandInClip(), per_class=2)
    thickness = result["mnist"]["thickness"]
    assert thickness["words"] == ["thin", "bold"] and thickness["fraction"] == 1.0
    assert thickness["high"] > thickness["low"]
