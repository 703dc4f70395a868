import { describe, expect, it } from 'vitest';

import { dtypeString, formatShape, shapeSize } from '../../../src/nexus/model/dtype.ts';
import {
  baseName,
  isSameOrBelow,
  joinPath,
  normalizePath,
  parentPath,
  resolveNexusPath,
} from '../../../src/nexus/model/paths.ts';

describe('paths', () => {
  it('normalizes, joins and splits HDF5 paths', () => {
    expect(normalizePath('//entry//data/')).toBe('/entry/data');
    expect(normalizePath('/a/./b/../c')).toBe('/a/c');
    expect(joinPath('/', 'entry', 'data')).toBe('/entry/data');
    expect(joinPath('/f1/data', '/entry/sample')).toBe('/entry/sample');
    expect(parentPath('/f1/data/data')).toBe('/f1/data');
    expect(parentPath('/f1')).toBe('/');
    expect(baseName('/f1/data/data')).toBe('data');
    expect(baseName('/')).toBe('');
    expect(isSameOrBelow('/f1/data/x', '/f1')).toBe(true);
    expect(isSameOrBelow('/f10', '/f1')).toBe(false);
  });

  it('resolves @default / depends_on style references (relative, absolute, trailing .)', () => {
    expect(resolveNexusPath('/', 'entry')).toBe('/entry');
    expect(resolveNexusPath('/entry', 'data')).toBe('/entry/data');
    expect(resolveNexusPath('/x', '/entry1/sample/transformations/theta/.')).toBe(
      '/entry1/sample/transformations/theta',
    );
  });
});

describe('dtype strings', () => {
  it('formats numpy-style dtypes', () => {
    expect(dtypeString({ class: 'integer', size: 4, endian: '<', signed: false })).toBe('<u4');
    expect(dtypeString({ class: 'float', size: 4, endian: '>' })).toBe('>f4');
    expect(dtypeString({ class: 'integer', size: 1, endian: '<', signed: true })).toBe('|i1');
    expect(dtypeString({ class: 'string', size: 4, endian: '|', vlen: true })).toBe('string');
    expect(dtypeString({ class: 'string', size: 7, endian: '|', vlen: false })).toBe('string[7]');
    expect(dtypeString({ class: 'enum', size: 1, endian: '|', enumMembers: { FALSE: 0, TRUE: 1 } })).toBe(
      'bool',
    );
    expect(dtypeString({ class: 'compound', size: 16, endian: '|' })).toBe('compound');
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize(null)).toBe(0);
    expect(formatShape([488, 4362, 4148])).toBe('(488, 4362, 4148)');
    expect(formatShape([])).toBe('scalar');
  });
});
