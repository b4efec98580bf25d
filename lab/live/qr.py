"""The join link as a QR code, drawn as SVG on the server: a phone's camera opens the class from the projector, and
the page needs no QR library (an <img src=".../qr.svg">).

    svg(qr_matrix("https://lab.example/?live=K7M3QX"))

ISO/IEC 18004 in its smallest form: byte mode, error correction level M (15 % of the code may be hidden by a
finger or glare), versions 1-6 (up to 106 bytes: any join link), the mask chosen by the standard's penalty score.
Checked module for module against the segno library (tests/lab/test_live_qr.py holds its matrices)."""
from __future__ import annotations

# version -> (blocks, data codewords per block, error-correction codewords per block), level M
BLOCKS = {1: (1, 16, 10), 2: (1, 28, 16), 3: (1, 44, 26), 4: (2, 32, 18), 5: (2, 43, 24), 6: (4, 27, 16)}
LEVEL_M = 0b00
MASKS = [lambda r, c: (r + c) % 2 == 0, lambda r, c: r % 2 == 0, lambda r, c: c % 3 == 0,
         lambda r, c: (r + c) % 3 == 0, lambda r, c: (r // 2 + c // 3) % 2 == 0,
         lambda r, c: r * c % 2 + r * c % 3 == 0, lambda r, c: (r * c % 2 + r * c % 3) % 2 == 0,
         lambda r, c: ((r + c) % 2 + r * c % 3) % 2 == 0]

EXP, LOG = [0] * 512, [0] * 256  # GF(256) over x^8 + x^4 + x^3 + x^2 + 1
_x = 1
for _i in range(255):
    EXP[_i] = EXP[_i + 255] = _x
    LOG[_x] = _i
    _x = (_x << 1) ^ (0x11D if _x & 0x80 else 0)


def rs_remainder(data: list[int], degree: int) -> list[int]:
    """The Reed-Solomon error-correction codewords of `data`."""
    generator = [1]
    for i in range(degree):
        generator = [a ^ (EXP[LOG[b] + i] if b else 0) for a, b in zip(generator + [0], [0] + generator)]
    remainder = [0] * degree
    for byte in data:
        factor = byte ^ remainder[0]
        remainder = remainder[1:] + [0]
        if factor:
            remainder = [r ^ EXP[LOG[g] + LOG[factor]] for r, g in zip(remainder, generator[1:])]
    return remainder


def codewords(text: str) -> tuple[int, list[int]]:
    """(version, the interleaved data and error-correction codewords) of `text` in byte mode."""
    data = text.encode()
    version = next((v for v, (n, k, _) in BLOCKS.items() if len(data) + 2 <= n * k), None)
    if version is None:
        raise ValueError("a join link is at most 106 bytes")
    blocks, per_block, ec = BLOCKS[version]
    bits = "0100" + f"{len(data):08b}" + "".join(f"{b:08b}" for b in data)
    bits += "0" * min(4, blocks * per_block * 8 - len(bits))
    bits += "0" * (-len(bits) % 8)
    stream = [int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)]
    stream += [(0xEC, 0x11)[i % 2] for i in range(blocks * per_block - len(stream))]
    split = [stream[i * per_block:(i + 1) * per_block] for i in range(blocks)]
    corrections = [rs_remainder(block, ec) for block in split]
    return version, [b[i] for i in range(per_block) for b in split] + [c[i] for i in range(ec) for c in corrections]


def function_patterns(size: int, version: int) -> tuple[list[list[bool]], list[list[bool]]]:
    """The fixed modules (finders, timing, alignment, dark module) and which modules are reserved."""
    dark = [[False] * size for _ in range(size)]
    fixed = [[False] * size for _ in range(size)]

    def put(r, c, value):
        dark[r][c], fixed[r][c] = value, True

    for i in range(size):
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= top + r < size and 0 <= left + c < size:
                    ring = max(abs(r - 3), abs(c - 3))
                    put(top + r, left + c, ring != 2 and ring != 4)
    if version > 1:
        centre = 4 * version + 10
        for r in range(-2, 3):
            for c in range(-2, 3):
                put(centre + r, centre + c, max(abs(r), abs(c)) != 1)
    for i in range(9):  # the format information's places, written after masking
        fixed[8][i] = fixed[i][8] = True
        if i < 8:
            fixed[8][size - 1 - i] = fixed[size - 1 - i][8] = True
    put(size - 8, 8, True)
    return dark, fixed


