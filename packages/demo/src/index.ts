export { DEV_COMMANDS } from './dev-commands.js';
export { demoCommand } from './demo-command.js';
export { registerSimulator } from './simulator-command.js';
export { runDemo } from './run-demo.js';
