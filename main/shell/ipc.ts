// ipcMain as the IPC wrapper's port: the wrapper sees the sender's id and its frame's
// URL and parent, nothing else of Electron.

import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import type { InvokeEventLike, IpcMainPort } from '../ui/ipc-handlers.js';

function describe(event: IpcMainInvokeEvent): InvokeEventLike {
  let frame: InvokeEventLike['senderFrame'] = null;
  try {
    const f = event.senderFrame;
    frame = f ? { url: f.url, parent: f.parent } : null;
  } catch {
    // A frame destroyed mid-call throws on access: treated as gone.
    frame = null;
  }
  return { sender: { id: event.sender.id }, senderFrame: frame };
}

export function electronIpcPort(): IpcMainPort {
  return {
    handle: (channel, listener) => ipcMain.handle(channel, (event, ...args: unknown[]) => listener(describe(event), ...args)),
    removeHandler: (channel) => ipcMain.removeHandler(channel),
  };
}
