import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  PDFHexString,
} from 'pdf-lib';

/**
 * What changed in a PDF after a signature, and whether a strict validator accepts it. The rules follow the
 * principle of pyHanko's diff policy (whitelisting: every changed or new object must be explained by an allowed
 * kind of change, anything else is "other") within DocMDP's permission levels (ISO 32000-1 §12.8.2.2, ETSI
 * EN 319 142-1 §5.4): after any signature, long-term validation data (a /DSS dictionary and its streams) and
 * document time-stamps are allowed; with P ≥ 2 (or no certification) new signature fields and their signatures,
 * and filling existing form fields (their /V and appearance); nothing else — in particular no new annotation,
 * no change of a page's content, no removed object.
 */
export type ChangeKind =
  | 'dss'
  | 'document-timestamp'
  | 'signature-field'
  | 'form-fill'
  | 'info'
  | 'annotation'
  | 'page-content'
  | 'catalog'
  | 'form'
  | 'object';

export interface ModificationChange {
  kind: ChangeKind;
  allowed: boolean;
  detail: string;
}

export type ModificationLevel = 'none' | 'lta-updates' | 'form-filling' | 'other';

export interface ModificationReport {
  level: ModificationLevel;
  allowed: boolean;
  changes: ModificationChange[];
}

const N = (s: string) => PDFName.of(s);
const key = (r: PDFRef) => `${r.objectNumber} ${r.generationNumber}`;

function serial(o: PDFObject | undefined): string {
  if (o === undefined) return '';
  if (o instanceof PDFRawStream) return `${o.dict.toString()}|${Buffer.from(o.contents).toString('latin1')}`;
  if (o instanceof PDFStream) return `${o.dict.toString()}|${Buffer.from(o.getContents()).toString('latin1')}`;
  return o.toString();
}

function dictOf(o: PDFObject | undefined): PDFDict | undefined {
  if (o instanceof PDFDict) return o;
  if (o instanceof PDFStream) return o.dict;
  return undefined;
}

/** Refs directly inside an object (not following them). */
function refsIn(o: PDFObject | undefined, out: PDFRef[] = []): PDFRef[] {
  if (o instanceof PDFRef) out.push(o);
  else if (o instanceof PDFArray) for (const v of o.asArray()) refsIn(v, out);
  else if (o instanceof PDFDict) for (const [, v] of o.entries()) refsIn(v, out);
  else if (o instanceof PDFStream) refsIn(o.dict, out);
  return out;
}

/** Keys whose values differ between two dictionaries. */
function changedKeys(a: PDFDict | undefined, b: PDFDict): string[] {
  const keys = new Set<string>();
  for (const [k] of b.entries()) keys.add(k.asString());
  if (a) for (const [k] of a.entries()) keys.add(k.asString());
  return [...keys].filter((k) => serial(a?.get(N(k.slice(1)))) !== serial(b.get(N(k.slice(1)))));
}

const textOf = (v: PDFObject | undefined) =>
  v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : null;

export async function loadRevision(pdf: Buffer): Promise<PDFDocument | null> {
  try {
    return await PDFDocument.load(pdf, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false });
  } catch {
    return null;
  }
}

/**
 * Compares the revision a signature covers (`signedEnd`: the end of its byte range) with the whole file.
 * `docMdp`: the permission of the document's certification signature, if any.
 */
