"""Arguments of `python -m diffusion_core train-classifier` and `train-clip`: train the models that evaluation
measures with, save their folders, then evaluate them and write their cards (evaluation/folder.py, cards.py)."""
import time


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
    if dataset_style(a.dataset):  # the emoji CLIP keeps only the token rows its captions can hold
        from ..text import emoji_clip

        clip, emoji = emoji_clip.fit_emoji_clip(a.steps, a.batch_size, a.lr, a.data_root, a.limit,
                                                dataset_style(a.dataset))
        save_clip(clip, a.out, keep_tokens=emoji_clip.caption_tokens(clip, emoji))
    else:
        save_clip(fit_clip(a.steps, a.batch_size, a.lr, a.data_root, a.limit), a.out)
    evaluate_and_write_card(a.out, a.data_root)
