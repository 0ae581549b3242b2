// The About window: version, whether print capture runs, the queues and ports, and
// where the configuration, data and log live (what support asks for first).

import type { MessageKey } from '../main/ui/i18n/translate.js';
import { asCallError, bridge } from './bridge.js';
import { localisePage } from './page-i18n.js';

const tr = localisePage();
const api = bridge();
const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

async function show(): Promise<void> {
  try {
    const a = await api.about();
    $('version').textContent = a.version;
    $('engine').textContent = tr.t(`about.engine.${a.engine}` as MessageKey);
    $('queues').replaceChildren(...a.queues.map((q) => {
      const li = document.createElement('li');
      li.textContent = tr.t('about.queue', { queue: q.queue, port: q.port });
      return li;
    }));
    $('config').textContent = a.configFile ?? tr.t('about.config.none');
    $('data-dir').textContent = a.dataDir;
    $('log-file').textContent = a.logFile;
    $('runtime').textContent = Object.entries(a.runtime).map(([k, v]) => `${k} ${v}`).join(', ');
    $('facts').setAttribute('aria-busy', 'false');
  } catch (err) {
    const e = asCallError(err);
    $('error').textContent = tr.error(e.code, e.message);
  }
}

$('close').addEventListener('click', () => window.close());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') window.close();
});
api.onStateChanged(() => {
  void show();
});
void show();
