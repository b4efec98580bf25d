"""The page side of links to a view (lab/view_link.py): a page opened from a link selects its tab, sets the widgets and
draws the tab; the "copy link to this view" button writes the current view as a link (clipboard and a text box).

A link's sampler, steps, seed and guidance belong to tab 5 when the link opens tab 5, else to tab 4; its model and t
also go to tab 3 when the link opens tab 3; class and model otherwise to tab 4."""
from __future__ import annotations

import json
from types import SimpleNamespace
from urllib.parse import parse_qsl

import gradio as gr

from diffusion_core import FLOW_SAMPLERS, SAMPLERS, SCHEDULE_NAMES
from lab.classroom import Classroom
from lab.tabs.common import INTERACTIVE, MAX_SEED, L, friendly, selected_index
from lab.view_link import DEFAULT_T, FIELDS, TABS, Known, image_name, link_of, view_of

LINK_BOX_ID = "view-link"  # the box's elem_id (the browser test reads the link there)
LINK_BUTTON_ID = "view-link-button"  # a live class presses it to learn the view it shows (lab/static/js/live_class.mjs)
FOLLOW_BUTTON_ID = "follow-view-button"  # a live class presses it to open the view the teacher shows, in place
NAMED_PICTURES = ("photo: ", "example: ")  # gallery captions whose picture a link names by file name
LINK_HINT = L("link.hint")
# The button's second half, in the browser: the page's own address + the view's query string (parameters that are
# not ours, such as ?present=1, are kept); copied when the browser allows it, shown in the box either way. The view's
# own query is also announced to the page ("dl-view-link"): a live class shows it to the students (live_class.mjs).
COPY_JS = f"""(query) => {{
  if (!query || !query.startsWith("?")) return query;
  document.dispatchEvent(new CustomEvent("dl-view-link", {{ detail: query }}));
  const ours = new URLSearchParams(query.slice(1)), fields = {json.dumps(FIELDS)};
  for (const [key, value] of new URLSearchParams(location.search)) if (!fields.includes(key)) ours.append(key, value);
  const lang = window.diffusionLab && window.diffusionLab.chosenLang;  // a chosen language: the link opens in it
  if (lang) ours.set("lang", lang);
  const link = location.origin + location.pathname + "?" + ours.toString();
  try {{ navigator.clipboard.writeText(link).catch(() => {{}}); }} catch (e) {{}}
  return link;
}}"""
# On page load, in the browser: the page's query string when it names a view, else "" (no request: a plain page open
# costs the server nothing; the box's change restores the view).
QUERY_JS = f"""() => {{
  const query = new URLSearchParams(location.search);
  return {json.dumps([f for f in FIELDS if f != "lang"])}.some((field) => query.has(field)) ? location.search : "";
}}"""


# The hidden follow button, in the browser: the view a live class put on window.diffusionLab.followedView (a link's
# query, "?tab=…&t=…&shown=7") goes to the page's link box, whose change restores it as a link's view is restored
# ("shown" is not a view field: it only makes the same view shown twice a change). No reload, one small event.
FOLLOW_JS = "() => (window.diffusionLab && window.diffusionLab.followedView) || ''"


def picture_names(classroom: Classroom) -> tuple[str, ...]:
    """Per gallery item: the file name of an example photo or drawing, "" for a dataset image."""
    return tuple(next((item.caption[len(p):] for p in NAMED_PICTURES if item.caption.startswith(p)), "")
                 for item in classroom.gallery)


def choice_values(component) -> list:
    return [value for _, value in component.choices]


