#!/usr/bin/env python3
"""Turns a console screenshot (a binary PGM from ppmtopgm) into dark text on white for OCR, whatever the colours.

Each character cell (16x32 pixels: the box's Terminus 32x16 font) is compared with its own background (the
most common grey in the cell): a pixel far from it is text (black), the rest white. Light text on dark bars,
dark text on the light selected bar and grey on black all come out the same way.

    screen-text.py IN.pgm OUT.pgm [CELL_WIDTH CELL_HEIGHT]
"""
import sys
from collections import Counter


def read_pgm(path):
    data = open(path, "rb").read()
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            while data[position:position + 1] not in (b"\n", b""):
                position += 1
            continue
        start = position
        while not data[position:position + 1].isspace():
            position += 1
        fields.append(data[start:position])
    if fields[0] != b"P5" or int(fields[3]) > 255:
        sys.exit("screen-text.py: expected an 8-bit binary PGM (ppmtopgm's output)")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[position + 1:position + 1 + width * height]


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    cell_width, cell_height = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) == 5 else (16, 32)
    width, height, pixels = read_pgm(sys.argv[1])
    out = bytearray(b"\xff" * (width * height))
    for top in range(0, height, cell_height):
        for left in range(0, width, cell_width):
            rows = range(top, min(top + cell_height, height))
            right = min(left + cell_width, width)
            cell = b"".join(pixels[y * width + left:y * width + right] for y in rows)
            background = Counter(cell).most_common(1)[0][0]
            if all(abs(value - background) <= 60 for value in set(cell)):
                continue
            for y in rows:
                line = pixels[y * width + left:y * width + right]
                out[y * width + left:y * width + right] = bytes(0 if abs(v - background) > 60 else 255 for v in line)
    with open(sys.argv[2], "wb") as handle:
        handle.write(b"P5\n%d %d\n255\n" % (width, height) + bytes(out))


if __name__ == "__main__":
    main()
