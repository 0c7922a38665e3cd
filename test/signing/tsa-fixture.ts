import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import forge from 'node-forge';
import { buildSignedData } from '../../src/modules/signing/cms.js';
import { generalizedTime, integer, OID, oid, seq } from '../../src/modules/signing/der.js';
import { issueCertificate, parseCertificate } from '../../src/modules/signing/x509.js';

/**
 * A tiny RFC 3161 time-stamping authority: answers a TimeStampReq with a granted token whose TSTInfo echoes
 * the message imprint and nonce. No real TSA is reachable from the test machines.
 */
export interface TestTsa {
  url: string;
  server: Server;
  /** Body sizes of the requests received. */
  requests: number[];
  /** Holds every answer until the returned function is called (a slow TSA). */
  hold(): () => void;
}

export function startTsa(): Promise<TestTsa> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = new Date();
  const cert = parseCertificate(
    issueCertificate({
      subject: { CN: 'Máy chủ cấp dấu thời gian thử nghiệm', O: 'hoso', C: 'VN' },
      publicKey,
      notBefore: new Date(now.getTime() - 3600_000),
      notAfter: new Date(now.getTime() + 24 * 3600_000),
      isCa: false,
      issuerKey: privateKey,
    }),
  );
  const requests: number[] = [];
  let gate: Promise<void> | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      requests.push(body.length);
      const reqSeq = forge.asn1.fromDer(forge.util.createBuffer(body.toString('binary'))).value as forge.asn1.Asn1[];
      const imprint = Buffer.from(forge.asn1.toDer(reqSeq[1]).getBytes(), 'binary');
      const nonce = reqSeq.find((n, i) => i > 1 && n.type === forge.asn1.Type.INTEGER);
      const tst = seq(
        integer(1),
        oid('1.2.3.4.1'),
        imprint,
        integer(requests.length),
        generalizedTime(new Date()),
        ...(nonce ? [Buffer.from(forge.asn1.toDer(nonce).getBytes(), 'binary')] : []),
      );
      const token = await buildSignedData({
        contentDigest: createHash('sha256').update(tst).digest(),
        signer: cert,
        extraCertificates: [],
        signingTime: new Date(),
        sign: async (data) => ({ signature: sign('sha256', data, privateKey), algorithm: 'ecdsa-sha256' }),
        encapsulated: { contentType: OID.tstInfo, content: tst },
      });
      await gate;
      res.setHeader('content-type', 'application/timestamp-reply');
      res.end(seq(seq(integer(0)), token));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/tsa`,
        server,
        requests,
        hold: () => {
          let release!: () => void;
          gate = new Promise<void>((r) => (release = r));
          return () => {
            gate = undefined;
            release();
          };
        },
      });
    }),
  );
}
