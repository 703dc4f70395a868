/**
 * Copy Parameters (spec §6.1, §8.3; NXReduce.nxcopy): into every detector entry of a scan file that
 * the parent also has (same name), copy the parent entry's geometry and orientation (the fields of
 * `INSTRUMENT_FIELDS`, as stored: values, dtype, units and phi's @step/@end), its sample
 * transmission (the NXdata group `instrument/sample/transmission` of classic Find Maximum's "Save
 * Transmission", copied whole; the child's own is kept when the parent has none), the parent's
 * lattice (`/entry/sample`) and the reduction parameters (effective values of the parent's
 * cascade, into `/entry/nxreduce`), and record `<entry>/nxcopy` (NXprocess; note "Parent: <parent
 * path>", plus a field `parent` = the parent's path relative to the file's directory).
 * docs/design/parent.md lists every path.
 *
 * Refused before anything is written: space groups that differ (both defined), detector shapes
 * that differ, entries named with `entries` that either file lacks. Entries that already have
 * `nxcopy` are skipped unless `overwrite` (NXRefine's task gating). All entries are written in one
 * atomic update. When the file is the parent itself nothing is copied ("Set as parent; no
 * parameters copied", as NXRefine logs).
 */
import { relative, dirname, resolve } from 'node:path';

import type { NexusReader } from '../../nexus/port.ts';
import { detectorEntries } from '../../nexus/schema/nxrefine-paths.ts';
import type { SpaceGroup } from '../../refine/symmetry/models.ts';
import { NxrError } from '../../shared/errors.ts';
import { copyGroup } from '../beamlines/copy-group.ts';
import { openNexusFile } from '../io/nexus-file.ts';
import { updateNexusFile } from '../io/nexus-writer.ts';
import { clearPaths, snapshotField, writeSnapshot, type FieldSnapshot } from './field-snapshot.ts';
import { throwIfAborted, type JobContext } from './job-context.ts';
import { processRecordFor } from './process-record.ts';
import { readDetectorShape, readEntryFrameCount } from './read-entry-geometry.ts';
import { readSampleLattice, resolveSampleSpaceGroup, type SampleLattice } from './read-sample-lattice.ts';
import {
  checkReductionParameters,
  readReductionParameters,
  writeReductionParameters,
  type ReductionParameters,
} from './reduction-parameters.ts';
import { isSameFile, readParentLink, scanLayout } from './scan-layout.ts';

/** Fields copied per entry, relative to `/<entry>/instrument` (NXRefine copy_parameters). */
export const INSTRUMENT_FIELDS = [
  'monochromator/wavelength',
  'monochromator/energy',
  'detector/distance',
  'detector/detector_orientation',
  'detector/yaw',
  'detector/pitch',
  'detector/roll',
  'detector/beam_center_x',
  'detector/beam_center_y',
  'detector/pixel_size',
  'detector/pixel_mask',
  'detector/pixel_mask_applied',
  'detector/translation_x',
  'detector/translation_y',
  'detector/frame_time',
  'detector/orientation_matrix',
  'goniometer/phi',
  'goniometer/chi',
  'goniometer/omega',
  'goniometer/theta',
  'goniometer/goniometer_pitch',
] as const;

/** Group copied whole per entry, relative to `/<entry>/instrument` (spec §6.1: instrument/sample/transmission). */
export const TRANSMISSION_GROUP = 'sample/transmission';

const INSTRUMENT_GROUPS: ReadonlyArray<[string, string]> = [
  ['instrument', 'NXinstrument'],
  ['instrument/detector', 'NXdetector'],
  ['instrument/goniometer', 'NXgoniometer'],
  ['instrument/monochromator', 'NXmonochromator'],
];

/** Fields of /entry/sample copied (the lattice; name, label and temperature stay the file's own). */
export const SAMPLE_FIELDS = [
  'chemical_formula',
  'space_group',
  'laue_group',
  'unit_cell_group',
  'lattice_centring',
  'unitcell_a',
  'unitcell_b',
  'unitcell_c',
  'unitcell_alpha',
  'unitcell_beta',
  'unitcell_gamma',
  'unit_cell',
  'unit_cell_abc',
  'unit_cell_alphabetagamma',
] as const;

export interface CopyParametersOptions {
  /** The scan file to copy into. */
  file: string;
  /** The parent scan file. @default the `<sample>_parent.nxs` link next to `file` */
  from?: string;
  /** Entries to copy (each must exist in both files). @default every fN both files have */
  entries?: string[];
  /** Copy into entries that already have `nxcopy`. @default false (skipped, as NXRefine's workflow) */
  overwrite?: boolean;
}

export interface CopiedEntry {
  entry: string;
  /** Paths written in the file. */
  fields: string[];
  /** Parent fields that do not exist (not copied). */
  missing: string[];
}

