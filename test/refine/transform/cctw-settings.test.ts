import { describe, expect, it } from 'vitest';

import { cctwTransformCommand, type TransformInputs } from '../../../src/engine/jobs/transform.ts';
import { parseDetectorOrientation } from '../../../src/refine/geometry/parse-detector-orientation.ts';
import { computeBMatrix } from '../../../src/refine/lattice/b-matrix.ts';
import { multiplyMat3 } from '../../../src/refine/linalg/mat3.ts';
import { rotationMatrix } from '../../../src/refine/linalg/rotation-matrix.ts';
import type { Mat3 } from '../../../src/refine/geometry/models.ts';
import { cctwIncompatibleAxes, formatCctwSettings } from '../../../src/refine/transform/cctw-settings.ts';
import { computeDefaultGrid } from '../../../src/refine/transform/default-grid.ts';
import { ORACLE_GEOMETRY } from '../fixtures/nxrefine-oracle.ts';

const TIO2 = { a: 4.594, b: 4.594, c: 2.959, alpha: 90, beta: 90, gamma: 90 };

/** UB as NXRefine printed it in spec §11.7 (U = R1(12°)·R2(−25°)·R3(40°), B = inv(Bimat)). */
const SPEC_UB: Mat3 = [
  [0.151125825863057, -0.12680962474305293, -0.14282469136218298],
  [0.12220960353413407, 0.1753993320160988, -0.06368096803112258],
  [0.09802195003899516, -0.02317107095153275, 0.299595399599954],
];

/** Spec §11.7, verbatim. */
const SPEC_TEXT = `parameters.pixelSize = 0.172;
parameters.wavelength = 0.2;
parameters.distance = 650.0;
parameters.unitCell = [4.594, 4.594, 2.959, 1.5707963267948966, 1.5707963267948966, 1.5707963267948966];
parameters.ubMat = [[0.151125825863057, -0.12680962474305293, -0.14282469136218298], [0.12220960353413407, 0.1753993320160988, -0.06368096803112258], [0.09802195003899516, -0.02317107095153275, 0.299595399599954]];
parameters.oMat = [[0, -1, 0], [0, 0, 1], [-1, 0, 0]];
parameters.oVec = [0,0,0];
parameters.det0x = 730.5;
parameters.det0y = 850.25;
parameters.xTrans = [0,0,0];
parameters.orientErrorDetPitch = -0.003490658503988659;
parameters.orientErrorDetRoll = 0.0017453292519943296;
parameters.orientErrorDetYaw = 0.005235987755982988;
parameters.orientErrorGonPitch = 0.008726646259971648;
parameters.twoThetaCorrection = 0;
parameters.twoThetaNom = 0;
parameters.twoThetaStep = 0;
parameters.omegaCorrection = 0;
parameters.omegaNom = 0.08726646259971647;
parameters.omegaStep = 0;
parameters.chiCorrection = 0;
parameters.chiNom = 0.17453292519943295;
parameters.chiStep = 0;
parameters.phiCorrection = 0;
parameters.phiNom = -0.08726646259971647;
parameters.phiStep = 0.0017453292519943296;
parameters.gridOrigin = [-6, -6, -4];
parameters.gridBasis = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
parameters.gridDim = [100, 100, 100];
parameters.gridOffset = [0,0,0];
parameters.extraFlip = false;
inputData.chunkSize = [48, 64, 1];
outputData.dimensions = [1201, 1201, 801];
outputData.chunkSize = [50,50,50];
outputData.compression = 0;
transformer.transformOptions =  0;
transformer.oversampleX = 1;
transformer.oversampleY = 1;
transformer.oversampleZ = 1;`;

