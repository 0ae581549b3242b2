#!/usr/bin/env node
// Entry point of the `pullprint` command.

import { runCli } from './program.js';
import { processIo } from './output.js';

const stopSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });

const code = await runCli(process.argv.slice(2), { io: processIo, env: process.env, stopSignal });
process.exitCode = code;