class ViewLinks:
    def __init__(self, classroom: Classroom, tabs: SimpleNamespace, tab_bar: gr.Tabs, w: SimpleNamespace):
        """tabs: the widgets of each tab (demo.tabs); w: the link's own widgets (layout())."""
        self.tabs, self.tab_bar, self.w = tabs, tab_bar, w
        self.known = Known(schedules=tuple(SCHEDULE_NAMES), models=tuple(classroom.zoo.names()),
                           samplers=tuple(dict.fromkeys((*SAMPLERS, *FLOW_SAMPLERS))), images=picture_names(classroom),
                           max_seed=MAX_SEED)

    @friendly
    def gallery_index(self, evt: gr.EventData) -> int:
        """The picture clicked in tab 1's gallery, which a link names."""
        return selected_index(evt, len(self.known.images))

    def restore(self, query: str | None) -> dict:
        """The widgets named by the page's link (its query string, "?tab=…&t=…"), as {widget: value}; the others
        keep their values."""
        view = view_of(dict(parse_qsl((query or "").lstrip("?"))), self.known)
        out = {}
        if "tab" in view:
            out.update({self.tab_bar: gr.Tabs(selected=view["tab"]), self.w.tab: view["tab"]})
        if "image" in view:  # the same as a click on that gallery picture
            out.update(zip(self.tabs.forward.chosen_outputs,  # x0 as shown, x0 for the models, its picture
                           self.tabs.forward.handlers.picked(view["image"])))
            out[self.w.image] = view["image"]
        out.update(self.forward_values(view))
        out.update(self.sampling_values(view))
        sampling_like = self.tabs.text if view.get("tab") == "text" else self.tabs.sampling
        out.update(self.sampler_row_values(sampling_like, view))
        if hasattr(self.tabs.text, "prompt") and "prompt" in view:
            out[self.tabs.text.prompt] = view["prompt"]
        if view.get("tab") == "denoise":
            out.update(self.denoise_values(view))
        # Gradio reads an empty dict as one value for many outputs (an error on every outputs' box): skip them instead
        return out or {self.w.tab: gr.skip()}

    def forward_values(self, view: dict) -> dict:
        f, out = self.tabs.forward, {}
        if "schedule" in view:
            out[f.schedule] = view["schedule"]
        if "T" in view or "t" in view:
            T = view.get("T", DEFAULT_T)
            out.update({f.T: T, f.t: gr.Slider(maximum=T - 1, value=view.get("t", min(f.t.value, T - 1)))})
        return out

    def sampling_values(self, view: dict) -> dict:
        """Tab 4's model with its own class and sampler menus (tab 4 resets them only when a student picks a model)."""
        s = self.tabs.sampling
        sampler = view.get("sampler") if view.get("tab") != "text" else None  # else tab 5's sampler
        if not hasattr(s, "model") or not ({"model", "class"} & view.keys() or sampler):
            return {}
        model = view["model"] if view.get("model") in choice_values(s.model) else s.model.value
        return {s.model: model, s.about: s.handlers.about(model or ""),
                s.label: s.handlers.class_choices(model or "", view.get("class", -1)),
                s.sampler: s.handlers.sampler_choices(model or "", sampler)}

    def sampler_row_values(self, widgets, view: dict) -> dict:
        """Steps, seed and guidance of tab 4 or 5 (and tab 5's sampler); steps within the slider's range."""
        out = {}
        if not hasattr(widgets, "steps"):
            return out
        if "steps" in view and view["steps"] <= widgets.steps.maximum:
            out[widgets.steps] = view["steps"]
        out.update({getattr(widgets, name): view[name] for name in ("seed", "guidance") if name in view})
        if widgets is self.tabs.text and view.get("sampler") in choice_values(widgets.sampler):
            out[widgets.sampler] = view["sampler"]
        return out

    def denoise_values(self, view: dict) -> dict:
        d, out = self.tabs.denoise, {}
        if view.get("model") in choice_values(d.model):
            out[d.model] = view["model"]
        if "t" in view and view["t"] <= d.t.maximum:
            out.update({d.t: view["t"], d.mode: "t"})
        return out

    def redraw_denoise(self, tab: str, model, photo, x0, mode, t, percent, seed):
        """Tab 3's denoising, when the link opened tab 3 (otherwise it waits for its button)."""
        if tab != "denoise" or not model:
            return gr.skip(), gr.skip(), gr.skip()
        return self.tabs.denoise.handlers.update_denoise(model, photo, x0, mode, t, percent, seed)

    def link(self, values: dict) -> str:
        """The current view as a query string; `values` maps each widget to its value (Gradio's inputs as a set)."""
        f, s, d, text = self.tabs.forward, self.tabs.sampling, self.tabs.denoise, self.tabs.text
        tab = values.get(self.w.tab) or TABS[0]
        row = text if tab == "text" and hasattr(text, "prompt") else s
        model_from = d if tab == "denoise" else s

        def value(widgets, name):
            return values.get(getattr(widgets, name, None))

        return link_of({
            "tab": tab, "image": image_name(values.get(self.w.image), self.known.images),
            "schedule": value(f, "schedule"), "T": value(f, "T"), "t": value(d if tab == "denoise" else f, "t"),
            "model": value(model_from, "model"), "sampler": value(row, "sampler"), "steps": value(row, "steps"),
            "seed": value(row, "seed"), "class": value(s, "label"), "guidance": value(row, "guidance"),
            "prompt": value(text, "prompt")})

    def link_inputs(self) -> set:
        f, s, d, text = self.tabs.forward, self.tabs.sampling, self.tabs.denoise, self.tabs.text
        named = [(f, "schedule"), (f, "T"), (f, "t"), (d, "t"), (d, "model"), (s, "model"), (s, "label"),
                 *[(widgets, name) for widgets in (s, text) for name in ("sampler", "steps", "seed", "guidance")],
                 (text, "prompt")]
        return {self.w.tab, self.w.image} | {getattr(widgets, name) for widgets, name in named
                                             if hasattr(widgets, name)}

    def wire(self, demo: gr.Blocks, tab_items: dict[str, gr.Tab]):
        """On page load with a link: its values first, then tabs 1, 2 and 3 drawn from them (without a link the page
        opens as built: tab 1 drawn once at start-up, tab 2 when opened)."""
        f, s, text, d = self.tabs.forward, self.tabs.sampling, self.tabs.text, self.tabs.denoise
        for name, tab in tab_items.items():  # in the browser only: which tab is shown
            tab.select(None, None, self.w.tab, js=f"() => {json.dumps(name)}")
        f.gallery.select(self.gallery_index, None, self.w.image, **INTERACTIVE)
        f.upload.change(lambda upload: gr.skip() if upload is None else None, f.upload, self.w.image, **INTERACTIVE)
        f.use_drawing.click(lambda: None, None, self.w.image, **INTERACTIVE)
        restored = [self.tab_bar, self.w.tab, self.w.image, *f.chosen_outputs, f.schedule, f.T, f.t, d.model, d.mode,
                    d.t, *[getattr(widgets, name) for widgets in (s, text)
                           for name in ("model", "about", "label", "sampler", "steps", "seed", "guidance", "prompt")
                           if hasattr(widgets, name)]]
        demo.load(None, None, self.w.query, js=QUERY_JS)
        restore = self.w.query.change(self.restore, self.w.query, restored, **INTERACTIVE)
        restore.then(**f.redraw).then(**self.tabs.schedules.redraw).then(
            self.redraw_denoise, [self.w.tab, d.model, d.photo, d.x0, d.mode, d.t, d.percent, d.seed],
            [d.panels, d.metrics, d.psnr_plot], **INTERACTIVE)
        self.w.button.click(self.link, self.link_inputs(), self.w.link, **INTERACTIVE).then(
            None, self.w.link, self.w.link, js=COPY_JS)
        self.w.follow.click(None, None, self.w.query, js=FOLLOW_JS)



