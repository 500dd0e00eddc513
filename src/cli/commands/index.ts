import type { Command } from 'commander';
import { registerAdminCommands } from './admin.js';
import { registerApiCommands } from './api.js';
import { registerDemoCommand } from './demo.js';
import { registerDirectoryCommands } from './directory.js';
import { registerEmulatorCommand } from './emulator.js';
import { registerGraphCommands } from './graph.js';
import { registerOrgCommands } from './org.js';
import { registerPolicyCommands } from './policy.js';
import { registerScimCommands } from './scim.js';
import { registerServeCommand } from './serve.js';
import { registerSyncCommands } from './sync.js';

/** Every `roster` sub-command, one module per area. Add a line here for a new area. */
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerOrgCommands(program);
  registerScimCommands(program);
  registerDirectoryCommands(program);
  registerGraphCommands(program);
  registerSyncCommands(program);
  registerEmulatorCommand(program);
  registerPolicyCommands(program);
  registerAdminCommands(program);
  registerDemoCommand(program);
  registerApiCommands(program);
}
