"""An A4 handout page drawn with matplotlib: a title, a short paragraph, the figure, the numbers, a footer. Made for
a black-and-white printer: black lines told apart by dash and marker, no meaning carried by colour. Pictures print as
they are (grey, or a colour model's colour) inside a black frame, so a picture on white stays a shape on the paper.

    page = Page("Forward noise", "The forward process …")   # blocks stack from the top down
    page.pictures([(x0, "x0"), (xt, "x_t")], height=0.2);  ax = page.axes(0.15);  ax.plot(…)
    page.numbers(["t = 300 of 1000", …]);  write_pdf([page], "lesson.pdf")
"""
from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: pages are drawn into files
from cycler import cycler  # noqa: E402 (after choosing the backend)
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lab.i18n import text  # noqa: E402
from lab.i18n.fonts import CJK_FILES, cjk_fonts  # noqa: E402

# a handout in Chinese: matplotlib falls back glyph by glyph along font.family to a CJK font where one is installed
# (fonts-wqy-zenhei or fonts-noto-cjk; a Space lists one in packages.txt); set once, before any page is drawn
for _path in cjk_fonts():  # a font installed after matplotlib built its font cache, too
    font_manager.fontManager.addfont(_path)
CJK = [f.name for f in font_manager.fontManager.ttflist if any(p in Path(f.fname).name.lower() for p in CJK_FILES)]
matplotlib.rcParams["font.family"] = ["DejaVu Sans", *CJK[:1]]
WIDE = re.compile("[\u3000-\u9fff\uff00-\uffef]")  # characters twice as wide as a Latin letter
A4_INCHES = (8.27, 11.69)
MARGIN = 0.07  # left and right, fraction of the page width
PARAGRAPH_CHARS = 95  # characters per line of the explanation at 10.5 pt
INK = "black"
LINE = 0.0175  # one line of 10.5 pt text at spacing 1.45, as a fraction of the A4 height
ROW = 0.019  # one table row
# lines in black, told apart by dash and marker when printed in black and white (set on each axes, not in the global
# rcParams: handouts are drawn in several threads at once)
PRINTABLE_LINES = cycler(color=[INK] * 5, linestyle=["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1))],
                         marker=["", "o", "s", "^", "D"])


def fill(text: str, width: int) -> str:
    """textwrap.fill at `width` Latin letters; a text in Chinese (no spaces, each character twice as wide) at half."""
    return textwrap.fill(text, width // 2 if WIDE.search(text) else width)


class Page:
    """One A4 portrait page, filled from the top down: each block takes its height (page fractions) below the last."""

    def __init__(self, title: str, paragraph: str, footer: str = "Diffusion Lab"):
        self.figure = Figure(figsize=A4_INCHES)
        self.figure.text(MARGIN, 0.955, title, fontsize=17, weight="bold", va="top")
        wrapped = "\n".join(fill(p, PARAGRAPH_CHARS) for p in paragraph.split("\n"))
        self.figure.text(MARGIN, 0.915, wrapped, fontsize=10.5, va="top", linespacing=1.45)
        self.figure.text(MARGIN, 0.02, footer, fontsize=8, color="0.3")
        self.top = 0.915 - LINE * (wrapped.count("\n") + 1) - 0.02

    def take(self, height: float, gap: float = 0.025) -> float:
        """Reserve `height` below the previous block; returns the bottom of the reserved band."""
        self.top -= height
        bottom = self.top
        self.top -= gap
        return bottom

    def axes(self, height: float, left: float = MARGIN + 0.05, width: float = 1 - 2 * MARGIN - 0.07, **kwargs):
        """Axes for a plot (room left above for its title, below for its tick labels), in the printable style."""
        self.take(0.018, gap=0)
        ax = self.figure.add_axes([left, self.take(height, gap=0.045), width, height], **kwargs)
        ax.set_prop_cycle(PRINTABLE_LINES)
        ax.grid(True, color="0.85", linewidth=0.6)
        ax.tick_params(labelsize=8)
        return ax

    def pictures(self, items, height: float, caption_lines: int = 2, slots: int | None = None):
        """(uint8 picture, caption) pairs side by side across the page, pixels crisp, captions underneath; `slots`:
        the row's places (default: one per item), so that a short last row keeps its pictures' size."""
        bottom = self.take(height + LINE * caption_lines)
        width = (1 - 2 * MARGIN) / max(1, slots or len(items))
        for i, (image, caption) in enumerate(items):
            ax = self.figure.add_axes([MARGIN + i * width + 0.006, bottom + LINE * caption_lines, width - 0.012,
                                       height])
            ax.imshow(image, interpolation="nearest", cmap="gray", vmin=0, vmax=255)  # cmap: grey (H, W) only
            ax.set_xticks([]), ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_color(INK)
            ax.set_xlabel(fill(caption, max(14, int(width * 135))), fontsize=8.5, parse_math=False)

    def numbers(self, lines, heading: str | None = None, fontsize: float = 9.5, mono: bool = True):
        """Lines of numbers (in monospace, so that they line up) under a small heading."""
        self.heading(heading or text("handout.numbers"))
        block = "\n".join(lines)
        self.figure.text(MARGIN, self.top, block, fontsize=fontsize,
                         family=["DejaVu Sans Mono" if mono else "DejaVu Sans", *CJK[:1]],
                         va="top", linespacing=1.5, parse_math=False)  # may quote a student's prompt: "$5" as typed
        self.take(0.0155 * (block.count("\n") + 1))

    def heading(self, text: str):
        self.figure.text(MARGIN, self.top, text, fontsize=11.5, weight="bold", va="top", parse_math=False)
        self.take(LINE, gap=0.008)

    def table(self, frame, fontsize: float = 8):
        """A pandas table drawn as a grid of cells, header in bold."""
        height = ROW * (len(frame) + 1)
        ax = self.figure.add_axes([MARGIN, self.take(height), 1 - 2 * MARGIN, height])
        ax.axis("off")
        cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
        table = ax.table(cellText=cells, colLabels=[str(c) for c in frame.columns], bbox=[0, 0, 1, 1], cellLoc="center")
        table.auto_set_font_size(False)
        table.set_fontsize(fontsize)
        for (row, _), cell in table.get_celld().items():
            cell.set_edgecolor("0.5")
            if row == 0:
                cell.set_text_props(weight="bold")
        return ax


def plot_lines(ax, frame, x: str, y: str, by: str, skip=lambda name: False):
    """One printable line per group of a long table (x, y, by), a marker every tenth of the way along."""
    for name, rows in frame.groupby(by, sort=False):
        if not skip(name):
            ax.plot(rows[x], rows[y], label=name, markevery=0.1, markersize=3.5, linewidth=1.3)


def _cell(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def markdown_lines(markdown: str) -> list[str]:
    """The lesson's markdown (bold and hard line breaks) as plain lines of text."""
    return [line.replace("**", "").strip() for line in markdown.replace("  \n", "\n").split("\n") if line.strip()]


def write_pdf(pages: list[Page], path: Path, title: str = "Diffusion Lab handout") -> Path:
    """Every page in order into one PDF, numbered 'page i of n' at the foot."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_pages(pages, path, title)
    return path


def pdf_bytes(pages: list[Page], title: str = "Diffusion Lab handout") -> bytes:
    """The same PDF in memory (a live class's export writes nothing to disk)."""
    out = io.BytesIO()
    save_pages(pages, out, title)
    return out.getvalue()


def save_pages(pages: list[Page], to, title: str):
    with PdfPages(to, metadata={"Title": title, "Creator": "Diffusion Lab"}) as pdf:
        for i, page in enumerate(pages):
            page.figure.text(1 - MARGIN, 0.02, text("handout.page", page=i + 1, pages=len(pages)), fontsize=8,
                             color="0.3", ha="right")
            pdf.savefig(page.figure)