def layout(classroom: Classroom) -> SimpleNamespace:
    """The button and the box with the link (placed above the tabs); the tab shown and the gallery picture chosen."""
    w = SimpleNamespace(tab=gr.Textbox(TABS[0], visible="hidden"),  # the tab shown, set in the browser
                        image=gr.State(0 if classroom.gallery else None),
                        query=gr.Textbox(visible="hidden"))  # the page's link, set in the browser on load
    with gr.Row(equal_height=True):  # one line: the pictures below stay above the fold
        w.button = gr.Button(L("link.button"), size="sm", scale=0, min_width=200, elem_id=LINK_BUTTON_ID)
        w.link = gr.Textbox(label=L("link.box"), show_label=False, container=False, placeholder=LINK_HINT,
                            interactive=False, buttons=["copy"], scale=4, elem_id=LINK_BOX_ID)
        w.follow = gr.Button(L("link.follow"), visible="hidden", elem_id=FOLLOW_BUTTON_ID)
    return w


def render(classroom: Classroom, demo: gr.Blocks, tab_bar: gr.Tabs, tab_items: dict[str, gr.Tab], w: SimpleNamespace):
    """Wire the links once every tab is laid out (demo.tabs); `w` from layout()."""
    links = ViewLinks(classroom, demo.tabs, tab_bar, w)
    links.wire(demo, tab_items)
    w.handlers = links
    return w
