#!/usr/bin/env python3
"""Finds the kiosk's choice bars on a screenshot of the graphical display (a binary PPM from qemu's screendump).

Choices are drawn on bars of foot's colour 4 (0000aa) or, for the selected one, colour 7 (aaaaaa); the title bar
at the top is left out.

    choice-bars.py SCREEN.ppm N               prints "X Y", the middle of the Nth choice bar (1-based)
    choice-bars.py SCREEN.ppm right-aligned   exits 0 when most bars hold their text in their right half
"""
import sys

BARS = {(0, 0, 170), (170, 170, 170)}


def read_ppm(path):
    data = open(path, "rb").read()
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        start = position
        while not data[position:position + 1].isspace():
            position += 1
        fields.append(data[start:position])
    if fields[0] != b"P6":
        sys.exit("choice-bars.py: expected a binary PPM")
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[position + 1:position + 1 + width * height * 3]


def bars(width, height, pixels):
    """(top, bottom, left, right, colour) of each band of rows mostly made of one bar colour."""
    found, current = [], None
    for y in range(height):
        row = pixels[y * width * 3:(y + 1) * width * 3]
        counts = {}
        for x in range(0, width, 4):
            colour = tuple(row[x * 3:x * 3 + 3])
            if colour in BARS:
                counts[colour] = counts.get(colour, 0) + 1
        colour, count = max(counts.items(), key=lambda item: item[1]) if counts else (None, 0)
        if colour is not None and count * 4 > width // 2:
            xs = [x for x in range(width) if tuple(row[x * 3:x * 3 + 3]) == colour]
            if current and current[4] == colour and current[1] == y - 1:
                current[1] = y
                current[2], current[3] = min(current[2], xs[0]), max(current[3], xs[-1])
            else:
                current = [y, y, xs[0], xs[-1], colour]
                found.append(current)
        else:
            current = None
    return [bar for bar in found if bar[0] > 4 and bar[1] - bar[0] >= 8]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    width, height, pixels = read_ppm(sys.argv[1])
    found = bars(width, height, pixels)
    if sys.argv[2] == "right-aligned":
        right = 0
        for top, bottom, left, end, colour in found:
            ink = [x for y in range(top, bottom + 1) for x in range(left, end + 1)
                   if sum(abs(a - b) for a, b in zip(pixels[(y * width + x) * 3:(y * width + x) * 3 + 3], colour)) > 150]
            if ink and sum(ink) / len(ink) > (left + end) / 2:
                right += 1
        print("%d of %d bars hold their text in their right half" % (right, len(found)))
        sys.exit(0 if found and right * 2 > len(found) else 1)
    index = int(sys.argv[2]) - 1
    if index >= len(found):
        sys.exit("choice-bars.py: %d bars only" % len(found))
    top, bottom, left, end, _ = found[index]
    print("%d %d" % ((left + end) // 2, (top + bottom) // 2))


if __name__ == "__main__":
    main()
