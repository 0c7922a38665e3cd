import { parentPort } from 'node:worker_threads';
import { renderDocumentPdf, type RenderInput } from './document-layout.js';

/**
 * The render thread (pdf-previews.ts): lays out a document's PDF off the app's event loop, so a long document
 * (~5 s of CPU for 177,000 characters) does not hold up every other request of the process.
 */
parentPort!.on('message', (msg: { id: number; input: RenderInput }) => {
  renderDocumentPdf(msg.input).then(
    (r) => parentPort!.postMessage({ id: msg.id, pdf: r.pdf }),
    (e: Error) => parentPort!.postMessage({ id: msg.id, error: e.message }),
  );
});
