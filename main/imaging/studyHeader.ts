import { open } from 'node:fs/promises';
import dicomParser from 'dicom-parser';
import { sniffDicom } from './dicomFile.js';

/**
 * Who and what a local study is about, read from one of its files when the study is opened: the
 * library index keeps no patient names, so these come from the header each time and stay in memory.
 */
export interface StudyHeader {
  readonly patient: { name: string | null; id: string | null; sex: string | null; birthDate: string | null };
  readonly accession: string | null;
}

/** Patient and study tags sit far before the pixel data; this much of the file holds them. */
const HEAD_BYTES = 256 * 1024;

export async function readStudyHeader(file: string): Promise<StudyHeader> {
  const handle = await open(file, 'r');
  let bytes: Uint8Array;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const buffer = new Uint8Array(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const sniffed = sniffDicom(bytes, size);
  if (!sniffed) return { patient: { name: null, id: null, sex: null, birthDate: null }, accession: null };
  const options = sniffed.kind === 'bare' ? { TransferSyntaxUID: sniffed.transferSyntaxUid, untilTag: 'x7fe00010' } : { untilTag: 'x7fe00010' };
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, options);
  } catch (error) {
    // A header longer than HEAD_BYTES: what parsed before the cut is still in the partial data set.
    const partial = (error as { dataSet?: dicomParser.DataSet }).dataSet;
    if (!partial) return { patient: { name: null, id: null, sex: null, birthDate: null }, accession: null };
    ds = partial;
  }
  const tag = (t: string): string | null => ds.string(t)?.trim() || null;
  return {
    patient: { name: tag('x00100010'), id: tag('x00100020'), sex: tag('x00100040'), birthDate: tag('x00100030') },
    accession: tag('x00080050'),
  };
}
