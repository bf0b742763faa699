"""Grids for the grid-world environments: perfect mazes, shortest paths, pictures.

A grid is a boolean array of walls, shape (size, size); positions are (row, column) and
``MOVES[action]`` is the step of action 0 up, 1 down, 2 left, 3 right.
"""

from __future__ import annotations

from collections import deque

import numpy as np

__all__ = ["MOVES", "random_maze", "shortest_path_length"]

MOVES = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)])  # up, down, left, right
_COLORS = {
    "floor": (235, 235, 235),
    "wall": (40, 40, 60),
    "chest": (230, 180, 20),
    "agent": (200, 30, 30),
    "goal": (30, 160, 60),
}


def random_maze(size, rng):
    """A perfect maze on a (size, size) grid of odd size: True marks walls.

    Depth-first carving from (1, 1) (the "recursive backtracker"): every free cell is
    reachable, and between two cells there is exactly one path.
    """
    if size < 5 or size % 2 == 0:
        raise ValueError(f"Maze: size must be odd and >= 5, received size={size}")
    walls = np.ones((size, size), bool)
    walls[1, 1] = False
    stack = [(1, 1)]
    while stack:
        r, c = stack[-1]
        options = [
            (r + 2 * dr, c + 2 * dc)
            for dr, dc in MOVES
            if 0 < r + 2 * dr < size - 1
            and 0 < c + 2 * dc < size - 1
            and walls[r + 2 * dr, c + 2 * dc]
        ]
        if not options:
            stack.pop()
            continue
        nr, nc = options[rng.integers(len(options))]
        walls[(r + nr) // 2, (c + nc) // 2] = walls[nr, nc] = (
            False  # knock down the wall
        )
        stack.append((nr, nc))
    return walls


def _draw(cells, scale):
    """RGB picture of a grid of color names, each cell a scale x scale block."""
    image = np.array([[_COLORS[name] for name in row] for row in cells], np.uint8)
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def shortest_path_length(walls, start, goal):
    """Fewest moves from start to goal (breadth-first search); None if unreachable."""
    start, goal = tuple(int(v) for v in start), tuple(int(v) for v in goal)
    distance, queue = {start: 0}, deque([start])
    while queue:
        cell = queue.popleft()
        if cell == goal:
            return distance[cell]
        for dr, dc in MOVES:
            nxt = (cell[0] + dr, cell[1] + dc)
            if not walls[nxt] and nxt not in distance:
                distance[nxt] = distance[cell] + 1
                queue.append(nxt)
    return None


def _reachable(walls, start, goal):
    return shortest_path_length(walls, start, goal) is not None
