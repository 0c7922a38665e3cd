import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError } from '../../common/domain-error.js';
import { CurrentUser, Public, RequirePermission, type AuthUser } from '../auth/index.js';
import { readRawBody } from '../dossiers/raw-body.js';
import { DecisionDto, PeerDto, PeerPatchDto, ReasonDto, ReceivedQueryDto, RequestDto } from './dto/exchange.dto.js';
import { ExchangeDecisions } from './exchange-decisions.service.js';
import { ExchangeDirectory } from './exchange-directory.service.js';
import { ExchangeReceiver } from './exchange-receiver.service.js';
import { ExchangeSender } from './exchange-sender.service.js';
import { EDXML_MEDIA_TYPE, SIGNATURE_HEADER } from './gateway/direct.adapter.js';
import { InstallationKey } from './installation-key.js';

/**
 * Reads a package up to `limit` bytes. Past it the rest is read and dropped before the 413 is answered, so the
 * sending peer gets the refusal instead of a reset connection (and does not retry blindly).
 */
async function readPackage(req: Request, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return readRawBody(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit)
    throw new DomainError('PAYLOAD_TOO_LARGE', 'too-large', { limit: `${Math.round(limit / 1048576)} MB` });
  return Buffer.concat(chunks);
}

@ApiTags('exchange')
@Controller('api/exchange')
export class ExchangeController {
  constructor(
    private readonly receiver: ExchangeReceiver,
    private readonly sender: ExchangeSender,
    private readonly decisions: ExchangeDecisions,
    private readonly directory: ExchangeDirectory,
    private readonly key: InstallationKey,
  ) {}

  /**
   * The `direct` adapter's endpoint: another installation posts a package here, signed with its key
   * (X-Edxml-Signature). No user token: the signature is checked against the directory's key of the sender.
   */
  @Public()
  @Post('packages')
  @HttpCode(200)
  @ApiConsumes(EDXML_MEDIA_TYPE)
  async receive(@Req() req: Request) {
    const raw = await readPackage(req, this.receiver.maxBytes);
    const signature = String(req.headers[SIGNATURE_HEADER] ?? '');
    return this.receiver.accept(raw, { via: 'direct', signature });
  }

  /** What a peer needs to put this installation in its directory. */
  @Public()
  @Get('identity')
  identity() {
    return { publicKey: this.key.publicKeyPem, endpointPath: '/api/exchange/packages', mediaType: EDXML_MEDIA_TYPE };
  }

  @RequirePermission('documents.receive')
  @Get('received')
  received(@CurrentUser() user: AuthUser, @Query() q: ReceivedQueryDto) {
    return this.decisions.list(user, q.state);
  }

  @RequirePermission('documents.receive')
  @Post('received/:id/return')
  @HttpCode(200)
  returnToSender(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReasonDto) {
    return this.decisions.returnToSender(user, id, dto.reason);
  }

  @RequirePermission('documents.receive')
  @Post('received/:id/decision')
  @HttpCode(200)
  decide(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: DecisionDto) {
    return this.decisions.decideRequest(user, id, dto.decision, dto.note ?? '');
  }

  /** Each recipient's delivery and status timeline of an outgoing document. */
  @RequirePermission('documents.read')
  @Get('documents/:id')
  timeline(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.sender.timeline(user, id);
  }

  @RequirePermission('documents.issue')
  @Post('documents/:id/requests')
  @HttpCode(200)
  request(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RequestDto) {
    return this.sender.request(user, id, dto.kind, dto.reason);
  }

  @RequirePermission('documents.issue')
  @Post('documents/:id/retry')
  @HttpCode(200)
  retry(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    return this.sender.retry(user, id);
  }

  @RequirePermission('organizations.manage')
  @Get('peers')
  async peers(@CurrentUser() user: AuthUser) {
    await this.directory.assertInstallationAdmin(user);
    return this.directory.list();
  }

  @RequirePermission('organizations.manage')
  @Post('peers')
  async createPeer(@CurrentUser() user: AuthUser, @Body() dto: PeerDto) {
    await this.directory.assertInstallationAdmin(user);
    return this.directory.create(dto);
  }

  @RequirePermission('organizations.manage')
  @Patch('peers/:id')
  async updatePeer(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() dto: PeerPatchDto) {
    await this.directory.assertInstallationAdmin(user);
    return this.directory.update(id, dto);
  }

  @RequirePermission('organizations.manage')
  @Delete('peers/:id')
  @HttpCode(204)
  async removePeer(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    await this.directory.assertInstallationAdmin(user);
    await this.directory.remove(id);
  }

  /** CSV `organId,name,adapter,endpointUrl,publicKey`, all lines or none. */
  @RequirePermission('organizations.manage')
  @Post('peers/import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  async importPeers(@CurrentUser() user: AuthUser, @Req() req: Request) {
    await this.directory.assertInstallationAdmin(user);
    const raw = await readRawBody(req, 5 * 1024 * 1024);
    return this.directory.importCsv(raw.toString('utf8'));
  }
}
