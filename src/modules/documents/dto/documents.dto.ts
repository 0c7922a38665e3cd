import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { SECRECIES, SIGNER_AUTHORITIES, URGENCIES } from '../document.entity.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);
/** Multipart fields arrive as strings: "" means absent. */
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : trim({ value }));

export class CreateOutgoingDto {
  @ApiProperty({ example: 'QĐ', description: 'Decree 30/2020 appendix III abbreviation; CV for công văn' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(10)
  typeCode: string;

  @ApiProperty({ example: 'Về việc cử cán bộ tham gia lớp bồi dưỡng' })
  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  subject: string;

  @ApiPropertyOptional({ description: 'Body text composed on the system (paragraphs separated by blank lines)' })
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  body?: string;

  @ApiProperty() @IsUUID() signerId: string;

  @ApiPropertyOptional({ enum: SIGNER_AUTHORITIES })
  @IsOptional()
  @IsIn(SIGNER_AUTHORITIES as unknown as string[])
  signerAuthority?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  consulteeIds?: string[];

  @ApiPropertyOptional({ description: 'Deadline for opinions (ISO 8601); default 3 working days' })
  @IsOptional()
  @IsISO8601({ strict: true })
  consultationDueAt?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  recipientAgencyIds?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Recipients outside the system, printed in "Nơi nhận"' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  externalRecipients?: string[];

  @ApiPropertyOptional() @IsOptional() @IsUUID() dossierId?: string;

  @ApiPropertyOptional({ description: 'The incoming document this outgoing document replies to' })
  @IsOptional()
  @IsUUID()
  replyToId?: string;

  @ApiPropertyOptional({ enum: URGENCIES }) @IsOptional() @IsIn(URGENCIES as unknown as string[]) urgency?: string;
  @ApiPropertyOptional({ enum: SECRECIES }) @IsOptional() @IsIn(SECRECIES as unknown as string[]) secrecy?: string;

  @ApiPropertyOptional({ description: 'Legal normative document: own number series per type' })
  @IsOptional()
  @IsBoolean()
  legalNormative?: boolean;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Reply deadline' })
  @IsOptional()
  @Matches(DATE)
  dueDate?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(999) issuedAmount?: number;
}

/** Multipart metadata of a received document (appendix VI Part II §II). */
export class CreateIncomingDto {
  @ApiProperty({ example: 'Bộ Nội vụ' })
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  senderName: string;

  @ApiProperty({ example: '15/QĐ-BNV', description: 'Number and notation of the received document' })
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(1)
  @MaxLength(42)
  originalNumber: string;

  @ApiProperty({ example: '2026-11-20' })
  @Transform(emptyToUndefined)
  @Matches(DATE, { message: 'originalDate must be yyyy-MM-dd' })
  originalDate: string;

  @ApiProperty({ example: 'CV' })
  @Transform(emptyToUndefined)
  @IsString()
  @MaxLength(10)
  typeCode: string;

  @ApiProperty()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  subject: string;

  @ApiPropertyOptional({ enum: URGENCIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(URGENCIES as unknown as string[])
  urgency?: string;

  @ApiPropertyOptional({ enum: SECRECIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(SECRECIES as unknown as string[])
  secrecy?: string;

  @ApiPropertyOptional({ description: "Receiving agency; must be the caller's own" })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID()
  agencyId?: string;

  @ApiPropertyOptional() @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(100) signerName?: string;
  @ApiPropertyOptional() @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(100) signerTitle?: string;
  @ApiPropertyOptional() @Transform(emptyToUndefined) @IsOptional() @Matches(DATE) dueDate?: string;
  @ApiPropertyOptional() @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(500) description?: string;

  @ApiPropertyOptional({ description: 'Why the clerk registers a letter already received (duplicate warning)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(500)
  duplicateReason?: string;
}

export class ListDocumentsQuery {
  @ApiPropertyOptional({ enum: ['incoming', 'outgoing'] })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction?: 'incoming' | 'outgoing';
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10) typeCode?: string;
  @ApiPropertyOptional({ enum: ['normal', ...URGENCIES] })
  @IsOptional()
  @IsIn(['normal', ...URGENCIES])
  urgency?: string;
  @ApiPropertyOptional({ description: 'Subject text, with or without diacritics' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ description: 'Number and notation (prefix), e.g. 01/QĐ' })
  @IsOptional()
  @IsString()
  @MaxLength(42)
  number?: string;
  @ApiPropertyOptional({ example: '2026-01-01' }) @IsOptional() @Matches(DATE) from?: string;
  @ApiPropertyOptional({ example: '2026-12-31' }) @IsOptional() @Matches(DATE) to?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
  @ApiPropertyOptional({ enum: ['urgency', 'newest', 'oldest'], default: 'urgency' })
  @IsOptional()
  @IsIn(['urgency', 'newest', 'oldest'])
  sort?: 'urgency' | 'newest' | 'oldest';
}

export class ShareDocumentDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  userIds: string[];
}

export class UploadVersionDto {
  @ApiPropertyOptional({ enum: ['draft', 'attachment'] })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['draft', 'attachment'])
  role?: 'draft' | 'attachment';
  @ApiPropertyOptional() @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(500) note?: string;
}
