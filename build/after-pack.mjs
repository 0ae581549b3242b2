// electron-builder afterPack hook: flips Electron's fuses in the packed binary before it
// is signed (STYLE: Mattermost's scripts/afterpack.js). The app cannot be turned into a
// plain Node (RunAsNode), NODE_OPTIONS and --inspect are ignored, and only the app.asar
// is loaded, so nobody can run other code with the app's identity and permissions.

import { join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';

/** electron-builder's Arch enum values. */
const ARCH_ARM64 = 3;
const ARCH_UNIVERSAL = 4;

export const FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** Where the Electron binary carrying the fuse wire is, per platform. */
export function electronBinaryOf(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${productFilename}.exe`);
    case 'linux':
      return join(appOutDir, packager.executableName);
    default:
      throw new Error(`afterPack: unknown platform ${electronPlatformName}`);
  }
}

export async function afterPack(context) {
  const binary = electronBinaryOf(context);
  const darwin = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // Flipping invalidates the ad-hoc signature Apple silicon requires; signing comes later.
    resetAdHocDarwinSignature: darwin && (context.arch === ARCH_ARM64 || context.arch === ARCH_UNIVERSAL),
    ...FUSES,
  });
}
