// The durable file moves now live in main/util/durable-fs.ts; this path stays so that
// modules still importing it (main/cloud, main/cloud-server) keep compiling. New code
// imports ../util/durable-fs.js.

export {
  TEMP_PREFIX, errnoCode, fsyncDir, isDiskFull, mkdirDurable, removeFileDurable, tempName, writeFileDurable,
} from '../util/durable-fs.js';
