#!/usr/bin/python3
"""Savitzky–Golay and NXRefine monitor-weight fixtures computed by scipy.

Usage (from the repository root; needs Debian's python3-scipy, `apt-get install -y python3-scipy`):

    /usr/bin/python3 scripts/gen-savgol-fixtures.py

Writes test/refine/fixtures/scipy-savgol.json:
  filters   scipy.signal.savgol_filter(x, window, order) (defaults: deriv 0, mode 'interp') for odd
            and even windows, including window == len(x) as NXRefine uses for ≤ 200 frames ('y'),
            and the same filter from exact rational least-squares coefficients ('exact')
  weights   NXRefine's monitor_weight (spec §5.4) computed as NXRefine does: m = monitor[:n];
            m[0] = m[1]; m[-1] = m[-2]; m /= norm; savgol_filter(m, 501/101/n, 2) × transmissions;
            0 before first and after last ('weights'; 'exact' with the exact smoother)

The file is generated: edit this script, not it, and re-run it.
"""
import json
import os
from fractions import Fraction

import numpy as np
import scipy
from scipy.signal import savgol_filter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'refine', 'fixtures', 'scipy-savgol.json')

rng = np.random.default_rng(20261125)


def monitor(n):
    """A beam monitor: slow drift, a top-up step and counting noise (counts)."""
    t = np.arange(n)
    m = 50000 * (1 + 0.05 * np.sin(t / max(n, 1) * 5.0)) * np.where(t > n // 3, 1.02, 1.0)
    return np.round(m + rng.normal(0, 300, n))


def exact_savgol(x, w, p):
    """savgol_filter(x, w, p) (mode 'interp') from exactly rational least-squares coefficients.

    scipy's own coefficients come from lstsq on raw powers of the positions and are ~7e-12 off (relative)
    for window 501; this reference is exact up to the final floating-point dot products.
    """
    n = len(x)
    k = p + 1
    # H = G^-1 Phi^T with Phi[j, l] = j^l (exact), so the fit at position s is sum_l s^l H[l, j]
    g = [[Fraction(sum(j ** (r + c) for j in range(w))) for c in range(k)] for r in range(k)]
    inv = [[Fraction(int(r == c)) for c in range(k)] for r in range(k)]
    for col in range(k):
        piv = next(r for r in range(col, k) if g[r][col] != 0)
        g[col], g[piv] = g[piv], g[col]
        inv[col], inv[piv] = inv[piv], inv[col]
        d = g[col][col]
        g[col] = [v / d for v in g[col]]
        inv[col] = [v / d for v in inv[col]]
        for r in range(k):
            if r != col and g[r][col] != 0:
                f = g[r][col]
                g[r] = [a - f * b for a, b in zip(g[r], g[col])]
                inv[r] = [a - f * b for a, b in zip(inv[r], inv[col])]
    h = [[sum(inv[l][q] * j ** q for q in range(k)) for j in range(w)] for l in range(k)]

    def coeffs(s):
        return np.array([float(sum(Fraction(s) ** l * h[l][j] for l in range(k))) for j in range(w)])

    half = w // 2
    y = np.zeros(n)
    centre = coeffs(Fraction(w - 1, 2))
    shift = 1 if w % 2 == 0 else 0
    for i in range(half, n - half):
        y[i] = float(np.dot(centre, x[i - half + shift:i - half + shift + w]))
    for i in range(half):
        y[i] = float(np.dot(coeffs(i), x[:w]))
    for t in range(w - half, w):
        y[n - w + t] = float(np.dot(coeffs(t), x[n - w:]))
    return y


filters = []
for n, w, p in [(1101, 501, 2), (400, 101, 2), (201, 101, 2), (200, 200, 2),
                (151, 151, 2), (150, 150, 2), (3, 3, 2), (4, 4, 2), (50, 10, 2), (50, 11, 2),
                (40, 6, 3), (12, 4, 2), (30, 7, 0), (30, 7, 1), (25, 9, 4)]:
    x = monitor(n) / 50000
    filters.append({'n': n, 'window': w, 'order': p, 'x': x.tolist(),
                    'y': savgol_filter(x, w, p).tolist(), 'exact': exact_savgol(x, w, p).tolist()})


def nxrefine_weights(mon, norm, nframes, first, last, transmissions, smooth=savgol_filter):
    m = np.array(mon[:nframes], dtype=float)
    m[0] = m[1]
    m[-1] = m[-2]
    m = m / norm
    size = 501 if m.size > 1000 else 101 if m.size > 200 else m.size
    w = smooth(m, size, 2)
    for t in transmissions:
        w = w * np.asarray(t[:nframes], dtype=float)
    w[:first] = 0.0
    w[last + 1:] = 0.0
    return w


weights = []
for n, first, last, ntrans in [(1050, 20, 1029, 2), (400, 10, 390, 3), (120, 0, 119, 1), (121, 5, 100, 0)]:
    mon = monitor(n)
    mon[0] = 3.0  # the first and last values are junk in real scans, replaced by neighbours
    mon[-1] = 7.0
    trans = [np.clip(1 - 0.1 * np.abs(rng.normal(0, 1, n)), 0.5, 1).tolist() for _ in range(ntrans)]
    weights.append({'nframes': n, 'norm': 50000.0, 'first': first, 'last': last,
                    'monitor': mon.tolist(), 'transmissions': trans,
                    'weights': nxrefine_weights(mon, 50000.0, n, first, last, trans).tolist(),
                    'exact': nxrefine_weights(mon, 50000.0, n, first, last, trans, exact_savgol).tolist()})

with open(OUT, 'w') as f:
    json.dump({'scipy': scipy.__version__, 'filters': filters, 'weights': weights}, f)
    f.write('\n')
print(f'wrote {OUT}')
