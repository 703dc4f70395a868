/**
 * Refine Lattice ▸ Orient Manually (NXRefine's Primary / Secondary, spec §6.1): choose two peaks of
 * the list and their hkls. For each peak the dialog names its powder ring; the primary combo
 * offers one hkl per reflection class of the ring, the secondary combo the hkls of the second
 * peak's ring whose angle to the primary matches the measured angle between the peaks (best first,
 * preselected). The hkls can also be typed. The angle check (measured vs calculated) is shown before
 * "Orient" sets U by Busing & Levy (the engine checks again and refuses a wrong choice).
 */
import { useMemo, useState } from 'react';

import type { Vec3 } from '../../refine/geometry/models.ts';
import type { PeakPairCandidates } from '../../refine/orient/peak-pair-candidates.ts';
import { toErrorInfo } from '../../shared/errors.ts';
import type { ManualOrientation, RefineLatticeSummary } from '../../shared/jobs.ts';
import local from './RefineLattice.module.css';
import { angleCheck, formatHkl, manualCandidates, parseHkl, secondaryCandidates } from './refine-peaks.ts';

/** NXRefine's Peak Angle Tolerance, degrees. */
export const PEAK_TOLERANCE = 5;

export interface PairChoice {
  primary: string;
  secondary: string;
  hkl1: string;
  hkl2: string;
}

const sameHkl = (a: readonly number[] | null, b: readonly number[]): boolean =>
  a !== null && a.every((v, i) => v === b[i]);

