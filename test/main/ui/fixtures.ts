// UiState builders for the tray and notification tests.

import type { UiState } from '../../../main/ui/ui-state.js';
import { NO_JOBS } from '../../../main/ui/ui-state.js';

export function uiState(over: Partial<Omit<UiState, 'jobs'>> & { jobs?: Partial<UiState['jobs']> } = {}): UiState {
  return {
    engine: 'running',
    signInAvailable: true,
    session: { user: 'alice@example.com', state: 'signed-in' },
    problem: null,
    lateBindingEnabled: false,
    ...over,
    jobs: { ...NO_JOBS, ...over.jobs },
  };
}
