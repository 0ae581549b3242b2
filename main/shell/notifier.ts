// Shows the notices decided in main/ui/notifications.ts. Each Notification is kept
// referenced until closed: a collected one loses its click handler on Windows.

import { Notification } from 'electron';
import type { Notice } from '../ui/notifications.js';

export class Notifier {
  readonly #live = new Set<Notification>();
  readonly #onClick: (n: Notice) => void;

  constructor(onClick: (n: Notice) => void) {
    this.#onClick = onClick;
  }

  show(n: Notice): void {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body });
    this.#live.add(note);
    note.on('click', () => this.#onClick(n));
    note.on('close', () => this.#live.delete(note));
    note.show();
  }
}
