"""The retrieval prior: the k-nearest mean in closed form, what it retrieves, and its file round trip."""
import torch
import torch.nn.functional as F

from diffusion_core.text.clip import TINY_CLIP, create_clip
from diffusion_core.text.prior import ImageBank, build_bank_for_model, load_bank
from tests.fixtures import make_tiny_models


def toy_bank() -> ImageBank:
    # four unit vectors in 3-d: two near e0 (class 0 of "a"), one at e1 (class 1 of "a"), one at e2 (class 0 of "b")
    emb = F.normalize(torch.tensor([[1.0, 0.1, 0], [1.0, -0.1, 0], [0, 1.0, 0], [0, 0, 1.0]]), dim=-1)
    return ImageBank(emb, torch.tensor([0, 0, 1, 0]), torch.tensor([0, 0, 0, 1]), ("a", "b"),
                     (("zero", "one"), ("b-zero", "b-one")))


def test_prior_is_the_normalised_mean_of_the_k_nearest():
    bank = toy_bank()
    text = torch.tensor([[0.9, 0.0, 0.1]])  # closest to the first two
    assert torch.allclose(bank.prior(text, k=2), torch.tensor([[1.0, 0.0, 0.0]]), atol=1e-6)  # (e0+0.1e1 + e0-0.1e1)/2
    assert torch.allclose(bank.prior(text, k=1).norm(dim=-1), torch.ones(1))
    assert bank.prior(text.repeat(3, 1), k=3).shape == (3, 3)
    assert bank.composition(text, k=3) == [("a: zero", 2), ("b: b-zero", 1)]
    assert bank.nearest(text, k=99).shape == (1, 4)  # k is capped at the bank size


def test_bank_round_trip_and_build_from_a_model_directory(tmp_path, monkeypatch):
    bank = toy_bank()
    loaded = ImageBank.load(bank.save(tmp_path / "bank.safetensors"))
    assert torch.allclose(loaded.embeddings, bank.embeddings, atol=1e-3)  # stored as float16
    assert loaded.datasets == ("a", "b") and loaded.class_names == bank.class_names
    assert torch.equal(loaded.labels, bank.labels) and torch.equal(loaded.dataset_index, bank.dataset_index)

    root = make_tiny_models(tmp_path / "models", with_clip=True)
    images = {ds: (torch.rand(6, 1, 28, 28) * 2 - 1, torch.arange(6)) for ds in ("mnist", "fashion_mnist")}
    monkeypatch.setattr("diffusion_core.data.load_images", lambda name, split, root=None, limit=None: images[name])
    path = build_bank_for_model(root / "tiny_text", per_dataset=6)
    built = load_bank(root / "tiny_text")
    assert path.exists() and len(built) == 12 and built.datasets == ("mnist", "fashion_mnist")
    assert built.class_names[1][9] == "Ankle boot"
    assert load_bank(tmp_path) is None


def test_bank_embeddings_match_the_clip():
    torch.manual_seed(0)
    clip = create_clip(TINY_CLIP)
    clip.model.eval()
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    bank = ImageBank.build(clip, {"mnist": (x, torch.arange(5))})
    with torch.no_grad():
        assert torch.allclose(bank.embeddings, clip.encode_images(x), atol=1e-6)
    assert bank.class_names[0][3] == "3"


def test_a_bank_keeps_its_own_k_and_the_prior_uses_it(tmp_path):
    """Emoji banks average EMOJI_K = 2 pictures (two per emoji), digit banks DEFAULT_K; a saved k comes back."""
    from diffusion_core.text.prior import DEFAULT_K, EMOJI_K, condition_from_text

    bank = toy_bank()
    assert bank.k == DEFAULT_K
    two = ImageBank(bank.embeddings, bank.labels, bank.dataset_index, bank.datasets, bank.class_names, k=EMOJI_K)
    text = torch.tensor([[0.9, 0.0, 0.1]])
    assert torch.equal(two.prior(text), bank.prior(text, k=2))
    assert torch.equal(condition_from_text(text, two), two.prior(text))
    assert ImageBank.load(two.save(tmp_path / "bank.safetensors")).k == EMOJI_K