export function OrientManually({
  result,
  choice,
  onChoice,
  selected,
  disabled,
  onOrient,
}: {
  /** The last result (its peak list); null before the peaks are listed. */
  result: RefineLatticeSummary | null;
  choice: PairChoice;
  onChoice: (c: PairChoice) => void;
  /** The row selected in the table. */
  selected: number | null;
  disabled: boolean;
  onOrient: (m: ManualOrientation) => void;
}) {
  const [touched, setTouched] = useState(false);
  const primary = Number(choice.primary);
  const secondary = Number(choice.secondary);
  const pair = useMemo((): { c: PeakPairCandidates | null; error: string | null } => {
    if (!result) return { c: null, error: null };
    try {
      return {
        c: manualCandidates(result, primary, secondary, { peakTolerance: PEAK_TOLERANCE }),
        error: null,
      };
    } catch (e) {
      return { c: null, error: toErrorInfo(e).message };
    }
  }, [result, primary, secondary]);
  const h1 = parseHkl(choice.hkl1);
  const h2 = parseHkl(choice.hkl2);
  const chosenPrimary = pair.c?.primaries.find((p) => sameHkl(h1, p.hkl));
  // secondaries for the primary hkl as typed (any member of a class, not only the first)
  const secondaries = useMemo(
    () => (result && pair.c && h1 ? secondaryCandidates(result, pair.c, h1, PEAK_TOLERANCE) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [result, pair.c, choice.hkl1],
  );
  const check = useMemo(() => {
    if (!result || !pair.c || !h1 || !h2) return null;
    try {
      return angleCheck(result, primary, secondary, h1, h2);
    } catch {
      return null;
    }
    // h1/h2 are new arrays each render: key on their text
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result, pair.c, primary, secondary, choice.hkl1, choice.hkl2]);
  const delta = check ? Math.abs(check.measured - check.calculated) : NaN;
  const set = (patch: Partial<PairChoice>): void => {
    setTouched(true);
    onChoice({ ...choice, ...patch });
  };
  const pickPrimary = (hkl: Vec3): void => {
    const best = result && pair.c ? secondaryCandidates(result, pair.c, hkl, PEAK_TOLERANCE)[0] : undefined;
    set({ hkl1: formatHkl(hkl), ...(best ? { hkl2: formatHkl(best.hkl) } : {}) });
  };
  const ring = (k: 0 | 1): string => {
    if (!pair.c) return '';
    const r = pair.c.rings[pair.c.ring[k]];
    return r
      ? `2θ ${pair.c.twoTheta[k].toFixed(3)}°, ring ${pair.c.ring[k] + 1} at ${r.twoTheta.toFixed(3)}°`
      : '';
  };
  const can = !disabled && result !== null && pair.c !== null && h1 !== null && h2 !== null;
  return (
    <fieldset className={local.orient} aria-label="Orient Manually">
      <legend>Orient Manually</legend>
      {!result ? <span className={`${local.wide} ${local.check}`}>List the peaks first (List).</span> : null}
      <label htmlFor="orient-primary">Primary peak</label>
      <span className={local.plotRow}>
        <input
          id="orient-primary"
          type="text"
          value={choice.primary}
          disabled={disabled}
          onChange={(e) => set({ primary: e.target.value })}
          style={{ width: 70 }}
        />
        <button
          type="button"
          disabled={disabled || selected === null}
          onClick={() => set({ primary: String(selected) })}
          title="The row selected in the table"
        >
          ◂ selected
        </button>
      </span>
      <label htmlFor="orient-secondary">Secondary peak</label>
      <span className={local.plotRow}>
        <input
          id="orient-secondary"
          type="text"
          value={choice.secondary}
          disabled={disabled}
          onChange={(e) => set({ secondary: e.target.value })}
          style={{ width: 70 }}
        />
        <button
          type="button"
          disabled={disabled || selected === null}
          onClick={() => set({ secondary: String(selected) })}
          title="The row selected in the table"
        >
          ◂ selected
        </button>
      </span>
      <span />
      <span className={local.check} data-testid="primary-ring">
        {ring(0)}
      </span>
      <span />
      <span className={local.check} data-testid="secondary-ring">
        {ring(1)}
      </span>
      <label htmlFor="orient-hkl1">Primary HKL</label>
      <input
        id="orient-hkl1"
        type="text"
        value={choice.hkl1}
        disabled={disabled}
        aria-invalid={choice.hkl1 !== '' && h1 === null}
        onChange={(e) => set({ hkl1: e.target.value })}
        placeholder="h k l"
      />
      <label htmlFor="orient-hkl2">Secondary HKL</label>
      <input
        id="orient-hkl2"
        type="text"
        value={choice.hkl2}
        disabled={disabled}
        aria-invalid={choice.hkl2 !== '' && h2 === null}
        onChange={(e) => set({ hkl2: e.target.value })}
        placeholder="h k l"
      />
      <span />
      <select
        aria-label="Primary HKL candidates"
        disabled={disabled || !pair.c}
        value={chosenPrimary ? formatHkl(chosenPrimary.hkl) : ''}
        onChange={(e) => {
          const h = parseHkl(e.target.value);
          if (h) pickPrimary(h);
        }}
      >
        <option value="">{pair.c ? `${pair.c.primaries.length} candidates…` : '—'}</option>
        {pair.c?.primaries.map((p) => (
          <option key={formatHkl(p.hkl)} value={formatHkl(p.hkl)}>
            ({formatHkl(p.hkl)}) 2θ {p.twoTheta.toFixed(3)}° · {p.secondaries.length} secondaries
          </option>
        ))}
      </select>
      <span />
      <select
        aria-label="Secondary HKL candidates"
        disabled={disabled || secondaries.length === 0}
        value={h2 && secondaries.some((s) => sameHkl(h2, s.hkl)) ? formatHkl(h2) : ''}
        onChange={(e) => e.target.value !== '' && set({ hkl2: e.target.value })}
      >
        <option value="">{h1 && pair.c ? `${secondaries.length} within ${PEAK_TOLERANCE}°…` : '—'}</option>
        {secondaries.map((s) => (
          <option key={formatHkl(s.hkl)} value={formatHkl(s.hkl)}>
            ({formatHkl(s.hkl)}) {s.angle.toFixed(3)}° (Δ {s.difference.toFixed(3)}°)
          </option>
        ))}
      </select>
      <span
        className={`${local.wide} ${local.check} ${delta > PEAK_TOLERANCE ? local.bad : ''}`}
        role="status"
        aria-label="Angle check"
      >
        {pair.error
          ? pair.error
          : check
            ? `angle between the peaks ${check.measured.toFixed(3)}°, between the hkls ${check.calculated.toFixed(3)}° (Δ ${delta.toFixed(3)}°)${delta > PEAK_TOLERANCE ? ' — too far apart' : ''} · 2θ ${check.peakTwoTheta[0].toFixed(2)}/${check.hklTwoTheta[0].toFixed(2)}°, ${check.peakTwoTheta[1].toFixed(2)}/${check.hklTwoTheta[1].toFixed(2)}°`
            : pair.c
              ? `angle between the peaks ${pair.c.angle.toFixed(3)}°: choose their hkls`
              : ''}
      </span>
      <span className={local.wide} style={{ display: 'flex', justifyContent: 'flex-end', gap: 6 }}>
        {touched ? null : (
          <span className={local.check}>defaults: stored primary/secondary or rows 0 and 1</span>
        )}
        <button
          type="button"
          disabled={!can}
          onClick={() => onOrient({ primary, secondary, hkl1: h1!, hkl2: h2! })}
        >
          Orient
        </button>
      </span>
    </fieldset>
  );
}
