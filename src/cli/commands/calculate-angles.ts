import { calculateAngles, type CalculateAnglesResult } from '../../engine/jobs/calculate-angles.ts';
import { NxrError } from '../../shared/errors.ts';
import { numberOption, parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr calculate-angles FILE --entry fN [options]

Polar (2θ) and azimuthal angles of every peak in fN/peaks (Refine ▸ Calculate Angles), the powder
rings of the lattice in /entry/sample up to the largest polar angle of the detector, and the nearest
ring of each peak. Angles are exact (tilted detector) unless --convention nxrefine, which gives what
NXRefine's dialog saves (it drops the detector tilts: atan(p·r/L)).

options:
  --entry fN            detector entry (required)
  --write               store polar_angle and azimuthal_angle in fN/peaks (and the values below)
  --convention NAME     exact | nxrefine                                          [exact]
  --wavelength Å --distance MM --xc PX --yc PX --pixel-size MM
                        use these instead of the file's (saved with --write)
  --polar-max DEG       list rings up to this angle        [detector's largest polar angle]
  --json                print the result as JSON`;

function toJson(r: CalculateAnglesResult): unknown {
  const p = r.peaks;
  return {
    ...r,
    peaks: Array.from(p.x, (x, i) => ({
      x,
      y: p.y[i],
      z: p.z[i],
      polar_angle: p.polarAngle[i],
      azimuthal_angle: p.azimuthalAngle[i],
      ring: p.ring[i]! >= 0 ? p.ring[i] : null,
      ring_delta: Number.isNaN(p.ringDelta[i]) ? null : p.ringDelta[i],
    })),
  };
}

const command: Command = {
  summary: 'polar and azimuthal angles of the peaks, and the powder rings of the lattice',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      entry: { type: 'string' },
      write: { type: 'boolean', default: false },
      convention: { type: 'string', default: 'exact' },
      wavelength: { type: 'string' },
      distance: { type: 'string' },
      xc: { type: 'string' },
      yc: { type: 'string' },
      'pixel-size': { type: 'string' },
      'polar-max': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: 'give exactly one scan file (nxr calculate-angles FILE --entry f1)',
      });
    if (values.entry === undefined)
      throw new NxrError({ code: 'BAD_PARAMETER', message: '--entry fN is required' });
    const convention = values.convention;
    if (convention !== 'exact' && convention !== 'nxrefine')
      throw new NxrError({
        code: 'BAD_PARAMETER',
        message: `--convention must be exact or nxrefine, got '${convention}'`,
      });
    const geometry: Record<string, number> = {};
    for (const [opt, key] of [
      ['wavelength', 'wavelength'],
      ['distance', 'distance'],
      ['xc', 'beamCenterX'],
      ['yc', 'beamCenterY'],
      ['pixel-size', 'pixelSize'],
    ] as const) {
      const v = numberOption(opt, values[opt]);
      if (v !== undefined) geometry[key] = v;
    }
    const polarMax = numberOption('polar-max', values['polar-max']);
    const r = await calculateAngles(
      {
        file: positionals[0]!,
        entry: values.entry,
        convention,
        write: values.write,
        geometry,
        ...(polarMax !== undefined ? { polarMax } : {}),
      },
      {
        signal: io.signal,
        onLog: (m, level) => (level === 'warn' && !values.json ? io.err(`warning: ${m}`) : undefined),
      },
    );
    if (values.json) {
      io.out(JSON.stringify(toJson(r), null, 2));
      return 0;
    }
    const g = r.geometry;
    io.out(
      `${r.file} ${r.entry}: λ = ${g.wavelength} Å, distance = ${g.distance} mm, beam centre = (${g.beamCenterX}, ${g.beamCenterY}) px, ` +
        `pixel = ${g.pixelSize} mm, tilts (yaw, pitch, roll) = (${g.yaw}, ${g.pitch}, ${g.roll})° [${r.convention} angles]`,
    );
    io.out(`largest polar angle on the detector: ${r.twoThetaMax.toFixed(4)}°`);
    io.out('');
    io.out('   peak         x         y        z      polar    azimuthal  ring   polar−ring');
    const p = r.peaks;
    for (let i = 0; i < p.x.length; i++) {
      const ring = p.ring[i]! >= 0 ? String(p.ring[i]) : '-';
      const d = Number.isNaN(p.ringDelta[i]) ? '' : p.ringDelta[i]!.toFixed(4);
      io.out(
        `${String(i).padStart(7)} ${p.x[i]!.toFixed(2).padStart(9)} ${p.y[i]!.toFixed(2).padStart(9)} ${p.z[i]!.toFixed(2).padStart(8)} ` +
          `${p.polarAngle[i]!.toFixed(4).padStart(10)} ${p.azimuthalAngle[i]!.toFixed(4).padStart(12)} ${ring.padStart(5)} ${d.padStart(12)}`,
      );
    }
    io.out('');
    if (r.rings === null) io.out('no lattice in /entry/sample: no rings (nxr define-lattice)');
    else {
      io.out(`rings of ${r.spaceGroup ?? '?'} (${r.rings.length}):`);
      io.out('   ring    2θ (deg)    d (Å)  reflections');
      r.rings.forEach((ring, i) => {
        const hkls = ring.classes.map((c) => `(${c.hkl.join(' ')})×${c.multiplicity}`).join(' ');
        io.out(
          `${String(i).padStart(7)} ${ring.twoTheta.toFixed(4).padStart(11)} ${ring.classes[0]!.d.toFixed(4).padStart(8)}  ${hkls}`,
        );
      });
    }
    if (r.written) io.out(`saved ${r.paths.join(', ')} in ${r.file}`);
    return 0;
  },
};

export default command;
