import { newExperiment } from '../../engine/experiment/new-experiment.ts';
import { formatSettingValue } from '../../refine/settings/settings-ini.ts';
import { NxrError } from '../../shared/errors.ts';
import { parseCommandArgs, type Command } from '../command.ts';

const usage = `usage: nxr new-experiment DIR [options]

Experiment ▸ New Experiment: makes the experiment directory DIR (= <analysis_home>/<experiment>
[/<analysis_path>]) with configurations/, tasks/, calibrations/ and scripts/, and
tasks/settings.ini copied from the server settings ($NX_SERVER/nxserver/settings.ini, or the
directory named in ~/.nxserver/settings.ini [setup]; the built-in defaults without one) with its
[instrument] section filled. The analysis home and the experiment name are read from DIR. Options
not given keep the server file's [instrument] values. (NXRefine's empty task database
tasks/nxdatabase.db is not made: nxr keeps none.)

options:
  --source NAME          Source Name (facility), e.g. CHESS
  --instrument NAME      Instrument: a registered beamline (QM2 …)
  --raw-home DIR         Raw Home Directory (absolute)
  --raw-path PATH        Raw Data Subdirectory
  --analysis-home DIR    Analysis Home Directory (checked: must be where DIR lies)
  --analysis-path PATH   Analysis Subdirectory (DIR must end with it)
  --experiment NAME      Name of Experiment (checked: must be DIR's name)
  --server-dir DIR       server directory to copy the settings from (instead of NX_SERVER)
  --overwrite            replace the settings of an existing experiment
  --json                 print the result as JSON`;

const command: Command = {
  summary: 'make an experiment directory with tasks/settings.ini (Experiment ▸ New Experiment)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      source: { type: 'string' },
      instrument: { type: 'string' },
      'raw-home': { type: 'string' },
      'raw-path': { type: 'string' },
      'analysis-home': { type: 'string' },
      'analysis-path': { type: 'string' },
      experiment: { type: 'string' },
      'server-dir': { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new NxrError({ code: 'BAD_PARAMETER', message: 'give exactly one experiment directory' });
    const r = await newExperiment(
      {
        directory: positionals[0]!,
        ...(values.source !== undefined ? { source: values.source } : {}),
        ...(values.instrument !== undefined ? { instrument: values.instrument } : {}),
        ...(values['raw-home'] !== undefined ? { rawHome: values['raw-home'] } : {}),
        ...(values['raw-path'] !== undefined ? { rawPath: values['raw-path'] } : {}),
        ...(values['analysis-home'] !== undefined ? { analysisHome: values['analysis-home'] } : {}),
        ...(values['analysis-path'] !== undefined ? { analysisPath: values['analysis-path'] } : {}),
        ...(values.experiment !== undefined ? { experiment: values.experiment } : {}),
        ...(values['server-dir'] !== undefined ? { server: { serverDirectory: values['server-dir'] } } : {}),
        overwrite: values.overwrite,
      },
      { signal: io.signal },
    );
    if (values.json) {
      io.out(JSON.stringify(r, null, 2));
      return 0;
    }
    io.out(`experiment ${r.directory}`);
    io.out(
      `created: ${r.created.join(', ')}${r.existing.length > 0 ? `; existing: ${r.existing.join(', ')}` : ''}`,
    );
    io.out(`settings ${r.settingsFile} (from ${r.serverSettingsFile ?? 'the built-in defaults'})`);
    for (const [k, v] of Object.entries(r.instrument ?? {})) io.out(`  ${k} = ${formatSettingValue(v)}`);
    return 0;
  },
};

export default command;
