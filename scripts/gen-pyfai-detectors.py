#!/usr/bin/python3
"""pyFAI's detectors as NXRefine's New Configuration stores them (description = detector.name,
shape = max_shape, pixel_size = pixel1 * 1000 mm, pixel_mask = detector.mask), written to
test/refine/fixtures/pyfai-detectors.json for test/refine/experiment/detectors.test.ts.

The masks are stored as the lists of fully masked rows and columns, after checking that each mask is
exactly the union of those rows and columns (true of every DECTRIS detector here).

Needs Debian's python3-pyfai (apt-get install -y python3-pyfai); CI does not install it.
Run: /usr/bin/python3 scripts/gen-pyfai-detectors.py && npx prettier --write test/refine/fixtures/pyfai-detectors.json
"""
import json
import os

import numpy as np
import pyFAI
import pyFAI.detectors as D

NAMES = [
    'Pilatus 100k', 'Pilatus 200k', 'Pilatus 300k', 'Pilatus 300kw', 'Pilatus 1M', 'Pilatus 2M',
    'Pilatus 6M', 'Pilatus CdTe 300k', 'Pilatus CdTe 300kw', 'Pilatus CdTe 900kw',
    'Pilatus CdTe 1M', 'Pilatus CdTe 2M', 'Eiger 500k', 'Eiger 1M', 'Eiger 4M', 'Eiger 9M',
    'Eiger 16M', 'Eiger2 500k', 'Eiger2 1M', 'Eiger2 1M-W', 'Eiger2 2M-W', 'Eiger2 4M',
    'Eiger2 9M', 'Eiger2 16M', 'Eiger2 CdTe 500k', 'Eiger2 CdTe 1M', 'Eiger2 CdTe 1M-W',
    'Eiger2 CdTe 2M-W', 'Eiger2 CdTe 4M', 'Eiger2 CdTe 9M', 'Eiger2 CdTe 16M',
    'Perkin detector', 'Pixium 4700', 'Dexela 2923', 'Rayonix MX225', 'Rayonix MX300', 'MAR 555',
]

by_name = {}
for cls in D.ALL_DETECTORS.values():
    try:
        d = cls()
    except Exception:
        continue
    by_name.setdefault(d.name, d)

out = []
for name in NAMES:
    d = by_name[name]
    ny, nx = d.max_shape
    entry = {
        'name': d.name,
        'shape': [int(ny), int(nx)],
        'pixel1_m': float(d.pixel1),
        'pixel2_m': float(d.pixel2),
    }
    m = d.mask
    if m is None:
        entry['mask'] = None
    else:
        m = np.asarray(m).astype(bool)
        rows = np.where(m.all(axis=1))[0]
        cols = np.where(m.all(axis=0))[0]
        sep = np.zeros_like(m)
        sep[rows, :] = True
        sep[:, cols] = True
        assert (sep == m).all(), name
        entry['mask'] = {
            'dtype': str(d.mask.dtype),
            'sum': int(m.sum()),
            'rows': [int(r) for r in rows],
            'cols': [int(c) for c in cols],
        }
    out.append(entry)

path = os.path.join(os.path.dirname(__file__), '..', 'test', 'refine', 'fixtures', 'pyfai-detectors.json')
with open(path, 'w') as f:
    json.dump({'pyFAI': pyFAI.version, 'detectors': out}, f, indent=1)
    f.write('\n')
print(f'{len(out)} detectors -> {os.path.normpath(path)}')
