import assert from 'node:assert/strict';
import { client, pool } from './child-server.js';

/** Creates `n` outgoing documents of Sở Nội vụ drafted by snv.cv for its director to sign; returns their ids. */
export async function createOutgoingDocuments(
  api: ReturnType<typeof client>,
  n: number,
  subject: (i: number) => string,
): Promise<string[]> {
  const signerId = (await api.call('GET', '/api/auth/me', { as: 'snv.giamdoc' })).body.id;
  const docs: string[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    8,
    async (i) => {
      const res = await api.call('POST', '/api/documents/outgoing', {
        as: 'snv.cv',
        body: { typeCode: 'CV', subject: subject(i), signerId },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      docs.push(res.body.id);
    },
  );
  return docs;
}