export interface CopyParametersResult {
  file: string;
  parent: string;
  /** True when `file` is the parent: nothing copied. */
  isParent: boolean;
  copied: CopiedEntry[];
  skipped: Array<{ entry: string; reason: string }>;
  /** Lattice fields written to /entry/sample. */
  sampleFields: string[];
  /** Reduction parameters written to /entry/nxreduce (null when nothing was copied). */
  reduction: ReductionParameters | null;
}

interface SourceEntry {
  entry: string;
  fields: Array<[string, FieldSnapshot]>;
  /** `/<entry>/instrument/sample/transmission` when the parent has it (copied whole). */
  transmission?: string;
  missing: string[];
}

function entriesOf(f: NexusReader): string[] {
  return detectorEntries(f.children('/', { attrs: false }).map((c) => c.name));
}

function sameGroup(a: SpaceGroup, b: SpaceGroup): boolean {
  return a.tableIndex === b.tableIndex;
}

export async function copyParameters(
  options: CopyParametersOptions,
  ctx: JobContext = {},
): Promise<CopyParametersResult> {
  const file = resolve(options.file);
  let parentFile: string;
  if (options.from !== undefined) parentFile = resolve(options.from);
  else {
    const link = readParentLink(scanLayout(file).parentLink);
    if (link.target === undefined)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `no parent defined (${link.link} ${link.dangling ? 'is a dangling link' : 'does not exist'}); give --from PARENT or run nxr parent`,
        file,
      });
    parentFile = link.target;
  }
  if (isSameFile(parentFile, file)) {
    ctx.onLog?.('Set as parent; no parameters copied');
    return {
      file,
      parent: parentFile,
      isParent: true,
      copied: [],
      skipped: [],
      sampleFields: [],
      reduction: null,
    };
  }
  ctx.onProgress?.(0, 'reading the parent');

  // ---- read and check everything before writing anything
  const pf = await openNexusFile(parentFile);
  let sources: SourceEntry[];
  let parentLattice: SampleLattice;
  let sampleSnapshots: Array<[string, FieldSnapshot]>;
  let skipped: Array<{ entry: string; reason: string }> = [];
  let childEntries: string[];
  try {
    const cf = await openNexusFile(file);
    try {
      const parentEntries = entriesOf(pf);
      childEntries = entriesOf(cf);
      let names: string[];
      if (options.entries !== undefined && options.entries.length > 0) {
        names = options.entries.map((e) => e.replace(/^\/+/, ''));
        for (const e of names) {
          if (!childEntries.includes(e))
            throw new NxrError({ code: 'MISSING_PATH', message: `no entry '${e}'`, file, path: `/${e}` });
          if (!parentEntries.includes(e))
            throw new NxrError({
              code: 'MISSING_PATH',
              message: `the parent has no entry '${e}'`,
              file: parentFile,
              path: `/${e}`,
            });
        }
      } else {
        names = childEntries.filter((e) => parentEntries.includes(e));
        for (const e of childEntries.filter((x) => !parentEntries.includes(x)))
          skipped.push({ entry: e, reason: 'not in the parent' });
      }
      if (names.length === 0)
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `no entry in common with the parent ${parentFile} (file: ${childEntries.join(', ') || 'none'}; parent: ${parentEntries.join(', ') || 'none'})`,
          file,
        });
      // space groups
      parentLattice = await readSampleLattice(pf);
      const childLattice = await readSampleLattice(cf);
      const psg = resolveSampleSpaceGroup(pf, parentLattice);
      const csg =
        childLattice.spaceGroup !== undefined ? resolveSampleSpaceGroup(cf, childLattice) : undefined;
      if (psg && csg && !sameGroup(psg, csg)) {
        throw new NxrError({
          code: 'BAD_PARAMETER',
          message: `space group '${csg.xhm}' (No. ${csg.number}) differs from the parent's '${psg.xhm}' (No. ${psg.number}, ${parentFile}); parameters not copied`,
          file,
          path: '/entry/sample/space_group',
        });
      }
      // shapes and nxcopy gating
      const todo: string[] = [];
      for (const e of names) {
        const ps = readDetectorShape(pf, e);
        const cs = readDetectorShape(cf, e);
        if (ps && cs && (ps[0] !== cs[0] || ps[1] !== cs[1]))
          throw new NxrError({
            code: 'WRONG_SHAPE',
            message: `detector shape [${cs.join(', ')}] differs from the parent's [${ps.join(', ')}] (${parentFile}); parameters not copied`,
            file,
            path: `/${e}/instrument/detector/shape`,
          });
        if (cf.has(`/${e}/nxcopy`) && options.overwrite !== true) {
          skipped.push({ entry: e, reason: 'nxcopy already done (use overwrite)' });
          continue;
        }
        todo.push(e);
      }
      sources = todo.map((e) => {
        const fields: Array<[string, FieldSnapshot]> = [];
        const missing: string[] = [];
        for (const rel of INSTRUMENT_FIELDS) {
          const path = `/${e}/instrument/${rel}`;
          const s = snapshotField(pf, path);
          if (s) fields.push([path, s]);
          else missing.push(path);
        }
        const tr = `/${e}/instrument/${TRANSMISSION_GROUP}`;
        if (!pf.has(tr)) {
          missing.push(tr);
          return { entry: e, fields, missing };
        }
        const kind = pf.entity(tr, { attrs: false, maxDepth: 0 }).kind;
        if (kind !== 'group')
          throw new NxrError({
            code: 'WRONG_DTYPE',
            message: `expected the transmission group (NXdata), found a ${kind}`,
            file: parentFile,
            path: tr,
          });
        const signal = `${tr}/transmission`;
        const n = pf.has(signal) ? pf.entity(signal, { attrs: false, maxDepth: 0 }).shape?.[0] : undefined;
        const frames = readEntryFrameCount(cf, e);
        if (n !== undefined && frames !== undefined && n !== frames)
          ctx.onLog?.(
            `${e}: the parent's transmission has ${n} frames, this scan ${frames} (copied as NXRefine does)`,
            'warn',
          );
        return { entry: e, fields, transmission: tr, missing };
      });
      sampleSnapshots = [];
      for (const name of SAMPLE_FIELDS) {
        const s = snapshotField(pf, `/entry/sample/${name}`);
        if (s) sampleSnapshots.push([`/entry/sample/${name}`, s]);
      }
    } finally {
      cf.close();
    }
  } finally {
    pf.close();
  }
  skipped = skipped.sort((a, b) => a.entry.localeCompare(b.entry, undefined, { numeric: true }));
  for (const s of skipped) ctx.onLog?.(`${s.entry}: skipped (${s.reason})`);
  if (sources.length === 0) {
    return {
      file,
      parent: parentFile,
      isParent: false,
      copied: [],
      skipped,
      sampleFields: [],
      reduction: null,
    };
  }
  // reduction parameters: the parent's cascade (parent → own → settings.ini → defaults)
  const reduction = await readReductionParameters(file, { parent: parentFile });
  checkReductionParameters(file, reduction.values, reduction.origins, reduction.nframes);
  throwIfAborted(ctx.signal, file);

  // ---- write (one atomic update)
  const copied: CopiedEntry[] = [];
  const sampleFields: string[] = [];
  const parentRel = relative(dirname(file), parentFile);
  // the transmission groups are copied straight from the parent, open during the update
  const tf = sources.some((src) => src.transmission !== undefined)
    ? await openNexusFile(parentFile)
    : undefined;
  try {
    await updateNexusFile(
      file,
      (w) => {
        if (!w.has('/entry/sample')) w.group('/entry/sample', 'NXsample');
        clearPaths(w, [
          ...sampleSnapshots.map(([path]) => path),
          ...sources.flatMap((src) => [
            ...src.fields.map(([path]) => path),
            ...(src.transmission !== undefined ? [src.transmission] : []),
            `/${src.entry}/nxcopy`,
          ]),
        ]);
        for (const [path, s] of sampleSnapshots) {
          writeSnapshot(w, path, s);
          sampleFields.push(path);
        }
        for (const [i, src] of sources.entries()) {
          throwIfAborted(ctx.signal, file);
          ctx.onProgress?.(0.1 + (0.8 * i) / sources.length, `copying ${src.entry}`);
          const e = src.entry;
          for (const [g, cls] of INSTRUMENT_GROUPS) if (!w.has(`/${e}/${g}`)) w.group(`/${e}/${g}`, cls);
          const written: string[] = [];
          for (const [path, s] of src.fields) {
            writeSnapshot(w, path, s);
            written.push(path);
          }
          if (src.transmission !== undefined && tf !== undefined) {
            const sample = dirname(src.transmission);
            if (!w.has(sample)) w.group(sample, 'NXsample');
            copyGroup(tf, w, src.transmission, src.transmission);
            written.push(src.transmission);
          }
          if (!w.has(`/${e}/sample`)) w.nexusLink(`/${e}/sample`, '/entry/sample');
          const gp = w.record(`/${e}`, processRecordFor(file, 'nxcopy', { parent: parentFile }));
          w.field(`${gp}/parent`, parentRel);
          copied.push({ entry: e, fields: written, missing: src.missing });
          ctx.onLog?.(`${e}: ${written.length} fields copied from ${parentFile}`);
        }
        throwIfAborted(ctx.signal, file);
        writeReductionParameters(w, reduction.values);
      },
      { purpose: 'nxr copy-parameters' },
    );
  } finally {
    tf?.close();
  }
  ctx.onProgress?.(1, 'done');
  return {
    file,
    parent: parentFile,
    isParent: false,
    copied,
    skipped,
    sampleFields,
    reduction: reduction.values,
  };
}
