// Configuration files for the queue tests, read by the real configuration loader.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../main/config/index.js';
import type { Config } from '../../../main/config/types.js';

export const THREE_MODES = (ports: { ad: number; hybrid: number; cloud: number }, defaultQueue?: string): string => `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <LPMServerlessADSettings>
    <CaptureSettings><LoopbackPort>${ports.ad}</LoopbackPort></CaptureSettings>
    <ReleaseSettings><EsfListenerPort>9443</EsfListenerPort></ReleaseSettings>
    <ServerSettings><ServiceAccountUserName>svc-print</ServiceAccountUserName></ServerSettings>
  </LPMServerlessADSettings>
  <LPMServerlessSettings>
    <CaptureSettings><LoopbackPort>${ports.hybrid}</LoopbackPort></CaptureSettings>
    <ReleaseSettings><EsfListenerPort>9444</EsfListenerPort></ReleaseSettings>
    <ServerSettings><ServerIP>print.example.com/api</ServerIP></ServerSettings>
    <ServerAPISettings><APIVersion>3.0</APIVersion><IDPServerSettings><ServerIP>idp.example.com</ServerIP></IDPServerSettings></ServerAPISettings>
  </LPMServerlessSettings>
  <LPMServerSettings>
    <CaptureSettings><LoopbackPort>${ports.cloud}</LoopbackPort></CaptureSettings>
    <ServerSettings><ServerIP>print.example.com/api</ServerIP></ServerSettings>
    <IDPServerSettings><ServerIP>idp.example.com</ServerIP></IDPServerSettings>
    <APIVersion>3.0</APIVersion>
  </LPMServerSettings>
  ${defaultQueue === undefined ? '' : `<DefaultPrintQueue><DefaultQueue>${defaultQueue}</DefaultQueue></DefaultPrintQueue>`}
</Configuration>
`;

export const AD_ONLY = (port: number, defaultQueue?: string): string => `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <LPMServerlessADSettings>
    <CaptureSettings><LoopbackPort>${port}</LoopbackPort></CaptureSettings>
    <ServerSettings><ServiceAccountUserName>svc-print</ServiceAccountUserName></ServerSettings>
  </LPMServerlessADSettings>
  ${defaultQueue === undefined ? '' : `<DefaultPrintQueue><DefaultQueue>${defaultQueue}</DefaultQueue></DefaultPrintQueue>`}
</Configuration>
`;

export async function configFrom(dir: string, xml: string, name = 'configuration.xml'): Promise<Config> {
  const file = join(dir, name);
  await writeFile(file, xml);
  return loadConfig({ configPath: file, dataDir: join(dir, 'data'), env: {} });
}
