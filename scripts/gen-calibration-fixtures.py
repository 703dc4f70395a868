#!/usr/bin/python3
"""Dump what pyFAI itself answers for powder calibration, as test fixtures for src/refine/calibrate.

Usage (from the repository root; needs Debian's python3-pyfai, `apt-get install -y python3-pyfai`):

    /usr/bin/python3 scripts/gen-calibration-fixtures.py

Writes test/refine/fixtures/pyfai-calibration.json:
  calibrants   the d-spacing lines (Å, those ≥ 0.5 Å) and header comments of pyFAI's calibrant files for the
               calibrants the app ships (CeO2, LaB6, Si, alpha_Al2O3, AgBh, Cr2O3, NaCl, Al, Au, Ni, Pt)
  geometries   several detector geometries with tilts: pyFAI's PONI parameters, its getFit2D()
               answer, the PONI file pyFAI writes, and pyFAI's 2θ, χ and polarization (factor 0.99)
               at a set of pixels (row, column indices; pyFAI adds the half pixel itself)

The file is generated: edit this script, not the JSON, and re-run it. CI does not install pyFAI.
"""
import json
import os
import tempfile

import numpy
import pyFAI
from pyFAI.azimuthalIntegrator import AzimuthalIntegrator
from pyFAI.calibrant import get_calibrant
from pyFAI.detectors import Detector

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_JSON = os.path.join(ROOT, 'test', 'refine', 'fixtures', 'pyfai-calibration.json')

# Lines with d below this (Å) are left out of the fixture.
D_MIN = 0.5

CALIBRANTS = ['CeO2', 'LaB6', 'Si', 'alpha_Al2O3', 'AgBh', 'Cr2O3', 'NaCl', 'Al', 'Au', 'Ni', 'Pt']

# (dist m, poni1 m, poni2 m, rot1, rot2, rot3 rad, pixel1 m, pixel2 m, shape, wavelength m)
GEOMETRIES = [
    (0.2, 0.03, 0.04, 0.02, -0.015, 0.03, 172e-6, 172e-6, (400, 500), 1.0e-10),
    (0.65, 0.1462, 0.1269, 0.0, 0.0, 0.0, 172e-6, 172e-6, (1679, 1475), 0.2e-10),
    (0.35, 0.09, 0.12, -0.035, 0.05, -0.4, 172e-6, 172e-6, (1043, 981), 0.5e-10),
    (0.12, 0.16, 0.155, 0.12, 0.08, 1.2, 75e-6, 75e-6, (4371, 4150), 0.7293e-10),
    (0.5, -0.01, 0.07, 0.004, -0.006, 0.0, 172e-6, 172e-6, (195, 487), 0.8857e-10),
    (0.25, 0.05, 0.05, -0.2, 0.25, 0.1, 100e-6, 100e-6, (1000, 1000), 1.5406e-10),
]


def calibrant_fixture(name):
    path = os.path.join(os.path.dirname(pyFAI.__file__), 'resources', 'calibration', name + '.D')
    header, lines = [], []
    with open(path) as f:
        for raw in f:
            raw = raw.rstrip('\n')
            if raw.startswith('#'):
                header.append(raw[1:].strip())
            elif raw.strip():
                value, _, comment = raw.partition('#')
                lines.append({'d': float(value), 'comment': comment.strip()})
    c = get_calibrant(name)
    assert len(c.dSpacing) == len(lines), name
    for d, line in zip(c.dSpacing, lines):
        assert abs(d - line['d']) < 1e-12 * d, name
    # LaB6 and Si list thousands of lines down to 0.1 Å: keep those an X-ray calibration can use
    kept = [line for line in lines if line['d'] >= D_MIN]
    return {'header': header, 'lines': kept, 'lines_in_file': len(lines)}


def pixel_samples(shape):
    ny, nx = shape
    rows = [0, ny // 7, ny // 3, ny // 2, (2 * ny) // 3, ny - 1]
    cols = [0, nx // 5, nx // 2, (3 * nx) // 4, nx - 1]
    out = [(r, c) for r in rows for c in cols]
    out.append((ny / 3 + 0.25, nx / 4 + 0.75))  # fractional positions too
    return out


def geometry_fixture(g):
    dist, poni1, poni2, rot1, rot2, rot3, pixel1, pixel2, shape, wavelength = g
    det = Detector(pixel1=pixel1, pixel2=pixel2, max_shape=shape)
    ai = AzimuthalIntegrator(dist=dist, poni1=poni1, poni2=poni2, rot1=rot1, rot2=rot2, rot3=rot3,
                             detector=det, wavelength=wavelength)
    pixels = pixel_samples(shape)
    d1 = numpy.array([p[0] for p in pixels], dtype=float)
    d2 = numpy.array([p[1] for p in pixels], dtype=float)
    tth = ai.tth(d1, d2)
    chi = ai.chi(d1, d2)
    cos2 = numpy.cos(tth) ** 2
    pol = 0.5 * (1.0 + cos2 - 0.99 * numpy.cos(2.0 * chi) * (1.0 - cos2))
    full_pol = ai.polarization(shape=shape, factor=0.99)
    idx = [(int(r), int(c)) for r, c in pixels if float(r).is_integer() and float(c).is_integer()]
    with tempfile.TemporaryDirectory() as tmp:
        fn = os.path.join(tmp, 'geometry.poni')
        ai.write(fn)
        with open(fn) as f:
            poni_text = f.read()
    fit2d = ai.getFit2D()
    return {
        'poni': {'dist': dist, 'poni1': poni1, 'poni2': poni2, 'rot1': rot1, 'rot2': rot2,
                 'rot3': rot3, 'pixel1': pixel1, 'pixel2': pixel2, 'shape': list(shape),
                 'wavelength': wavelength},
        'fit2d': {k: fit2d[k] for k in ('directDist', 'centerX', 'centerY', 'tilt', 'tiltPlanRotation')},
        'poni_text': poni_text,
        'pixels': [[float(r), float(c)] for r, c in pixels],
        'tth': [float(v) for v in tth],
        'chi': [float(v) for v in chi],
        'polarization': [float(v) for v in pol],
        'polarization_array': [[r, c, float(full_pol[r, c])] for r, c in idx],
    }


def main():
    fixture = {
        'generator': 'scripts/gen-calibration-fixtures.py',
        'pyfai_version': pyFAI.version,
        'calibrants': {name: calibrant_fixture(name) for name in CALIBRANTS},
        'geometries': [geometry_fixture(g) for g in GEOMETRIES],
    }
    with open(FIXTURE_JSON, 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {FIXTURE_JSON}')


if __name__ == '__main__':
    main()
