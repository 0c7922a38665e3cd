import { createHash } from 'node:crypto';
import { child, children, escapeXml, parseStrictXml, textAt, XmlRefused, type XmlNode } from './strict-xml.js';

/**
 * edXML packages of QCVN 102:2016/BTTTT (amended by Circular 01/2022/TT-BTTTT): the envelope of a document
 * (MessageHeader, TraceHeaderList with the business document type, a manifest referencing the attachments by
 * `cid:`) and the status package. No official XSD was available here: the element names follow the structure
 * used by public open-source implementations (shared/research-notes.md); children carry the `edXML:` prefix
 * because the national axis is reported to refuse unprefixed children.
 */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

/** BussinessDocType: 0 new, 1 recall (thu hồi), 2 update (cập nhật), 3 replace (thay thế). */
export const BUSINESS_DOC_TYPES = { new: 0, recall: 1, update: 2, replace: 3 } as const;
export type BusinessKind = keyof typeof BUSINESS_DOC_TYPES;
const KIND_OF = ['new', 'recall', 'update', 'replace'] as const;

/**
 * Status codes of the status package: 01 arrived, 02 refused on receipt / returned, 03 registered, 04 directed
 * by the leader, 05 being handled, 06 done, 13 asked to take back, 15 recall/update agreed, 16 refused.
 */
export const STATUS_CODES = ['01', '02', '03', '04', '05', '06', '13', '15', '16'] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export interface Organ {
  organId: string;
  organName: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  email?: string;
  mobile?: string;
}

export interface EdocHeader {
  from: Organ;
  to: Organ[];
  /** `OrganId,yyyy/MM/dd,number/notation` */
  documentId: string;
  codeNumber: string;
  codeNotation: string;
  place: string;
  /** yyyy-MM-dd */
  promulgationDate: string;
  typeCode: string;
  typeName: string;
  subject: string;
  content: string;
  signerCompetence: string;
  signerPosition: string;
  signerName: string;
  /** yyyy-MM-dd or '' */
  dueDate: string;
  toPlaces: string[];
  /** 0 normal … 4 flash (Priority of OtherInfo) */
  priority: number;
  steeringType: number;
  promulgationAmount: number;
  pageAmount: number;
}

export interface Attachment {
  contentId: string;
  contentType: string;
  name: string;
  description: string;
  data: Buffer;
  /** The manifest carried a digest and it matched (set by the parser). */
  digestChecked?: boolean;
}

export interface Edoc {
  header: EdocHeader;
  trace: { organId: string; timestamp: string }[];
  business: { kind: BusinessKind; reason: string; paper: boolean; staff: StaffInfo };
  attachments: Attachment[];
}

export interface StatusPackage {
  responseFor: { organId: string; code: string; promulgationDate: string; documentId: string };
  from: Organ;
  statusCode: StatusCode;
  description: string;
  /** ISO 8601 */
  timestamp: string;
  staff: StaffInfo;
}

export type Package = { kind: 'edoc'; edoc: Edoc } | { kind: 'status'; status: StatusPackage };

