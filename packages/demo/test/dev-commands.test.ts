import { createProgram } from '@cloudpool/launcher/cli';
import { describe, expect, it } from 'vitest';
import { testIo } from '../../launcher/test/cli/cli-test-kit.js';
import { DEV_COMMANDS } from '../src/dev-commands.js';

describe('the cloudpool of a development checkout', () => {
  it("has every launcher command, then simulator and demo, each with its usage", async () => {
    const { io } = testIo();
    const launcherNames = createProgram(io).commands.map((command) => command.name());
    const names = createProgram(io, DEV_COMMANDS).commands.map((command) => command.name());
    expect(names).toEqual([...launcherNames, 'simulator', 'demo']);
    const program = createProgram(io, DEV_COMMANDS);
    for (const name of ['simulator', 'demo']) {
      const help = program.commands.find((command) => command.name() === name)!.helpInformation();
      expect(help).toContain(`Usage: cloudpool ${name}`);
      expect(help).toContain('--json');
    }
  });
});
