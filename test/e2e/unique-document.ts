// Test PDFs that differ in what they draw, not only in their metadata: page 1 carries a
// marker line. Every CUPS filter (ghostscript to PostScript or PCL XL) then produces
// different bytes per job, so the sha256 of what passed a proxy names exactly one stored
// job even when several queues print the same kind of document at the same time.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gsConvert, inkCoverage, isColourPage, pdfPageCount, postScriptText, psString, type DocSpec } from '../helpers/documents.js';

export interface UniqueDocument {
  readonly path: string;
  readonly spec: DocSpec;
  /** Reference readings of the file made: pdfinfo's page count, ghostscript's ink coverage. */
  readonly pages: number;
  readonly hasColour: boolean;
}

export async function makeUniquePdf(dir: string, name: string, spec: DocSpec & { marker: string }): Promise<UniqueDocument> {
  const firstPage = `(Page 1 of ${spec.pages}) show`;
  const base = postScriptText(spec);
  if (!base.includes(firstPage)) throw new Error('postScriptText changed: cannot place the marker');
  const ps = base.replace(firstPage, `${firstPage}\n0 setgray 12 F 72 720 moveto ${psString(spec.marker)} show`);
  const src = join(dir, `${name}.src.ps`);
  const mark = join(dir, `${name}.pdfmark.ps`);
  await writeFile(src, ps, 'latin1');
  await writeFile(mark, spec.title !== undefined ? `[ /Title ${psString(spec.title)} /DOCINFO pdfmark\n` : '\n', 'latin1');
  const path = join(dir, name);
  try {
    // The pdfmark file last: its DOCINFO wins over the one pdfwrite makes from %%Title.
    await gsConvert(mark, 'pdfwrite', path, [src]);
  } finally {
    await rm(src, { force: true });
    await rm(mark, { force: true });
  }
  const [pages, ink] = await Promise.all([pdfPageCount(path), inkCoverage(path)]);
  return { path, spec, pages, hasColour: ink.some(isColourPage) };
}