export async function analyzeModifications(
  pdf: Buffer,
  signedEnd: number,
  after: PDFDocument | null,
  docMdp: number | null,
): Promise<ModificationReport> {
  let end = signedEnd;
  while (end < pdf.length && (pdf[end] === 0x0a || pdf[end] === 0x0d)) end++;
  if (end >= pdf.length) return { level: 'none', allowed: true, changes: [] };
  const before = await loadRevision(pdf.subarray(0, end));
  if (!before || !after)
    return { level: 'other', allowed: false, changes: [{ kind: 'object', allowed: false, detail: 'unreadable PDF' }] };
  const lookup = (doc: PDFDocument, r: PDFRef) => doc.context.lookup(r);
  const changed = new Map<string, { ref: PDFRef; old: PDFObject | undefined; now: PDFObject }>();
  for (const [ref, obj] of after.context.enumerateIndirectObjects()) {
    const old = lookup(before, ref);
    if (dictOf(obj)?.get(N('Type')) === N('XRef') || dictOf(obj)?.get(N('Type')) === N('ObjStm')) continue;
    if (old === undefined || serial(old) !== serial(obj)) changed.set(key(ref), { ref, old, now: obj });
  }
  const changes: ModificationChange[] = [];
  const explained = new Set<string>();
  const fillAllowed = docMdp === null || docMdp >= 2;
  const catalogRef = after.context.trailerInfo.Root as PDFRef;
  const infoRef = after.context.trailerInfo.Info as PDFRef | undefined;
  const pageRefs = after.getPages().map((p) => p.ref);
  const formRef = after.catalog.get(N('AcroForm'));
  // Structural objects are judged by their own rules, never explained by what points at them (a widget's /P).
  const structural = new Set([catalogRef, ...pageRefs, ...(formRef instanceof PDFRef ? [formRef] : [])].map(key));
  /** Marks the new or changed objects reachable from `o` as part of an explained change. */
  const explain = (o: PDFObject | undefined, seen = new Set<string>()) => {
    for (const r of refsIn(o)) {
      const k = key(r);
      if (seen.has(k) || !changed.has(k) || structural.has(k)) continue;
      seen.add(k);
      explained.add(k);
      explain(lookup(after, r), seen);
    }
  };
  const isSigField = (d: PDFDict | undefined): boolean =>
    !!d && (d.get(N('FT')) === N('Sig') || isSigField(dictOf(d.lookup(N('Parent')))));

  // Pages: only /Annots may change, and only by adding widgets of new signature fields.
  for (const [i, pref] of pageRefs.entries()) {
    const c = changed.get(key(pref));
    const annotsRef = after.getPages()[i].node.get(N('Annots'));
    const annotsChanged = annotsRef instanceof PDFRef && changed.has(key(annotsRef));
    if (!c && !annotsChanged) continue;
    if (c) {
      explained.add(key(pref));
      if (!c.old) {
        changes.push({ kind: 'page-content', allowed: false, detail: `page ${i + 1} added` });
        continue;
      }
      for (const k of changedKeys(dictOf(c.old), dictOf(c.now)!))
        if (k !== '/Annots')
          changes.push({ kind: 'page-content', allowed: false, detail: `page ${i + 1}: ${k} changed` });
    }
    if (annotsRef instanceof PDFRef) explained.add(key(annotsRef));
    const oldPage = dictOf(lookup(before, pref));
    const oldAnnots = (oldPage?.lookupMaybe(N('Annots'), PDFArray)?.asArray() ?? []).map((r) => String(r));
    const nowAnnots = after.getPages()[i].node.lookupMaybe(N('Annots'), PDFArray)?.asArray() ?? [];
    for (const old of oldAnnots)
      if (!nowAnnots.some((a) => String(a) === old))
        changes.push({ kind: 'annotation', allowed: false, detail: `page ${i + 1}: annotation ${old} removed` });
    for (const a of nowAnnots) {
      if (oldAnnots.includes(String(a))) continue;
      const d = dictOf(a instanceof PDFRef ? lookup(after, a) : a);
      if (isSigField(d) && lookup(before, a as PDFRef) === undefined) {
        if (dictOf(d!.lookup(N('V')))?.get(N('Type')) === N('DocTimeStamp'))
          changes.push({ kind: 'document-timestamp', allowed: true, detail: 'document time-stamp added' });
        else
          changes.push({
            kind: 'signature-field',
            allowed: fillAllowed,
            detail: `page ${i + 1}: signature field added`,
          });
        explain(a);
        if (a instanceof PDFRef) explained.add(key(a));
      } else
        changes.push({
          kind: 'annotation',
          allowed: false,
          detail: `page ${i + 1}: ${d?.get(N('Subtype'))?.toString() ?? 'annotation'} annotation added`,
        });
    }
  }

  // The catalog: a new or updated /DSS and /AcroForm are the only changes allowed.
  const cat = changed.get(key(catalogRef));
  if (cat) {
    explained.add(key(catalogRef));
    for (const k of changedKeys(dictOf(cat.old), dictOf(cat.now)!)) {
      if (k === '/DSS') {
        changes.push({ kind: 'dss', allowed: true, detail: 'validation data (DSS) added' });
        explain(dictOf(cat.now)!.get(N('DSS')));
        const dss = dictOf(cat.now)!.get(N('DSS'));
        if (dss instanceof PDFRef) explained.add(key(dss));
      } else if (k === '/AcroForm' && !(cat.old && dictOf(cat.old)!.get(N('AcroForm')))) {
        changes.push({ kind: 'form', allowed: fillAllowed, detail: 'form created for a signature field' });
        explained.add(key(formRef as PDFRef));
      } else changes.push({ kind: 'catalog', allowed: false, detail: `document catalog: ${k} changed` });
    }
  }
  // A DSS dictionary updated in place.
  const dssRef = after.catalog.get(N('DSS'));
  if (dssRef instanceof PDFRef && changed.has(key(dssRef)) && !explained.has(key(dssRef))) {
    explained.add(key(dssRef));
    explain(lookup(after, dssRef));
    changes.push({ kind: 'dss', allowed: true, detail: 'validation data (DSS) updated' });
  }

  // The form: /Fields may gain signature fields; /SigFlags and the default resources may be set.
  if (formRef instanceof PDFRef && changed.has(key(formRef))) {
    const f = changed.get(key(formRef))!;
    explained.add(key(formRef));
    for (const k of changedKeys(dictOf(f.old), dictOf(f.now)!)) {
      if (k === '/SigFlags') continue;
      if (k !== '/Fields') {
        changes.push({ kind: 'form', allowed: !f.old && fillAllowed, detail: `form: ${k} changed` });
        continue;
      }
      const oldFields = (dictOf(f.old)?.lookupMaybe(N('Fields'), PDFArray)?.asArray() ?? []).map(String);
      for (const r of dictOf(f.now)!.lookupMaybe(N('Fields'), PDFArray)?.asArray() ?? []) {
        if (oldFields.includes(String(r))) continue;
        const d = dictOf(r instanceof PDFRef ? lookup(after, r) : r);
        if (isSigField(d)) explain(r);
        else changes.push({ kind: 'form', allowed: false, detail: 'a form field other than a signature was added' });
      }
    }
  }

  // Existing fields: filled (/V, appearance) — form filling; a signature field gets its signature.
  for (const [k, c] of changed) {
    if (explained.has(k) || !c.old) continue;
    const d = dictOf(c.now);
    if (!d || !(d.get(N('FT')) || d.get(N('Parent')))) continue;
    const keys = changedKeys(dictOf(c.old), d);
    const fill = keys.every((x) => ['/V', '/AP', '/AS', '/M'].includes(x));
    const name = textOf(d.get(N('T'))) ?? k;
    explained.add(k);
    changes.push({
      kind: 'form-fill',
      allowed: fill && fillAllowed,
      detail: fill ? `form field "${name}" filled` : `form field "${name}": ${keys.join(', ')} changed`,
    });
    explain(d.get(N('V')));
    explain(d.get(N('AP')));
  }

  if (infoRef && changed.has(key(infoRef))) {
    explained.add(key(infoRef));
    changes.push({ kind: 'info', allowed: true, detail: 'document information dictionary updated' });
  }

  // Whatever is left: changed objects, and new objects the document reaches, that no allowed change explains.
  const reachable = new Set<string>();
  const walk = (o: PDFObject | undefined) => {
    for (const r of refsIn(o)) {
      const k = key(r);
      if (reachable.has(k)) continue;
      reachable.add(k);
      walk(lookup(after, r));
    }
  };
  walk(catalogRef);
  for (const [k, c] of changed) {
    if (explained.has(k)) continue;
    if (!c.old && !reachable.has(k)) continue; // an unused new object changes nothing that is shown
    const type = dictOf(c.now)?.get(N('Type'))?.toString() ?? dictOf(c.now)?.get(N('Subtype'))?.toString() ?? '';
    changes.push({
      kind: 'object',
      allowed: false,
      detail: `object ${k}${type ? ` (${type})` : ''} ${c.old ? 'changed' : 'added'}`,
    });
  }
  const allowed = changes.every((c) => c.allowed);
  const level: ModificationLevel = !changes.length
    ? 'none'
    : !allowed
      ? 'other'
      : changes.every((c) => ['dss', 'info', 'document-timestamp'].includes(c.kind))
        ? 'lta-updates'
        : 'form-filling';
  return { level, allowed, changes };
}

/** The DocMDP permission (P) of the document's certification signature, if it has one. */
export function docMdpPermission(doc: PDFDocument | null): number | null {
  const perms = doc?.catalog.lookupMaybe(N('Perms'), PDFDict);
  const sig = perms?.lookupMaybe(N('DocMDP'), PDFDict);
  for (const ref of sig?.lookupMaybe(N('Reference'), PDFArray)?.asArray() ?? []) {
    const r = dictOf(ref instanceof PDFRef ? doc!.context.lookup(ref) : ref);
    if (r?.get(N('TransformMethod')) !== N('DocMDP')) continue;
    const p = r.lookupMaybe(N('TransformParams'), PDFDict)?.get(N('P'));
    return p instanceof PDFNumber ? p.asNumber() : 2;
  }
  return null;
}
