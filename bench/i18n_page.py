"""What the languages cost a page (lab/i18n): the bytes of Gradio's page (GET /, as SharedResponses sends it, gzip)
with the five catalogues in its config against the same page with English only, and what each event's answer adds
(nothing: a handler answers in one language). Builds the app over pretrained/ (else $DIFFUSION_LAB_MODELS).

    python bench/i18n_page.py

A bench: it asserts nothing (tests/lab/test_i18n.py does)."""
from __future__ import annotations

import gzip
import json
import os

import repo_path  # noqa: F401  (the repository on sys.path)

os.environ.setdefault("OMP_NUM_THREADS", "1")


def page_bytes(app) -> tuple[int, int]:
    """(raw, gzipped) bytes of GET / as a browser asking for gzip receives it."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        answer = client.get("/", headers={"accept-encoding": "identity"})
        raw = answer.content
    return len(raw), len(gzip.compress(raw, 6))


def main():
    from lab.classroom import load_classroom
    from lab.demo import build_demo
    from lab.i18n import LANGS
    from lab.i18n.page import I18N
    from lab.server.launch import make_app

    classroom = load_classroom(None)
    demo = build_demo(classroom)
    full = page_bytes(make_app(demo, classroom))
    catalogues = json.dumps(I18N.translations_dict, ensure_ascii=False).encode()
    english = {lang: (words if lang == "en" else {}) for lang, words in I18N.translations_dict.items()}
    only_en = json.dumps(english, ensure_ascii=False).encode()
    keys = len(I18N.translations_dict["en"])
    print(f"languages: {', '.join(LANGS)}; keys per language (catalogue + texts computed once): {keys}")
    print(f"page GET /: {full[0] / 1024:.0f} KiB raw, {full[1] / 1024:.0f} KiB gzip")
    print(f"the catalogues in its config: {len(catalogues) / 1024:.0f} KiB raw, "
          f"{len(gzip.compress(catalogues, 6)) / 1024:.0f} KiB gzip; English alone: "
          f"{len(gzip.compress(only_en, 6)) / 1024:.0f} KiB gzip")
    extra = len(gzip.compress(catalogues, 6)) - len(gzip.compress(only_en, 6))
    print(f"four more languages add about {extra / 1024:.0f} KiB gzip, {extra / full[1]:.0%} of the page")


if __name__ == "__main__":
    main()