function specInput(convention?: 'nxrefine' | 'consistent'): Parameters<typeof formatCctwSettings>[0] {
  const g = ORACLE_GEOMETRY;
  return {
    pixelSize: g.pixelSize,
    wavelength: g.wavelength,
    distance: g.distance,
    cell: TIO2,
    UB: SPEC_UB,
    O: parseDetectorOrientation(g.detectorOrientation),
    beamCenterX: g.beamCenterX,
    beamCenterY: g.beamCenterY,
    yaw: g.yaw,
    pitch: g.pitch,
    roll: g.roll,
    theta: g.theta,
    omega: g.omega,
    chi: g.chi,
    phiStart: g.phiStart,
    phiStep: g.phiStep,
    grid: computeDefaultGrid({ geometry: g, cell: TIO2 }),
    rawChunks: [1, 64, 48],
    ...(convention ? { convention } : {}),
  };
}

describe('CCTW settings file (NXRefine write_settings, spec §4.16, §11.7)', () => {
  it('reproduces the §11.7 text character for character', () => {
    expect(formatCctwSettings(specInput())).toBe(SPEC_TEXT);
    expect(formatCctwSettings(specInput('nxrefine'))).toBe(SPEC_TEXT);
  });

  it('our UB for the same orientation agrees with NXRefine’s to 1e-15 (the text uses the UB it is given)', () => {
    const U = multiplyMat3(rotationMatrix(1, 12), rotationMatrix(2, -25), rotationMatrix(3, 40));
    const UB = multiplyMat3(U, computeBMatrix(TIO2));
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(Math.abs(UB[i]![j]! - SPEC_UB[i]![j]!)).toBeLessThan(1e-15);
  });

  it("'consistent' differs only where CCTW's conventions are corrected: det0 + ½, gridOffset ½", () => {
    const a = SPEC_TEXT.split('\n');
    const b = formatCctwSettings(specInput('consistent')).split('\n');
    expect(b.length).toBe(a.length);
    const diff = a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]]]));
    expect(diff).toEqual([
      ['parameters.det0x = 730.5;', 'parameters.det0x = 731.0;'],
      ['parameters.det0y = 850.25;', 'parameters.det0y = 850.75;'],
      ['parameters.gridOffset = [0,0,0];', 'parameters.gridOffset = [0.5,0.5,0.5];'],
    ]);
  });

  it('writes user grids with float origins and flags steps CCTW cannot represent', () => {
    const input = specInput();
    input.grid = {
      h: { start: -2.5, step: 0.02, count: 251 },
      k: { start: -2.5, step: 0.03, count: 10 },
      l: input.grid.l,
    };
    const text = formatCctwSettings(input);
    expect(text).toContain('parameters.gridOrigin = [-2.5, -2.5, -4.0];');
    expect(text).toContain('parameters.gridDim = [50, 33, 100];');
    expect(cctwIncompatibleAxes(input.grid)).toEqual(['k']);
  });

  it('builds NXRefine’s cctw command (spec §11.7)', () => {
    const inputs = {
      entry: 'f1',
      file: 'exp/TiO2/x1/TiO2_300K.nxs',
      scanDir: 'exp/TiO2/x1/300K',
      rawFile: 'exp/TiO2/x1/300K/f1.h5',
      rawPath: '/entry/data/data',
      pixelMask: new Uint8Array(1),
      monitorWeights: undefined,
      dataMask: undefined,
    } as unknown as TransformInputs;
    expect(cctwTransformCommand(inputs, false, 'exp/TiO2/x1/300K/f1_transform.pars')).toBe(
      'cctw transform --script exp/TiO2/x1/300K/f1_transform.pars --mask ' +
        'exp/TiO2/x1/TiO2_300K.nxs\\#/f1/instrument/detector/pixel_mask ' +
        'exp/TiO2/x1/300K/f1.h5\\#//entry/data/data --output ' +
        'exp/TiO2/x1/300K/f1_transform.nxs\\#/entry/data --normalization 0',
    );
    expect(cctwTransformCommand(inputs, true, 'p.pars')).toContain(
      '--output exp/TiO2/x1/300K/f1_masked_transform.nxs\\#/entry/data',
    );
  });
});
