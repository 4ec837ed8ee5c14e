import { readFileSync, renameSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { foregroundDefault, pinoLevelFor, planFromDict, PythonLogDestination, readLoggingConfig } from '../../src/cli/python-logging.js';
import { Captured, useTempDir } from './cli-test-kit.js';

/** A pino logger writing through the plan of `file`, and what reached stdout and stderr. */
function loggerFor(file: string) {
  const plan = readLoggingConfig(file);
  const streams = { stdout: new Captured(), stderr: new Captured() };
  const destination = new PythonLogDestination(plan, streams);
  const logger = pino({ level: pinoLevelFor(plan) }, { write: (line: string) => destination.write(line) });
  return { logger, destination, ...streams };
}

describe("Nodepool's -l logging configuration", () => {
  const tempDir = useTempDir();

  it('a dictConfig: levels per handler, a watched file that is reopened after rotation, stderr, datefmt', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'launcher.log');
    const config = path.join(dir, 'logging.yaml');
    await writeFile(
      config,
      `version: 1
formatters:
  simple:
    format: '%(asctime)s %(levelname)-7s %(name)s: %(message)s'
    datefmt: '%Y-%m-%dT%H:%M:%S%z'
  bare:
    format: '%(levelname)s %(message)s'
handlers:
  file:
    class: logging.handlers.WatchedFileHandler
    filename: ${log}
    level: DEBUG
    formatter: simple
  console:
    class: logging.StreamHandler
    stream: ext://sys.stderr
    level: WARNING
    formatter: bare
loggers:
  nodepool:
    handlers: [file]
    level: DEBUG
  kazoo:
    handlers: [console]
    level: WARN
root:
  handlers: [console]
  level: WARNING
`,
    );
    const { logger, destination, stdout, stderr } = loggerFor(config);
    logger.debug({ request: '100-0000000001' }, 'looking at the request');
    logger.warn('quota low');
    renameSync(log, `${log}.1`); // logrotate
    logger.info('after rotation');
    destination.close();
    expect(readFileSync(`${log}.1`, 'utf8')).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} DEBUG {3}nodepool\.launcher: \[node_request: 100-0000000001\] looking at the request\n.* WARNING nodepool\.launcher: quota low\n$/,
    );
    expect(readFileSync(log, 'utf8')).toMatch(/ INFO {4}nodepool\.launcher: after rotation\n$/);
    // The nodepool logger propagates to root, whose console handler takes WARNING and up.
    expect(stderr.text).toBe('WARNING quota low\n');
    expect(stdout.text).toBe('');
  });

  it('an INI fileConfig, as logging.config.fileConfig reads it', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'nodepool.log');
    const config = path.join(dir, 'logging.conf');
    await writeFile(
      config,
      `[loggers]
keys=root,nodepool

[handlers]
keys=console,normal

[formatters]
keys=simple

[logger_root]
level=WARNING
handlers=console

[logger_nodepool]
level=INFO
handlers=normal
qualname=nodepool
propagate=0

[handler_console]
level=WARNING
class=StreamHandler
formatter=simple
args=(sys.stdout,)

[handler_normal]
level=INFO
class=logging.handlers.WatchedFileHandler
formatter=simple
args=('${log}',)

[formatter_simple]
format=%(asctime)s %(levelname)s %(name)s: %(message)s
datefmt=
`,
    );
    const { logger, destination, stdout } = loggerFor(config);
    logger.debug('not at INFO');
    logger.info('launcher started');
    destination.close();
    expect(readFileSync(log, 'utf8')).toMatch(/^\S+ \S+ INFO nodepool\.launcher: launcher started\n$/);
    expect(stdout.text).toBe(''); // propagate=0: root's console sees nothing
  });

  it('refuses what it cannot honour, naming the file and the place', async () => {
    const dir = tempDir();
    const refused = async (name: string, text: string) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return () => readLoggingConfig(file);
    };
    const base = "version: 1\nformatters:\n  f:\n    format: '%(message)s'\n";
    expect(await refused('rotating.yaml', `${base}handlers:\n  h:\n    class: logging.handlers.RotatingFileHandler\n    filename: x.log\n`)).toThrow(
      /rotating\.yaml: handlers\.h\.class: logging\.handlers\.RotatingFileHandler cannot be honoured \(known: logging\.StreamHandler, logging\.FileHandler, logging\.handlers\.WatchedFileHandler, logging\.NullHandler\)$/,
    );
    expect(await refused('field.yaml', "version: 1\nformatters:\n  f:\n    format: '%(funcName)s %(message)s'\n")).toThrow(
      /field\.yaml: formatters\.f\.format: record field %\(funcName\)s cannot be honoured/,
    );
    expect(await refused('filters.yaml', `${base}filters:\n  only:\n    name: nodepool\n`)).toThrow(/filters\.yaml: filters: filters cannot be honoured/);
    expect(await refused('level.yaml', `${base}root:\n  level: LOUD\n`)).toThrow(/level\.yaml: root\.level: unknown level "LOUD"/);
    expect(await refused('args.conf', '[loggers]\nkeys=root\n[handlers]\nkeys=h\n[formatters]\nkeys=\n[logger_root]\nhandlers=h\n[handler_h]\nclass=FileHandler\nargs=(os.path.join("a", "b"),)\n')).toThrow(
      /args\.conf: \[handler_h\] args: cannot be honoured/,
    );
  });

  it("-d is Nodepool's debug level: the default foreground config at DEBUG", () => {
    expect(pinoLevelFor(planFromDict(foregroundDefault(true), 'default'))).toBe('debug');
    expect(pinoLevelFor(planFromDict(foregroundDefault(false), 'default'))).toBe('info');
  });
});
