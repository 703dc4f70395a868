/** The Calibrate Powder dialog's fields: formatting, field messages and the geometry sent to jobs. */
import { describe, expect, it } from 'vitest';

import {
  CALIBRATE_ROWS,
  checkCalibrateValues,
  geometryFromValues,
  ringColor,
  valuesFromGeometry,
} from '../../../src/renderer/experiment/calibrate-powder-form.ts';

describe('Calibrate Powder fields', () => {
  it("NXRefine's rows and default fit boxes: wavelength and roll off", () => {
    expect(CALIBRATE_ROWS.map((r) => [r.key, r.fit])).toEqual([
      ['wavelength', false],
      ['distance', true],
      ['beamCenterX', true],
      ['beamCenterY', true],
      ['yaw', true],
      ['pitch', true],
      ['roll', false],
    ]);
    expect(ringColor(0)).toBe(ringColor(5));
    expect(ringColor(1)).not.toBe(ringColor(0));
  });

  it('formats a fitted geometry and reads it back', () => {
    const v = valuesFromGeometry(
      {
        wavelength: 0.413312345678,
        distance: 249.99812345,
        beamCenterX: 470.30049,
        beamCenterY: -5.3414,
        yaw: 0.59991234,
      },
      10,
    );
    expect(v).toEqual({
      wavelength: '0.4133123',
      distance: '249.9981',
      beamCenterX: '470.3',
      beamCenterY: '-5.341',
      yaw: '0.5999',
      pitch: '0',
      roll: '0',
      searchSize: '10',
    });
    expect(checkCalibrateValues(v)).toEqual({});
    expect(geometryFromValues(v, [195, 487], { pixelSize: 0.172 })).toEqual({
      wavelength: 0.4133123,
      distance: 249.9981,
      beamCenterX: 470.3,
      beamCenterY: -5.341,
      yaw: 0.5999,
      pitch: 0,
      roll: 0,
      pixelSize: 0.172,
      shape: [195, 487],
      detectorOrientation: '-y +z -x',
    });
  });

  it('flags each bad field, and gives no geometry without an image or a pixel size', () => {
    const v = valuesFromGeometry({ wavelength: 0.5, distance: 250, beamCenterX: 1, beamCenterY: 2 }, 10);
    expect(
      checkCalibrateValues({ ...v, wavelength: '0', distance: 'far', yaw: '50', searchSize: '2.5' }),
    ).toEqual({
      wavelength: 'the wavelength must be a positive number',
      distance: 'the distance must be a positive number',
      yaw: 'tilts must be below 45°',
      searchSize: 'a whole number of pixels, 3–200',
    });
    expect(checkCalibrateValues({ ...v, beamCenterX: '' }).beamCenterX).toBe('a number is needed');
    expect(geometryFromValues({ ...v, distance: '' }, [10, 10], { pixelSize: 0.1 })).toBeUndefined();
    expect(geometryFromValues(v, undefined, { pixelSize: 0.1 })).toBeUndefined();
    expect(geometryFromValues(v, [10, 10], {})).toBeUndefined();
  });
});