export class EdxmlRefused extends Error {
  constructor(
    public readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

export const makeDocumentId = (organId: string, date: string, notation: string) =>
  `${organId},${date.replace(/-/g, '/')},${notation}`;

// ---- building -------------------------------------------------------------------------------------------

const el = (name: string, value: string | number | undefined | null) =>
  `<edXML:${name}>${escapeXml(String(value ?? ''))}</edXML:${name}>`;
const group = (name: string, inner: string[], attrs = '') => `<edXML:${name}${attrs}>${inner.join('')}</edXML:${name}>`;
const organ = (name: string, o: Organ) =>
  group(name, [
    el('OrganId', o.organId),
    el('OrganName', o.organName),
    el('OrganAdd', o.organAdd),
    el('Email', o.email),
    el('Telephone', o.telephone),
  ]);
const staff = (s: StaffInfo) =>
  group('StaffInfo', [
    el('Department', s.department),
    el('Staff', s.staff),
    el('Mobile', s.mobile),
    el('Email', s.email),
  ]);

export const sha256hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The envelope of a document with its attachments (base64), ready to send. */
export function buildEdoc(e: Edoc): Buffer {
  const h = e.header;
  const header = group('MessageHeader', [
    organ('From', h.from),
    ...h.to.map((t) => organ('To', t)),
    el('DocumentId', h.documentId),
    group('Code', [el('CodeNumber', h.codeNumber), el('CodeNotation', h.codeNotation)]),
    group('PromulgationInfo', [el('Place', h.place), el('PromulgationDate', h.promulgationDate.replace(/-/g, '/'))]),
    group('DocumentType', [el('Type', h.typeCode), el('TypeName', h.typeName)]),
    el('Subject', h.subject),
    el('Content', h.content),
    group('SignerInfo', [
      el('Competence', h.signerCompetence),
      el('Position', h.signerPosition),
      el('FullName', h.signerName),
    ]),
    el('DueDate', h.dueDate.replace(/-/g, '/')),
    group(
      'ToPlaces',
      h.toPlaces.map((p) => el('Place', p)),
    ),
    group('OtherInfo', [
      el('Priority', h.priority),
      el('SphereOfPromulgation', ''),
      el('TyperNotation', ''),
      el('PromulgationAmount', h.promulgationAmount),
      el('PageAmount', h.pageAmount),
    ]),
    el('SteeringType', h.steeringType),
  ]);
  const trace = group('TraceHeaderList', [
    ...e.trace.map((t) => group('TraceHeader', [el('OrganId', t.organId), el('Timestamp', t.timestamp)])),
    group('Bussiness', [
      el('BussinessDocType', BUSINESS_DOC_TYPES[e.business.kind]),
      el('BussinessDocReason', e.business.reason),
      el('Paper', e.business.paper ? 1 : 0),
      staff(e.business.staff),
    ]),
  ]);
  const manifest = group(
    'edXMLManifest',
    e.attachments.map((a) =>
      group(
        'Reference',
        [
          el('ContentId', `cid:${a.contentId}`),
          el('ContentType', a.contentType),
          el('AttachmentName', a.name),
          el('Description', a.description),
          el('Size', a.data.length),
          `<edXML:Digest algorithm="sha256">${sha256hex(a.data)}</edXML:Digest>`,
        ],
        ` xlink:href="cid:${escapeXml(a.contentId)}"`,
      ),
    ),
    ' version="1.0"',
  );
  const attachments = group(
    'AttachmentEncoded',
    e.attachments.map((a) =>
      group('Attachment', [
        el('ContentId', a.contentId),
        el('ContentType', a.contentType),
        el('AttachmentName', a.name),
        `<edXML:ContentTransferEncoded>${a.data.toString('base64')}</edXML:ContentTransferEncoded>`,
      ]),
    ),
  );
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}" xmlns:xlink="http://www.w3.org/1999/xlink">` +
      group('edXMLHeader', [header, trace]) +
      group('edXMLBody', [manifest]) +
      attachments +
      '</edXML:edXMLEnvelope>',
    'utf8',
  );
}

export function buildStatus(s: StatusPackage): Buffer {
  const status = group('Status', [
    group('ResponseFor', [
      el('OrganId', s.responseFor.organId),
      el('Code', s.responseFor.code),
      el('PromulgationDate', s.responseFor.promulgationDate.replace(/-/g, '/')),
      el('DocumentId', s.responseFor.documentId),
    ]),
    organ('From', s.from),
    el('StatusCode', s.statusCode),
    el('Description', s.description),
    el('Timestamp', s.timestamp),
    staff(s.staff),
  ]);
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NS}">` +
      group('edXMLHeader', [status]) +
      group('edXMLBody', []) +
      '</edXML:edXMLEnvelope>',
    'utf8',
  );
}

