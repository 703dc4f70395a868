import type { FitParameterResult, RefinementStatistics } from './models.ts';

export interface FitReportInput {
  parameters: FitParameterResult[];
  statistics: RefinementStatistics;
  correlations: Array<{ a: string; b: string; value: number }>;
  ignoredFlags: string[];
}

export interface FitReportContext {
  objective: 'detector' | 'reciprocal';
  variables: number;
  dataPoints: number;
  hklTolerance: number;
  polarMax: number;
}

const fmt = (v: number, digits = 6): string =>
  Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v);

/**
 * A plain-text fit report in the layout of lmfit's `fit_report` (what NXRefine stores in the
 * `nxrefine` NXprocess note), with the residual statistics in pixels, frames and Å⁻¹ added.
 */
export function formatFitReport(r: FitReportInput, c: FitReportContext): string {
  const s = r.statistics;
  const lines: string[] = [];
  lines.push('[[Fit Statistics]]');
  lines.push(
    `    # fitting method   = Levenberg-Marquardt (${c.objective === 'detector' ? 'detector residuals: x, y in px, frame' : 'reciprocal residuals: Q_obs - UB.hkl'})`,
  );
  lines.push(`    # function evals   = ${s.evaluations}`);
  lines.push(`    # iterations       = ${s.iterations} in ${s.rounds} rounds of outlier rejection`);
  lines.push(`    # data points      = ${c.dataPoints}`);
  lines.push(`    # variables        = ${c.variables}`);
  lines.push(`    chi-square         = ${fmt(s.chiSquare)}`);
  lines.push(`    reduced chi-square = ${fmt(s.reducedChiSquare)}`);
  lines.push(`    converged          = ${s.converged ? 'yes' : 'no'} (${s.message})`);
  lines.push('[[Peaks]]');
  lines.push(
    `    ${s.peaks} peaks, ${s.inPolarRange} with polar angle <= ${fmt(c.polarMax)} deg, ${s.indexed} indexed within ${fmt(c.hklTolerance)} 1/A, ${s.outliers} outliers rejected`,
  );
  lines.push(
    `    RMSD x = ${fmt(s.rmsdX, 4)} px, y = ${fmt(s.rmsdY, 4)} px, xy = ${fmt(s.rmsdPixels, 4)} px, frame = ${fmt(s.rmsdFrames, 4)}, Q = ${fmt(s.rmsdQ, 4)} 1/A`,
  );
  lines.push(`    score = ${fmt(s.score, 6)} 1/A`);
  lines.push('[[Variables]]');
  const width = Math.max(...r.parameters.map((p) => p.name.length)) + 1;
  for (const p of r.parameters) {
    const name = `${p.name}:`.padEnd(width + 1);
    if (p.constrainedTo) {
      lines.push(`    ${name} ${fmt(p.value, 8)} == '${p.constrainedTo}' ${p.units}`);
    } else if (p.refined) {
      const rel =
        p.value !== 0 && Number.isFinite(p.esd)
          ? ` (${((100 * p.esd) / Math.abs(p.value)).toFixed(2)}%)`
          : '';
      const esd = Number.isFinite(p.esd) ? fmt(p.esd, 2) : 'undetermined';
      lines.push(`    ${name} ${fmt(p.value, 8)} +/- ${esd}${rel} ${p.units} (init = ${fmt(p.initial, 8)})`);
    } else {
      lines.push(`    ${name} ${fmt(p.value, 8)} ${p.units} (fixed)`);
    }
  }
  if (r.ignoredFlags.length)
    lines.push(`    (fixed by the lattice system, not refined: ${r.ignoredFlags.join(', ')})`);
  if (s.undetermined.length) lines.push(`    (not determined by the data: ${s.undetermined.join(', ')})`);
  lines.push('[[Correlations]] (unreported correlations are < 0.500)');
  for (const k of r.correlations)
    lines.push(`    C(${k.a}, ${k.b}) = ${k.value >= 0 ? '+' : ''}${k.value.toFixed(4)}`);
  return lines.join('\n');
}
