import type { digitizationVi } from './digitization.vi.js';

/** Digitization (OCR intake) and content search: English strings, spread into en.ts. */
export const digitizationEn: Record<keyof typeof digitizationVi, string> = {
  'nav.search': 'Full-text search',
  'digi.dropScan': 'Drop a PDF or a scanned image (PNG, JPEG, TIFF) here, or click to choose',
  'digi.errScanOnly': 'Only PDF files or PNG, JPEG, TIFF scans are accepted.',
  'digi.ocrOff':
    'Text recognition (OCR) is off on the server: scans are stored, their content becomes searchable once OCR is on.',
  'digi.ocrOn':
    'Scans are recognised (Vietnamese OCR) into a searchable PDF/A; the original is kept as it is. Scan at 200 dpi or more.',
  'digi.title': 'Digitization and content',
  'digi.file': 'File',
  'digi.state': 'State',
  'digi.status.queued': 'Waiting',
  'digi.status.running': 'Processing',
  'digi.status.done': 'Done',
  'digi.status.failed': 'Failed',
  'digi.mode.ocr': 'OCR',
  'digi.mode.extract': 'Text read',
  'digi.mode.pending': '—',
  'digi.pages': '{n} pages',
  'digi.lowDpi': 'Resolution {dpi} dpi, below the 200 dpi the rules ask for',
  'digi.signed': 'Digitally signed: the file is never changed, only its text read',
  'digi.ocrCopy': 'Searchable PDF/A copy',
  'digi.waitingOcr': 'Waiting for OCR to be turned on',
  'digi.retry': 'Process again',
  'search.title': 'Full-text search',
  'search.placeholder': 'Words in the subject or the content, with or without diacritics; "phrase" in quotes',
  'search.help':
    'Every word must be in the subject or on one page; a "quoted phrase" matches in order; đ and d are the same.',
  'search.results': '{n} documents',
  'search.resultsCapped': 'More than {n} documents',
  'search.page': 'Page {n}',
  'search.inSubject': 'Subject matches',
  'search.none': 'No document found.',
  'search.allDirections': 'Outgoing and incoming',
  'search.more': 'More',
};