def place(dark, fixed, words: list[int]):
    """The codewords' bits in the zigzag of two-module columns, from the bottom right, skipping the timing column."""
    size, bits = len(dark), [(w >> (7 - i)) & 1 for w in words for i in range(8)]
    i, right = 0, size - 1
    while right > 0:
        if right == 6:
            right -= 1
        upward = (right + 1) & 2 == 0
        for step in range(size):
            r = size - 1 - step if upward else step
            for c in (right, right - 1):
                if not fixed[r][c]:
                    dark[r][c] = i < len(bits) and bits[i] == 1
                    i += 1
        right -= 2


def format_bits(mask: int) -> int:
    value = (LEVEL_M << 3 | mask) << 10
    remainder = value
    for shift in range(4, -1, -1):
        if remainder & (1 << (shift + 10)):
            remainder ^= 0x537 << shift
    return (value | remainder) ^ 0x5412


def with_format(dark, mask: int):
    """The 15 format bits (level M, the mask) in their two copies, around the top-left finder and split between the
    other two."""
    size, bits = len(dark), format_bits(mask)
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    second = [(8, size - 1 - i) for i in range(8)] + [(size - 15 + i, 8) for i in range(8, 15)]
    for i in range(15):
        bit = (bits >> i) & 1 == 1
        for r, c in (first[i], second[i]):
            dark[r][c] = bit
    return dark


def masked(dark, fixed, mask: int) -> list[list[bool]]:
    rule = MASKS[mask]
    size = len(dark)
    return with_format([[dark[r][c] ^ (not fixed[r][c] and rule(r, c)) for c in range(size)] for r in range(size)],
                       mask)


def penalty(m) -> int:
    """The standard's score of a masked symbol (lower reads better): runs, 2x2 blocks, finder look-alikes, balance."""
    size, score = len(m), 0
    lines = m + [list(col) for col in zip(*m)]
    for line in lines:
        run = 1
        for a, b in zip(line, line[1:] + [None]):
            if a == b:
                run += 1
                continue
            score += run - 2 if run >= 5 else 0
            run = 1
        text = "".join("1" if x else "0" for x in line)
        score += 40 * sum(text.count(p) for p in ("10111010000", "00001011101"))
    score += 3 * sum(m[r][c] == m[r][c + 1] == m[r + 1][c] == m[r + 1][c + 1]
                     for r in range(size - 1) for c in range(size - 1))
    dark_share = sum(map(sum, m)) / size**2
    return score + 10 * int(abs(dark_share - 0.5) * 20)


def qr_matrix(text: str, mask: int | None = None) -> list[list[bool]]:
    """The QR code of `text` as rows of modules (True: dark), without the quiet zone."""
    version, words = codewords(text)
    dark, fixed = function_patterns(4 * version + 17, version)
    place(dark, fixed, words)
    candidates = [masked(dark, fixed, k) for k in (range(8) if mask is None else [mask])]
    return min(candidates, key=penalty)


def svg(matrix: list[list[bool]], quiet: int = 4) -> str:
    """The code as SVG: one path of unit squares, a white quiet zone of `quiet` modules, crisp when scaled."""
    side = len(matrix) + 2 * quiet
    squares = "".join(f"M{c + quiet} {r + quiet}h1v1h-1z" for r, row in enumerate(matrix) for c, d in enumerate(row)
                      if d)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
            f'<rect width="{side}" height="{side}" fill="#fff"/><path d="{squares}" fill="#000"/></svg>')
