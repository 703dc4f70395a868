/**
 * The colour-scale part of a plot's toolbar, shared by the frame plot and the HKL slice view:
 * linear/log (a radio group; the `l` key toggles it in both plots) and the colour map.
 */
import type { ColorScale } from './colormap.ts';
import { COLORMAP_NAMES, type ColormapName } from './colormap.ts';
import styles from './Plot.module.css';

export function ColorScaleControls({
  scale,
  colormap,
  onScale,
  onColormap,
}: {
  scale: ColorScale;
  colormap: ColormapName;
  onScale: (s: ColorScale) => void;
  onColormap: (c: ColormapName) => void;
}) {
  return (
    <>
      <div role="radiogroup" aria-label="Colour scale" className={styles.segmented}>
        {(['linear', 'log'] as const).map((s) => (
          <button
            key={s}
            type="button"
            role="radio"
            aria-checked={scale === s}
            className={scale === s ? styles.on : ''}
            onClick={() => onScale(s)}
            title={s === 'log' ? 'Logarithmic colour scale (l)' : 'Linear colour scale (l)'}
          >
            {s}
          </button>
        ))}
      </div>
      <label className={styles.limit}>
        Colour map
        <select
          value={colormap}
          aria-label="Colour map"
          onChange={(e) => onColormap(e.target.value as ColormapName)}
        >
          {COLORMAP_NAMES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
