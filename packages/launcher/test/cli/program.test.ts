import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { cloudpool, testIo } from './cli-test-kit.js';

describe('the cloudpool program', () => {
  const names = createProgram(testIo().io).commands.map((command) => command.name());

  it("has Nodepool's commands and cloudpool's own", () => {
    expect(names).toEqual(expect.arrayContaining(['list', 'delete', 'hold', 'request-list', 'info', 'erase', 'config-validate', 'launcher', 'request', 'cleanup']));
    // The simulated clouds' commands live in the demo package (packages/demo), not in a production install.
    expect(names).not.toContain('simulator');
    expect(names).not.toContain('demo');
  });

  it.each(names)('%s --help prints its usage on stdout and exits 0', async (name) => {
    const { code, stdout, stderr } = await cloudpool([name, '--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`Usage: cloudpool ${name}`);
    expect(stdout).toContain('-c, --config <path>');
    if (name !== 'launcher') expect(stdout).toContain('--json');
  });

  it('reports an unknown command or option on one line with exit code 1', async () => {
    expect(await cloudpool(['frobnicate'])).toEqual({ code: 1, stdout: '', stderr: "cloudpool: unknown command 'frobnicate' (see --help)\n" });
    expect(await cloudpool(['list', '--bogus'])).toEqual({ code: 1, stdout: '', stderr: "cloudpool: unknown option '--bogus' (see --help)\n" });
  });
});