// ---- parsing --------------------------------------------------------------------------------------------

const ORGAN_ID = /^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/;
const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;
const date = (s: string) => (s ? s.replace(/\//g, '-') : '');
const int = (s: string, d = 0) => (/^\d{1,9}$/.test(s) ? Number(s) : d);

function readOrgan(n: XmlNode | null, what: string): Organ {
  const organId = textAt(n, 'OrganId');
  if (!ORGAN_ID.test(organId))
    throw new EdxmlRefused('bad-organ', `${what}: OrganId "${organId}" is not a QCVN 102 code`);
  return {
    organId,
    organName: textAt(n, 'OrganName'),
    organAdd: textAt(n, 'OrganAdd'),
    email: textAt(n, 'Email'),
    telephone: textAt(n, 'Telephone'),
  };
}

const readStaff = (n: XmlNode | null): StaffInfo => ({
  department: textAt(n, 'Department'),
  staff: textAt(n, 'Staff'),
  mobile: textAt(n, 'Mobile'),
  email: textAt(n, 'Email'),
});

/** Parses either package, strictly (see parseStrictXml), checking every attachment against its manifest digest. */
export function parsePackage(bytes: Buffer, maxBytes: number): Package {
  let root: XmlNode;
  try {
    root = parseStrictXml(bytes, { maxBytes });
  } catch (e) {
    if (e instanceof XmlRefused) throw new EdxmlRefused(e.reason === 'too-large' ? 'too-large' : 'xml', e.message);
    throw e;
  }
  if (root.name !== 'edXMLEnvelope' || root.uri !== EDXML_NS)
    throw new EdxmlRefused('not-edxml', `root ${root.name} is not an edXML envelope`);
  const header = child(root, 'edXMLHeader');
  if (!header) throw new EdxmlRefused('not-edxml', 'no edXMLHeader');
  const status = child(header, 'Status');
  if (status) return { kind: 'status', status: readStatus(status) };
  return { kind: 'edoc', edoc: readEdoc(root, header) };
}

function readStatus(n: XmlNode): StatusPackage {
  const code = textAt(n, 'StatusCode') as StatusCode;
  if (!STATUS_CODES.includes(code)) throw new EdxmlRefused('bad-status', `unknown StatusCode "${code}"`);
  const rf = child(n, 'ResponseFor');
  const documentId = textAt(rf, 'DocumentId');
  if (!documentId) throw new EdxmlRefused('missing', 'ResponseFor/DocumentId is missing');
  return {
    responseFor: {
      organId: textAt(rf, 'OrganId'),
      code: textAt(rf, 'Code'),
      promulgationDate: date(textAt(rf, 'PromulgationDate')),
      documentId,
    },
    from: readOrgan(child(n, 'From'), 'From'),
    statusCode: code,
    description: textAt(n, 'Description').slice(0, 2000),
    timestamp: textAt(n, 'Timestamp'),
    staff: readStaff(child(n, 'StaffInfo')),
  };
}

function readEdoc(root: XmlNode, header: XmlNode): Edoc {
  const mh = child(header, 'MessageHeader');
  if (!mh) throw new EdxmlRefused('not-edxml', 'no MessageHeader');
  const documentId = textAt(mh, 'DocumentId');
  if (!documentId || documentId.length > 200) throw new EdxmlRefused('missing', 'DocumentId is missing');
  const to = children(mh, 'To').map((t) => readOrgan(t, 'To'));
  if (!to.length) throw new EdxmlRefused('missing', 'no To organ');
  const biz = child(child(header, 'TraceHeaderList'), 'Bussiness');
  const kind = KIND_OF[int(textAt(biz, 'BussinessDocType'), -1)];
  if (!kind) throw new EdxmlRefused('bad-business-type', `BussinessDocType "${textAt(biz, 'BussinessDocType')}"`);
  const subject = textAt(mh, 'Subject');
  if (!subject) throw new EdxmlRefused('missing', 'Subject is missing');
  const refs = children(child(child(root, 'edXMLBody'), 'edXMLManifest'), 'Reference');
  const cid = (s: string) => s.trim().replace(/^cid:/, '').replace(/^<|>$/g, '');
  const encoded = new Map(
    children(child(root, 'AttachmentEncoded'), 'Attachment').map((a) => [
      cid(textAt(a, 'ContentId') || a.attributes.ContentId || a.attributes.id || ''),
      a,
    ]),
  );
  const attachments: Attachment[] = refs.map((r) => {
    const contentId = cid(textAt(r, 'ContentId') || (r.attributes.href ?? ''));
    const a = encoded.get(contentId);
    if (!a) throw new EdxmlRefused('attachment-missing', `no attachment for cid:${contentId}`);
    const b64 = child(a, 'ContentTransferEncoded')?.text ?? '';
    if (!BASE64.test(b64)) throw new EdxmlRefused('attachment-encoding', `cid:${contentId} is not base64`);
    const data = Buffer.from(b64, 'base64');
    const digest = textAt(r, 'Digest').toLowerCase();
    // the digest in the manifest ties the header to the attachment: when present it must match; whether its
    // absence is acceptable is the receiver's policy (required from hoso peers, who always write it)
    if (digest && digest !== sha256hex(data))
      throw new EdxmlRefused('digest', `cid:${contentId}: the attachment does not match its manifest digest`);
    return {
      contentId,
      contentType: textAt(r, 'ContentType') || textAt(a, 'ContentType') || 'application/octet-stream',
      name: (textAt(r, 'AttachmentName') || textAt(a, 'AttachmentName') || contentId).slice(0, 200),
      description: textAt(r, 'Description').slice(0, 500),
      data,
      digestChecked: !!digest,
    };
  });
  return {
    header: {
      from: readOrgan(child(mh, 'From'), 'From'),
      to,
      documentId,
      codeNumber: textAt(mh, 'Code', 'CodeNumber').slice(0, 20),
      codeNotation: textAt(mh, 'Code', 'CodeNotation').slice(0, 80),
      place: textAt(mh, 'PromulgationInfo', 'Place').slice(0, 100),
      promulgationDate: date(textAt(mh, 'PromulgationInfo', 'PromulgationDate')),
      typeCode: textAt(mh, 'DocumentType', 'Type').slice(0, 10),
      typeName: textAt(mh, 'DocumentType', 'TypeName').slice(0, 100),
      subject: subject.slice(0, 500),
      content: textAt(mh, 'Content').slice(0, 5000),
      signerCompetence: textAt(mh, 'SignerInfo', 'Competence').slice(0, 20),
      signerPosition: textAt(mh, 'SignerInfo', 'Position').slice(0, 100),
      signerName: textAt(mh, 'SignerInfo', 'FullName').slice(0, 100),
      dueDate: date(textAt(mh, 'DueDate')),
      toPlaces: children(child(mh, 'ToPlaces'), 'Place').map((p) => p.text.trim().slice(0, 200)),
      priority: int(textAt(mh, 'OtherInfo', 'Priority')),
      steeringType: int(textAt(mh, 'SteeringType')),
      promulgationAmount: int(textAt(mh, 'OtherInfo', 'PromulgationAmount'), 1),
      pageAmount: int(textAt(mh, 'OtherInfo', 'PageAmount')),
    },
    trace: children(child(header, 'TraceHeaderList'), 'TraceHeader').map((t) => ({
      organId: textAt(t, 'OrganId'),
      timestamp: textAt(t, 'Timestamp'),
    })),
    business: {
      kind,
      reason: textAt(biz, 'BussinessDocReason').slice(0, 2000),
      paper: textAt(biz, 'Paper') === '1',
      staff: readStaff(child(biz, 'StaffInfo')),
    },
    attachments,
  };
}
