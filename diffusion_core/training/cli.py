"""Arguments of `python -m diffusion_core train` (built from TrainConfig's fields, config.py, and the U-Net's), and of
`train-classifier` and `train-clip`: train the models that evaluation measures with, save their folders, then
evaluate them and write their cards (evaluation/folder.py, cards.py)."""
import json
import time

from ..models import UNetConfig
from .config import add_arguments, from_arguments

ARCHITECTURES = ("unet", "no_time_denoiser")


def add_train(sub):
    p = sub.add_parser("train", help="train a diffusion model (or the no-time denoiser) and export it",
                       description="Train on MNIST, Fashion-MNIST, emoji or an image folder. Resumes from --run-dir if "
                                   "a checkpoint is there. Under torchrun, trains with DistributedDataParallel.")
    add_arguments(p)
    u = UNetConfig()
    p.add_argument("--architecture", choices=ARCHITECTURES, default="unet")
    p.add_argument("--image-size", type=int, default=u.image_size)
    p.add_argument("--in-channels", type=int, default=u.in_channels, help="1 grey, 3 RGB")
    p.add_argument("--base-channels", type=int, default=u.base_channels, help="U-Net channels at full resolution")
    p.add_argument("--channel-mults", type=int, nargs="+", default=list(u.channel_mults), help="one per level")
    p.add_argument("--num-res-blocks", type=int, default=u.num_res_blocks)
    p.add_argument("--attention-levels", type=int, nargs="*", default=list(u.attention_levels))
    p.add_argument("--block-type", choices=["resnet", "resnet_scale_shift", "convnext"], default=u.block_type,
                   help="resnet_scale_shift: the embedding scales and shifts the block's normalised features (ADM)")
    p.add_argument("--prediction-type", choices=["eps", "x0", "v", "velocity"], default=u.prediction_type,
                   help="what the network predicts (flow matching always predicts the velocity)")
    p.add_argument("--run-dir", default="runs/train", help="checkpoints, loss log and sample grids go here")
    p.add_argument("--out", help="export the EMA model directory here when done")
    p.set_defaults(handler=cmd_train)


def model_config(a, cfg):
    """The network's config from the model flags; the classes and the CLIP's width from the run's data."""
    from ..emoji import CATEGORIES, dataset_style
    from ..models import NoTimeDenoiserConfig

    if a.architecture == "no_time_denoiser":
        return NoTimeDenoiserConfig(image_size=a.image_size, in_channels=a.in_channels)
    cond_dim = 0
    classes = len(CATEGORIES) if dataset_style(cfg.dataset) else 10 * len(cfg.dataset.split("+"))
    if cfg.conditioning == "clip":
        from ..text.clip import load_clip

        cond_dim = load_clip(cfg.clip, cfg.clip_pretrained).embed_dim
    return UNetConfig(image_size=a.image_size, in_channels=a.in_channels, base_channels=a.base_channels,
                      channel_mults=tuple(a.channel_mults), num_res_blocks=a.num_res_blocks,
                      attention_levels=tuple(a.attention_levels), block_type=a.block_type,
                      num_classes=classes if cfg.conditioning == "class" else 0,
                      cond_dim=cond_dim, prediction_type=a.prediction_type)


def cmd_train(a):
    from .run import fit

    cfg = from_arguments(a)
    summary = fit(model_config(a, cfg), cfg, a.run_dir, a.out)  # the no-time denoiser trains with the same loop
    print(json.dumps(summary, indent=2))


def add_train_classifier(sub):
    p = sub.add_parser("train-classifier",
                       help="train a domain classifier, save its folder, evaluate it, write its card")
    p.add_argument("dataset", choices=["mnist", "fashion_mnist", "emoji"],
                   help="emoji: the colour judge, 9 categories, trained on the google style, tested on the twitter one")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--limit", type=int, help="use only the first N training images (quick runs)")
    p.add_argument("--data-root", help="folder with the dataset files")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--out", required=True, help="the model folder to write (pretrained/classifier_<dataset>)")
    p.set_defaults(handler=cmd_train_classifier)


def add_train_clip(sub):
    p = sub.add_parser("train-clip", help="train a small CLIP on captioned MNIST + Fashion-MNIST (or emoji), save, "
                                          "evaluate, write its card")
    p.add_argument("--dataset", default="mnist+fashion_mnist",
                   choices=["mnist+fashion_mnist", "emoji", "emoji_google", "emoji_twitter"],
                   help="emoji: both styles, captions from names, categories and measured colours (emoji.py)")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--limit", type=int, help="use only the first N training images of each dataset (quick runs)")
    p.add_argument("--data-root", help="folder with the dataset files")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--init", help="emoji, with --lock-image: start from this CLIP folder instead of from scratch")
    p.add_argument("--lock-image", action="store_true",
                   help="with --init: tune the text tower alone (LiT), so the image space, and the text-to-image "
                        "model conditioned on it, stay as they are")
    p.add_argument("--out", required=True, help="the model folder to write (pretrained/tiny_clip)")
    p.set_defaults(handler=cmd_train_clip)


def evaluate_and_write_card(folder, data_root=None):
    from ..evaluation.cards import write_card
    from ..evaluation.folder import Options, evaluate_folder

    report = evaluate_folder(folder, Options(data_root=data_root))
    print("measured", report, "\nwrote", write_card(folder))


def cmd_train_classifier(a):
    import torch

    from ..evaluation.metrics import judged_class_names, judged_images
    from .classifier import save_classifier, train_classifier

    torch.set_num_threads(a.threads)
    start = time.perf_counter()
    model, acc = train_classifier(a.dataset, epochs=a.epochs, batch_size=a.batch_size, data_root=a.data_root,
                                  limit=a.limit, progress=True)
    minutes = (time.perf_counter() - start) / 60
    print(f"{a.dataset}: test accuracy {acc:.4f} after {minutes:.1f} minutes")
    info = {"dataset": a.dataset, "test_accuracy": acc, "epochs": a.epochs, "train_minutes": minutes}
    if a.dataset == "emoji":  # the judge's card names its classes and its data
        info.update(class_names=judged_class_names(a.dataset), batch_size=a.batch_size,
                    train_images=len(judged_images(a.dataset, "train", a.data_root, limit=a.limit)[1]))
    save_classifier(model, a.out, info)
    evaluate_and_write_card(a.out, a.data_root)


def cmd_train_clip(a):
    import torch

    from ..emoji import dataset_style
    from ..text.clip import fit_clip, save_clip

    torch.set_num_threads(a.threads)
    if bool(a.init) != a.lock_image:  # the card records a LiT run beside the first; a whole fine-tune it would not
        raise SystemExit("--init and --lock-image go together: tune the text tower of the CLIP in --init")
    if dataset_style(a.dataset):  # the emoji CLIP keeps only the token rows its captions can hold
        from ..text import emoji_clip

        clip, emoji = emoji_clip.fit_emoji_clip(a.steps, a.batch_size, a.lr, a.data_root, a.limit,
                                                dataset_style(a.dataset), init=a.init, lock_image=a.lock_image)
        save_clip(clip, a.out, keep_tokens=emoji_clip.caption_tokens(clip, emoji))
    elif a.init or a.lock_image:
        raise SystemExit("--init and --lock-image are for the emoji CLIP (--dataset emoji)")
    else:
        save_clip(fit_clip(a.steps, a.batch_size, a.lr, a.data_root, a.limit), a.out)
    evaluate_and_write_card(a.out, a.data_root)
