/**
 * The colour bar of the frame plot: the table between the limits with ticks (decades when log),
 * and what the special colours mean, with how many pixels of the frame have each.
 */
import { useEffect, useRef } from 'react';

import {
  colorBarPosition,
  colorBarTicks,
  colorTable,
  SPECIAL_COLORS,
  type ColormapName,
  type ColorScale,
  type FrameColorStats,
  type Rgb,
} from './colormap.ts';
import { formatValue } from './readout.ts';
import styles from './Plot.module.css';

const css = (c: Rgb): string => `rgb(${c[0]} ${c[1]} ${c[2]})`;

function tickText(v: number, scale: ColorScale): string {
  if (scale === 'log' && v > 0) {
    const e = Math.log10(v);
    if (Math.abs(e - Math.round(e)) < 1e-9)
      return Math.round(e) <= 3 ? String(10 ** Math.round(e)) : `1e${Math.round(e)}`;
  }
  return formatValue(v);
}

export function ColorBar({
  colormap,
  scale,
  stats,
}: {
  colormap: ColormapName;
  scale: ColorScale;
  stats: FrameColorStats;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const table = colorTable(colormap);
    const img = ctx.createImageData(1, 256);
    for (let i = 0; i < 256; i++) {
      const j = 255 - i; // top = high
      img.data[4 * i] = table[3 * j]!;
      img.data[4 * i + 1] = table[3 * j + 1]!;
      img.data[4 * i + 2] = table[3 * j + 2]!;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [colormap]);
  const ticks = colorBarTicks(stats.lo, stats.hi, scale);
  const special = SPECIAL_COLORS[colormap];
  const legend: Array<[string, Rgb, number, string]> = [
    ['masked', special.masked, stats.masked, 'pixel_mask ≠ 0 (hot, dead and gap pixels)'],
    ['NaN / ±Inf', special.nan, stats.notFinite, 'not a finite number (e.g. a missing frame)'],
    ['< 0', special.negative, stats.negative, 'negative values (detector flags, e.g. −1 in gaps)'],
  ];
  return (
    <div className={styles.colorBar} aria-label="Colour bar" role="group">
      <div className={styles.colorBarScale}>{scale === 'log' ? 'log₁₀' : 'linear'}</div>
      <div className={styles.colorBarBody}>
        <canvas ref={canvas} width={1} height={256} className={styles.colorBarCanvas} />
        <div className={styles.colorBarTicks}>
          {ticks.map((t) => (
            <span
              key={t}
              className={styles.colorBarTick}
              style={{ bottom: `${(100 * colorBarPosition(t, stats.lo, stats.hi, scale)).toFixed(2)}%` }}
            >
              {tickText(t, scale)}
            </span>
          ))}
        </div>
      </div>
      <div className={styles.colorBarLimits} data-testid="color-limits">
        {formatValue(stats.lo)} … {formatValue(stats.hi)}
      </div>
      <ul className={styles.legend} aria-label="Special colours">
        {legend.map(([label, color, count, title]) => (
          <li key={label} title={title}>
            <span className={styles.swatch} style={{ background: css(color) }} />
            {label}
            <span className={styles.legendCount}>{count.toLocaleString('en-US')}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
