import { Body, Controller, Get, HttpCode, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { badRequest, notFound } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { CurrentUser, PolicyService, RequirePermission, type AuthUser } from '../auth/index.js';
import { UserEntity } from '../organizations/index.js';
import { CredentialsService, toCertificateView, type Owner } from './credentials.service.js';
import {
  ChangePinDto,
  ImportPkcs12Dto,
  IssueCertificateDto,
  ListCertificatesQuery,
  RevokeCertificateDto,
} from './dto/signing.dto.js';
import { SigningService } from './signing.service.js';

const PDF_LIMIT = 50 * 1024 * 1024;

@ApiTags('signing')
@Controller('api')
export class SigningController {
  constructor(
    private readonly signing: SigningService,
    private readonly credentials: CredentialsService,
    private readonly policy: PolicyService,
    private readonly tx: TransactionService,
  ) {}

  /** Verifies every signature of an uploaded PDF (multipart field `file`). Any authenticated user. */
  @RequirePermission('documents.read')
  @Post('signatures/verify')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: PDF_LIMIT } }))
  verify(@UploadedFile() file?: Express.Multer.File) {
    if (!file) throw badRequest('NOT_A_PDF');
    return this.signing.verifyPdf(file.buffer);
  }

  /** The caller's own certificates. */
  @RequirePermission('documents.read')
  @Get('signing/certificates/mine')
  async mine(@CurrentUser() user: AuthUser) {
    const rows = await this.credentials.list({ ownerType: 'user', ownerId: user.id, agencyIds: [user.agencyId] });
    return rows.map(toCertificateView);
  }

  /** Changes the PIN of the caller's own active software key. */
  @RequirePermission('documents.read')
  @Post('signing/certificates/mine/pin')
  @HttpCode(204)
  async changePin(@CurrentUser() user: AuthUser, @Body() dto: ChangePinDto) {
    const c = await this.credentials.usable('user', user.id);
    await this.credentials.changePin(c.id, dto.currentPin, dto.newPin, user.id);
  }

  @RequirePermission('signing.manage')
  @Get('signing/certificates')
  async list(@CurrentUser() user: AuthUser, @Query() q: ListCertificatesQuery) {
    const agencyIds = await this.policy.manageableAgencyIds(user);
    return (await this.credentials.list({ ...q, agencyIds })).map(toCertificateView);
  }

  /** Issues a certificate from the demo CA for a user or an agency (administrators of its agency). */
  @RequirePermission('signing.manage')
  @Post('signing/certificates')
  async issue(@CurrentUser() user: AuthUser, @Body() dto: IssueCertificateDto) {
    const owner = await this.owner(user, dto);
    const row = await this.credentials.issue(owner, this.credentials.defaultPin(dto.pin), user.id);
    return toCertificateView(row);
  }

  /** Imports a PKCS#12 (.p12/.pfx, multipart field `file`) for a user or an agency. */
  @RequirePermission('signing.manage')
  @Post('signing/certificates/import')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 1024 * 1024 } }))
  async importP12(
    @CurrentUser() user: AuthUser,
    @Body() dto: ImportPkcs12Dto,
    @UploadedFile() file?: Express.Multer.File,
  ) {
    if (!file) throw badRequest('PKCS12_INVALID');
    const owner = await this.owner(user, dto);
    const row = await this.credentials.importPkcs12(owner, file.buffer, dto.password, dto.pin ?? dto.password, user.id);
    return toCertificateView(row);
  }

  @RequirePermission('signing.manage')
  @Post('signing/certificates/:id/revoke')
  @HttpCode(200)
  async revoke(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: RevokeCertificateDto) {
    const c = await this.credentials.get(id);
    if (!c.agencyId) throw notFound('certificate', id);
    await this.policy.assertCanManageAgency(user, c.agencyId, 'certificate');
    return toCertificateView(await this.credentials.revoke(id, dto.reason, user.id));
  }

  private async owner(user: AuthUser, dto: IssueCertificateDto): Promise<Owner> {
    if (!!dto.userId === !!dto.agencyId) throw badRequest('VALIDATION_FAILED', { fields: 'userId | agencyId' });
    if (dto.agencyId) {
      await this.policy.assertCanManageAgency(user, dto.agencyId);
      return { type: 'agency', id: dto.agencyId, agencyId: dto.agencyId };
    }
    const target = await this.tx.manager.findOne(UserEntity, { where: { id: dto.userId } });
    if (!target) throw notFound('user', dto.userId);
    await this.policy.assertCanManageAgency(user, target.agencyId, 'user');
    return { type: 'user', id: target.id, agencyId: target.agencyId };
  }
}
