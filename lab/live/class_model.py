"""A model of the class's own drawings: students send drawings, the teacher trains one model on them on the server
(class_training.py), then everyone draws pictures from it, each shown beside its nearest class drawing.

    model = live.class_model                                    # one per class (live_class.py); memory only
    add_drawing(live, token, pixels)                            # a student's drawing (class_drawings.py)
    start_training(live, key, slot, run_on)                     # the teacher's; run_on(fn) runs fn on the loop
    found = await class_samples(live, key_or_token, slot)       # pictures, nearest drawings, the sentence

Nearest drawing: in pixels, the RMSE on [-1, 1] (diffusion_core/near_copies.pixel_nearest). A picture is a near-copy
when it is closer to its nearest drawing than 95 % of the class's drawings are to their nearest other drawing
(near_copies.pixel_threshold, at least 0.1: a copy up to faint noise). With 50-100 drawings the model mostly draws
near-copies: it has memorised them, and the sentence says so. The training's progress (step, loss curve, four
pictures) is part of the class's state, so every page sees it on the class's event stream (stream.py)."""
from __future__ import annotations

import asyncio
import base64
import logging
import threading
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import torch

from diffusion_core.images import tensor_to_uint8
from diffusion_core.near_copies import PERCENTILE, pixel_nearest, pixel_threshold
from lab.i18n import sentences, text
from lab.live.asked import LiveError
from lab.live.class_drawings import ClassDrawings, png_of
from lab.live.class_training import BATCH, SAMPLE_WAIT, TrainingSlot, draw, train

if TYPE_CHECKING:
    from lab.live.live_class import LiveClass

log = logging.getLogger(__name__)
MIN_DRAWINGS = 4
PICTURES = 4  # drawn per request


def png_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def data_url(picture: torch.Tensor) -> str:
    """(1, 28, 28) in [-1, 1] -> a PNG data URL (a few hundred bytes)."""
    return png_url(png_of(tensor_to_uint8(picture)[..., 0]))


@dataclass
class Progress:
    state: str = "idle"  # idle, training, trained, stopped (the class ended), failed
    step: int = 0
    steps: int = 0
    trained_on: int = 0  # drawings
    loss: list = field(default_factory=list)  # [step, mean loss] points, at most LOSS_POINTS + 1
    pictures: list = field(default_factory=list)  # the latest four pictures drawn, as PNG data URLs
    seconds_left: float | None = None


class ClassModel:
    def __init__(self):
        self.drawings = ClassDrawings()
        self.progress = Progress()
        self.model = None  # the EMA U-Net once trained
        self.x0, self.ids = torch.empty(0, 1, 28, 28), []  # what it was trained on, and the drawings' ids
        self.threshold = 0.0  # τ_px of x0: a picture nearer than this to a drawing is a near-copy

    def public(self) -> dict:
        return {**asdict(self.progress), "sent": len(self.drawings.shown())}

    def for_teacher(self, nickname) -> dict:
        return {**self.public(), "drawings": [d.meta(nickname) for d in self.drawings.items]}


def add_drawing(live: LiveClass, token: object, pixels: object) -> dict:
    student = live.student(token)
    drawing = live.class_model.drawings.add(student.id, pixels, live.bounds)
    live.changed(public=False)  # the teacher's count; the students' pages need not wake
    return {"drawing": drawing.id, "sent": live.class_model.drawings.sent_by(student.id),
            "of": live.bounds.drawings_per_student}


def hide_drawing(live: LiveClass, key: object, drawing: object, hidden: object = True):
    live.lead(key)
    live.class_model.drawings.find(drawing).hidden = hidden is not False
    live.changed(public=True)  # its count, and the pictures' nearest drawings


def start_training(live: LiveClass, key: object, slot: TrainingSlot, run_on) -> Progress:
    """The teacher starts the class's training in a thread; run_on(fn) runs fn where the class's streams wait
    (loop.call_soon_threadsafe): every change to the class happens there."""
    live.lead(key)
    cm, steps = live.class_model, live.bounds.class_model_steps
    if cm.progress.state == "training":
        raise LiveError(409, "live.training_already")
    x0, ids = cm.drawings.training_set()
    if len(ids) < MIN_DRAWINGS:
        raise LiveError(409, "live.too_few_drawings", sent=len(ids), least=MIN_DRAWINGS)
    slot.take(live.code, steps)
    cm.progress, cm.model, cm.x0, cm.ids = Progress("training", 0, steps, len(ids)), None, x0, ids
    cm.threshold = pixel_threshold(x0)
    live.changed(public=True)
    threading.Thread(target=training, args=(live, slot, run_on), daemon=True, name=f"class-{live.code}").start()
    return cm.progress


