import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';

/** Extra certificate authorities to trust: PEM text, or a PEM file (the provider's `ca-file`). */
export interface ExtraCa {
  ca?: string;
  caFile?: string;
}

/**
 * The CA bundle (PEM) for the SDK clients and the credential: Node's root CAs followed by the
 * extra ones, or undefined when there are none, so the defaults apply untouched. A `ca` TLS
 * option replaces the default roots rather than adding to them, hence the roots are repeated.
 * A `ca-file` that cannot be read is an error naming the file, never its contents.
 */
export async function trustedCaBundle(extra: ExtraCa): Promise<string | undefined> {
  const pems = extra.ca === undefined ? [] : [extra.ca];
  if (extra.caFile !== undefined) pems.push(await readCaFile(extra.caFile));
  if (pems.length === 0) return undefined;
  return [...rootCertificates, ...pems].join('\n');
}

async function readCaFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`azure: cannot read ca-file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`azure: ca-file ${path} holds no PEM certificate`);
  return text;
}
