import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of xmllint (libxml2-utils) when installed: scripts/test.mjs sets HOSO_XMLLINT, and fails under CI without it. */
export const XMLLINT = process.env.HOSO_XMLLINT;

/** Validates `xml` against `xsd` with libxml2's xmllint; returns '' when valid, else xmllint's complaint. */
export function validateXml(xml: string | Buffer, xsd: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-xsd-'));
  try {
    writeFileSync(join(dir, 'schema.xsd'), xsd);
    writeFileSync(join(dir, 'doc.xml'), xml);
    execFileSync(XMLLINT!, ['--noout', '--schema', join(dir, 'schema.xsd'), join(dir, 'doc.xml')], {
      stdio: 'pipe',
    });
    return '';
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