def training(live: LiveClass, slot: TrainingSlot, run_on):
    cm, progress = live.class_model, live.class_model.progress

    def report(step, loss, seconds_per_step, pictures):
        slot.expect((progress.steps - step) * seconds_per_step)
        urls = [data_url(x) for x in pictures] if pictures is not None else None
        run_on(lambda: shown(step, loss, (progress.steps - step) * seconds_per_step, urls))

    def shown(step, loss, left, urls):
        progress.step, progress.seconds_left = step, round(left)
        progress.loss.append([step, round(loss, 5)])
        progress.pictures = urls if urls is not None else progress.pictures
        live.changed(public=True)

    def finished(model, state):
        cm.model, progress.state, progress.seconds_left = model, state, None
        live.changed(public=True)

    try:
        model = train(cm.x0, progress.steps, report, lambda: live.ended or cm.progress is not progress)
        run_on(lambda: finished(model, "trained" if model is not None else "stopped"))
    except Exception:
        log.exception("class model of %s", live.code)
        run_on(lambda: finished(None, "failed"))
    finally:
        slot.release()


def asker(live: LiveClass, body: dict) -> str:
    """Who asks for pictures: "teacher" with the key, else the student's id; a 403 for anyone else."""
    if "key" in body:
        live.lead(body.get("key"))
        return "teacher"
    return str(live.student(body.get("token")).id)


async def class_samples(live: LiveClass, body: dict, slot: TrainingSlot) -> dict:
    """PICTURES pictures from the class's model, each with its nearest shown class drawing."""
    person, cm = asker(live, body), live.class_model
    if cm.model is None:
        raise LiveError(409, "live.not_trained")
    if slot.asks.blocked(f"{live.code}/{person}"):
        raise LiveError(429, "live.too_often")
    slot.asks.spend(f"{live.code}/{person}")
    seed = body.get("seed")
    seed = seed if type(seed) is int and 0 <= seed < 2**31 else int(torch.randint(0, 2**31 - 1, ()).item())
    shown = [i for i, d in enumerate(cm.ids) if not cm.drawings.find(d).hidden]
    if not shown:
        raise LiveError(409, "live.all_hidden")
    pictures = await asyncio.to_thread(drawn, slot, cm.model, seed)
    rmse, index = pixel_nearest(pictures, cm.x0[shown])
    return described(live, pictures, rmse, [cm.ids[shown[i]] for i in index.tolist()], seed)


def drawn(slot: TrainingSlot, model, seed: int) -> torch.Tensor:
    if not slot.drawing.acquire(timeout=SAMPLE_WAIT):
        raise LiveError(503, "live.drawing_busy")
    try:
        return draw(model, PICTURES, seed)
    finally:
        slot.drawing.release()


def described(live: LiveClass, pictures, rmse, nearest_ids: list[int], seed: int) -> dict:
    cm = live.class_model
    near = [float(r) < cm.threshold for r in rmse]
    rows = [{"picture": data_url(x), "drawing": j, "nearest": png_url(cm.drawings.png(j)),
             "distance": round(float(r), 3), "nickname": live.nickname(cm.drawings.find(j).student), "near_copy": c}
            for x, r, j, c in zip(pictures, rmse, nearest_ids, near)]
    return {"seed": seed, "pictures": rows, "distance": text("live.distance"),
            "sentence": memorising(sum(near), len(near), cm.progress.trained_on, cm.progress.steps, cm.threshold)}


def memorising(near: int, n: int, drawings: int, steps: int, threshold: float) -> str:
    """What the nearest drawings show, in words (lab/i18n: live.near_*, live.copies_*)."""
    values = dict(near=near, n=n, percentile=f"{PERCENTILE:g}", threshold=f"{threshold:.2f}", drawings=drawings,
                  seen=round(steps * BATCH / max(1, drawings)))
    said = text("live.near_one" if near == 1 else "live.near_many", **values)
    copies = "live.copies_most" if 2 * near >= n else "live.copies_some" if near else "live.copies_none"
    return sentences(said, text(copies, **values))
