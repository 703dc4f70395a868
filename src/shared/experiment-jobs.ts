/**
 * The Experiment menu's jobs (spec §7): requests, results and the menu itself.
 *
 * Two sorts of job:
 * - directory jobs (New Experiment, New Configuration, New Sample, New Scan, Import Scans, Sum
 *   Scans, Edit Settings) carry `directory`, a HOST path: absolute under Electron, relative to the
 *   served folder in browser mode. Every other field that holds a host path is listed in
 *   `hostPathFields`, so the browser-mode server resolves it through its path jail before the
 *   engine sees it. Results never carry absolute paths: they give paths relative to `directory`.
 * - file jobs (Calibrate Powder, Create Mask) carry `fileId` (an open file) and `entry`, like the
 *   Refine jobs.
 *
 * Each job adds, in its own section below: its request and result interfaces, its kind in
 * `ExperimentJobRequest`, `ExperimentJobResultMap` and `experimentJobKinds`, and its host-path
 * fields. src/shared/jobs.ts folds these into JobRequest / JobResultMap / jobKinds.
 */

// ---- job sections (one per job; keep each job's types together) ----

// ---- the unions ----

/** Every Experiment job request. */
export type ExperimentJobRequest = never;

// (empty only until the first Experiment job lands)
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExperimentJobResultMap {
  // 'kind': Summary;
}

/** Kinds of the Experiment jobs the engine runs. */
export const experimentJobKinds = [] as const satisfies readonly ExperimentJobRequest['kind'][];

export type ExperimentJobKind = (typeof experimentJobKinds)[number];

/**
 * Fields (besides `directory`) that hold host paths, per kind: a string or an array of strings.
 * The browser-mode server maps each through the served folder; under Electron they are absolute.
 */
export const hostPathFields: { [K in ExperimentJobKind]?: readonly string[] } = {};

// ---- the menu ----

/**
 * The Experiment menu in NXRefine's classic order (spec §7) with the job each item runs. An item
 * is shown once its job is registered in `experimentJobKinds` (Make Scans, SPEC macros for 6-ID-D,
 * is not offered).
 */
export const experimentMenuItems = [
  { dialog: 'new-experiment', label: 'New Experiment', job: 'new-experiment' },
  { dialog: 'new-configuration', label: 'New Configuration', job: 'new-configuration' },
  { dialog: 'calibrate-powder', label: 'Calibrate Powder', job: 'calibrate-powder' },
  { dialog: 'create-mask', label: 'Create Mask', job: 'create-mask' },
  { dialog: 'new-sample', label: 'New Sample', job: 'new-sample' },
  { dialog: 'new-scan', label: 'New Scan', job: 'new-scan' },
  { dialog: 'import-scans', label: 'Import Scans', job: 'import-scans' },
  { dialog: 'sum-scans', label: 'Sum Scans', job: 'sum-scans' },
  { dialog: 'edit-settings', label: 'Edit Settings', job: 'edit-settings' },
] as const;

export type ExperimentDialogId = (typeof experimentMenuItems)[number]['dialog'];

export function isExperimentJobKind(k: unknown): k is ExperimentJobKind {
  return typeof k === 'string' && (experimentJobKinds as readonly string[]).includes(k);
}

/** The Experiment menu items whose job the engine runs, in menu order. */
export function availableExperimentItems(): Array<{ dialog: ExperimentDialogId; label: string }> {
  return experimentMenuItems
    .filter((i) => isExperimentJobKind(i.job))
    .map((i) => ({ dialog: i.dialog, label: i.label }));
}

export function isExperimentDialogId(d: unknown): d is ExperimentDialogId {
  return typeof d === 'string' && experimentMenuItems.some((i) => i.dialog === d);
}
