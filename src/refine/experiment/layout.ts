/**
 * What New Experiment, New Sample and New Scan create in an experiment directory (nxrefine-spec.md
 * §2.1), as '/'-separated paths relative to the experiment directory:
 *
 *   <analysis_home>/<experiment>[/<analysis_path>]/     the experiment directory
 *       configurations/  tasks/settings.ini  calibrations/  scripts/
 *       <sample>/<label>/                                New Sample
 *       <sample>/<label>/<sample>_<scan>.nxs             New Scan: the wrapper file
 *       <sample>/<label>/<scan>/                         New Scan: the scan directory (raw frames)
 *
 * NXRefine also creates an empty SQLite task database `tasks/nxdatabase.db`; this program keeps no
 * task database, so it is not created.
 */
import { subpathParts } from './names.ts';

/** Folders New Experiment creates, in NXRefine's order. */
export const EXPERIMENT_FOLDERS = ['configurations', 'tasks', 'calibrations', 'scripts'] as const;

/** The experiment settings file, relative to the experiment directory. */
export const EXPERIMENT_SETTINGS_FILE = 'tasks/settings.ini';

export interface ExperimentPlan {
  /** Folders, relative to the experiment directory. */
  folders: string[];
  /** Files, relative to the experiment directory. */
  files: string[];
}

export function planNewExperiment(): ExperimentPlan {
  return { folders: [...EXPERIMENT_FOLDERS], files: [EXPERIMENT_SETTINGS_FILE] };
}

/** `configurations/<file>` */
export function configurationPath(fileName: string): string {
  return `configurations/${fileName}`;
}

export function planNewSample(sample: string, label: string): ExperimentPlan {
  return { folders: [sample, `${sample}/${label}`], files: [] };
}

export interface ScanPlan extends ExperimentPlan {
  /** `<sample>/<label>` */
  labelDir: string;
  /** `<sample>/<label>/<scan>` */
  scanDir: string;
  /** `<sample>/<label>/<sample>_<scan>.nxs` */
  wrapperFile: string;
}

export function planNewScan(sample: string, label: string, scan: string): ScanPlan {
  const labelDir = `${sample}/${label}`;
  const scanDir = `${labelDir}/${scan}`;
  const wrapperFile = `${labelDir}/${sample}_${scan}.nxs`;
  return { labelDir, scanDir, wrapperFile, folders: [scanDir], files: [wrapperFile] };
}

/**
 * The external-link file of detector position `position` (1-based) as the wrapper stores it:
 * relative to the wrapper's directory, `<scan>/<linkFile>` with linkFile `f<position>.h5` by default.
 */
export function rawLinkFile(scan: string, position: number, linkFile?: string): string {
  return `${scan}/${linkFile ?? `f${position}.h5`}`;
}

export interface ExperimentPaths {
  /** Analysis home directory (host path). */
  analysisHome: string;
  /** Name of the experiment. */
  experiment: string;
  /** Analysis sub-directory below `<analysis_home>/<experiment>`, '' for none. */
  analysisPath: string;
}

function separatorOf(path: string): string {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

/** `<analysis_home>/<experiment>[/<analysis_path>]`, with the separator the home uses. */
export function experimentDirectoryOf(p: ExperimentPaths): string {
  const sep = separatorOf(p.analysisHome);
  const home = p.analysisHome.replace(/[\\/]+$/, '');
  return [home, p.experiment, ...subpathParts(p.analysisPath)].join(sep);
}

/**
 * NXRefine's New Experiment fills its grid from the directory the user chooses: the last
 * component is the experiment, the rest the analysis home — after taking off the analysis
 * sub-directory when the chosen directory ends with it. Undefined when the directory has too
 * few components.
 */
export function reconcileExperimentDirectory(chosen: string, analysisPath = ''): ExperimentPaths | undefined {
  const sep = separatorOf(chosen);
  const trimmed = chosen.replace(/[\\/]+$/, '');
  let parts = trimmed.split(/[\\/]/);
  const sub = subpathParts(analysisPath);
  let keptPath = '';
  if (sub.length > 0 && parts.length > sub.length + 1) {
    const tail = parts.slice(parts.length - sub.length);
    if (tail.join('/') === sub.join('/')) {
      parts = parts.slice(0, parts.length - sub.length);
      keptPath = sub.join('/');
    }
  }
  if (parts.length < 2 || parts.at(-1) === '') return undefined;
  const experiment = parts.at(-1)!;
  const home = parts.slice(0, -1).join(sep);
  return { analysisHome: home === '' ? sep : home, experiment, analysisPath: keptPath };
}
